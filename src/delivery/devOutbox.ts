import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { outboxRepository, type DevOutboxMessage } from '../store/repositories/outboxRepository.ts';

/** How many messages the development outbox keeps (the newest). */
export const devOutboxSize = 200;

export type DevOutbox = {
  store(message: Omit<DevOutboxMessage, '_id' | 'storedAt'>, now?: Date): Promise<void>;
  /** The newest first. */
  list(): Promise<DevOutboxMessage[]>;
};

/** The development outbox: messages kept, not sent, when a channel has no provider outside production. */
export function createDevOutbox(connection: Connection): DevOutbox {
  const messages = outboxRepository(connection);
  // Orders the messages of one process stored within the same millisecond.
  let sequence = 0;
  return {
    async store(message, now = new Date()) {
      sequence = (sequence + 1) % 1_000_000;
      const _id = `${now.toISOString()}-${String(sequence).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
      await messages.insert({ ...message, _id, storedAt: now });
      // Keep the newest only. Two instances trimming at once delete the same old messages.
      const oldestKept = await messages.idAtRank(devOutboxSize);
      if (oldestKept !== undefined) await messages.deleteOlderThan(oldestKept);
    },
    async list() {
      return messages.newest(devOutboxSize);
    },
  };
}
