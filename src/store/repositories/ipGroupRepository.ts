import type { Connection } from 'mongoose';
import { ipGroupModel, type StoredIpGroup } from '../models/ipGroupModel.ts';

export type { StoredIpGroup } from '../models/ipGroupModel.ts';

/** The stored IP groups, by `_id` (the lower-cased name). */
export function ipGroupRepository(connection: Connection) {
  const Groups = ipGroupModel(connection);
  return {
    async byId(id: string): Promise<StoredIpGroup | null> {
      return Groups.findById(id).lean();
    },

    async exists(id: string): Promise<boolean> {
      return (await Groups.exists({ _id: id })) !== null;
    },

    /** Every IP group, by `_id`. */
    async list(): Promise<StoredIpGroup[]> {
      return Groups.find().sort({ _id: 1 }).lean();
    },

    /** Refused with code 11000 when the `_id` exists. */
    async insert(doc: StoredIpGroup): Promise<void> {
      await Groups.create(doc);
    },

    async replace(doc: StoredIpGroup): Promise<void> {
      await Groups.replaceOne({ _id: doc._id }, doc);
    },

    /** True when an IP group was deleted. */
    async deleteById(id: string): Promise<boolean> {
      const { deletedCount } = await Groups.deleteOne({ _id: id });
      return deletedCount !== 0;
    },
  };
}

export type IpGroupRepository = ReturnType<typeof ipGroupRepository>;
