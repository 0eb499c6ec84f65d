/**
 * The Gatehouse server of the benchmark, in a process of its own (forked by run.ts) so that
 * its memory and CPU are measured apart from the load generator. Its configuration (with
 * the throwaway master key) comes over the IPC channel, never in the environment; it
 * answers "stats" and "stop" there too, and exits when the parent goes away.
 *
 * With `monitorCommands=true` in its database URI, it also counts the database commands
 * it sends (by command and collection) and the time until each answer.
 */
import mongoose, { type mongo } from 'mongoose';
import type { Config } from '../../src/configuration/loadConfig.ts';
import { createLogger } from '../../src/logging/createLogger.ts';
import { startGatehouse, type RunningGatehouse } from '../../src/startGatehouse.ts';

/** Commands sent and the time until their answers, in all and by "command collection". */
export type DatabaseCommands = { count: number; durationMs: number; byCommand: Record<string, { count: number; durationMs: number }> };
export type ServerStats = { memory: NodeJS.MemoryUsage; cpu: NodeJS.CpuUsage; database: DatabaseCommands };
export type ServerMessage = { type: 'ready'; url: string } | ({ type: 'stats' } & ServerStats) | { type: 'failed'; message: string };
export type ParentMessage = { type: 'start'; config: Config } | { type: 'stats' } | { type: 'stop' };

const send = (message: ServerMessage) => process.send?.(message);

const database: DatabaseCommands = { count: 0, durationMs: 0, byCommand: {} };

/** Counts every command of every connection of this process (the store's). */
function countDatabaseCommands(): void {
  // The default connection is never opened: only connections with a client are watched.
  const clients = mongoose.connections.map((connection) => connection.getClient() as mongo.MongoClient | undefined).filter((client) => client !== undefined);
  if (clients.length === 0) throw new Error('The server has no database connection to watch.');
  const pending = new Map<number, string>();
  for (const client of clients) {
    client.on('commandStarted', (event: mongo.CommandStartedEvent) => {
      const collection = (event.command as Record<string, unknown>)[event.commandName];
      const key = typeof collection === 'string' ? `${event.commandName} ${collection}` : event.commandName;
      pending.set(event.requestId, key);
      database.count += 1;
      const entry = (database.byCommand[key] ??= { count: 0, durationMs: 0 });
      entry.count += 1;
    });
    const finished = (event: mongo.CommandSucceededEvent | mongo.CommandFailedEvent) => {
      database.durationMs += event.duration;
      const key = pending.get(event.requestId);
      pending.delete(event.requestId);
      if (key) database.byCommand[key]!.durationMs += event.duration;
    };
    client.on('commandSucceeded', finished);
    client.on('commandFailed', finished);
  }
}

let starting: Promise<RunningGatehouse | undefined> | undefined;
let stopping: Promise<never> | undefined;

function stop(code: number): Promise<never> {
  stopping ??= (async () => {
    // Bounded: a stuck close must not keep the process alive.
    setTimeout(() => process.exit(code || 1), 10_000).unref();
    const gatehouse = await starting?.catch(() => undefined);
    await gatehouse?.stop().catch(() => undefined);
    process.exit(code);
  })();
  return stopping;
}

async function start(config: Config): Promise<RunningGatehouse | undefined> {
  try {
    const gatehouse = await startGatehouse(config, createLogger(config.logLevel));
    countDatabaseCommands();
    send({ type: 'ready', url: gatehouse.url });
    return gatehouse;
  } catch (error) {
    send({ type: 'failed', message: (error as Error).message });
    void stop(1);
    return undefined;
  }
}

process.on('disconnect', () => void stop(0));
process.on('message', (message: ParentMessage) => {
  if (message.type === 'start') starting ??= start(message.config);
  if (message.type === 'stats') send({ type: 'stats', memory: process.memoryUsage(), cpu: process.cpuUsage(), database: structuredClone(database) });
  if (message.type === 'stop') void stop(0);
});
