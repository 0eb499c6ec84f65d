import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { cacheStampModel } from './models/cacheStampModel.ts';

/** How long a cached record may be stale after a change made by another process (the CLI, another instance). */
export const cacheRecheckMs = 2000;

type Entry = { values: Map<string, unknown>; stamp?: string; checkedAt: number; generation: number };

/** Forgets every record of an entry; loads under way when it happens are not kept. */
function clear(entry: Entry): void {
  entry.values.clear();
  entry.generation += 1;
}

/** One entry per database and kind: instances of this process on the same database share it, so a change here is seen here at once. */
const entries = new Map<string, Entry>();

/**
 * Records read on every sign-in and grant that change rarely (classes, settings, clients),
 * kept in memory. A change through the directory clears the cache of this process at once
 * and writes a new stamp (`cache_stamps`, by `_id`); every process reads the stamp at most
 * once every cacheRecheckMs and drops its cache when the stamp changed. So a change made
 * elsewhere is seen within two seconds, and reading a cached record costs no command.
 * Absent records are not cached (a record created elsewhere is seen at once).
 */
export function createSharedCache<T>(connection: Connection, kind: string, options: { recheckMs?: number; /** What the cached values depend on besides the database (the master key that opened a secret). */ variant?: string } = {}) {
  const Stamps = cacheStampModel(connection);
  const recheckMs = options.recheckMs ?? cacheRecheckMs;
  const kindId = `${connection.host}:${connection.port}/${connection.name}/${kind}/`;
  const id = `${kindId}${options.variant ?? ''}`;
  const entry = (): Entry => {
    let found = entries.get(id);
    if (!found) entries.set(id, (found = { values: new Map(), checkedAt: -Infinity, generation: 0 }));
    return found;
  };

  async function current(now: number): Promise<Entry> {
    const found = entry();
    if (now - found.checkedAt < recheckMs) return found;
    const stamp = (await Stamps.findById(kind, { stamp: 1 }).lean())?.stamp ?? '';
    found.checkedAt = now;
    if (stamp !== found.stamp) {
      clear(found);
      found.stamp = stamp;
    }
    return found;
  }

  return {
    /** The record under `key`: from memory, or loaded (and kept, unless absent or changed meanwhile). */
    async get(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
      const found = await current(Date.now());
      if (found.values.has(key)) return found.values.get(key) as T;
      const generation = found.generation;
      const value = await load();
      if (value !== undefined && found.generation === generation) found.values.set(key, value);
      return value;
    },

    /** After a change is written: this process forgets at once, the others within cacheRecheckMs. */
    async changed(): Promise<void> {
      const found = entry();
      for (const [other, otherEntry] of entries) if (other.startsWith(kindId)) clear(otherEntry);
      await Stamps.replaceOne({ _id: kind }, { _id: kind, stamp: randomUUID(), at: new Date() }, { upsert: true });
      // Not taken as ours: should another process change the same kind at the same moment, the next check clears again.
      found.stamp = undefined;
    },
  };
}

export type SharedCache<T> = ReturnType<typeof createSharedCache<T>>;
