import type { Connection } from 'mongoose';
import { classModel, type StoredClass } from '../models/classModel.ts';

export type { StoredClass } from '../models/classModel.ts';

/** The stored classes, by `_id` (the lower-cased name). */
export function classRepository(connection: Connection) {
  const Classes = classModel(connection);
  return {
    async byId(id: string): Promise<StoredClass | null> {
      return Classes.findById(id).lean();
    },

    /** The name of a class as stored (its case), read alone; undefined when there is none. */
    async nameById(id: string): Promise<string | undefined> {
      return (await Classes.findById(id, { name: 1 }).lean())?.name;
    },

    async exists(id: string): Promise<boolean> {
      return (await Classes.exists({ _id: id })) !== null;
    },

    /** Every class, by `_id`. */
    async list(): Promise<StoredClass[]> {
      return Classes.find().sort({ _id: 1 }).lean();
    },

    /** Refused with code 11000 when the `_id` exists. */
    async insert(doc: StoredClass): Promise<void> {
      await Classes.create(doc);
    },

    async replace(doc: StoredClass): Promise<void> {
      await Classes.replaceOne({ _id: doc._id }, doc);
    },

    /** True when a class was deleted. */
    async deleteById(id: string): Promise<boolean> {
      const { deletedCount } = await Classes.deleteOne({ _id: id });
      return deletedCount !== 0;
    },
  };
}

export type ClassRepository = ReturnType<typeof classRepository>;
