import type { Connection } from 'mongoose';
import { devOutboxModel, type DevOutboxMessage } from '../models/devOutboxModel.ts';

export type { DevOutboxMessage } from '../models/devOutboxModel.ts';

/** The development outbox's messages, by `_id` (which sorts by time). */
export function outboxRepository(connection: Connection) {
  const Messages = devOutboxModel(connection);
  return {
    async insert(message: DevOutboxMessage): Promise<void> {
      await Messages.create(message);
    },

    /** The `_id` of the message at `rank` counting from the newest (1: the newest); undefined when there are fewer. */
    async idAtRank(rank: number): Promise<string | undefined> {
      return (await Messages.findOne({}, { _id: 1 }).sort({ _id: -1 }).skip(rank - 1).lean())?._id;
    },

    /** Deletes the messages older than the one of `id`. */
    async deleteOlderThan(id: string): Promise<void> {
      await Messages.deleteMany({ _id: { $lt: id } });
    },

    /** At most `limit` messages, the newest first. */
    async newest(limit: number): Promise<DevOutboxMessage[]> {
      return Messages.find({}).sort({ _id: -1 }).limit(limit).lean<DevOutboxMessage[]>();
    },
  };
}

export type OutboxRepository = ReturnType<typeof outboxRepository>;
