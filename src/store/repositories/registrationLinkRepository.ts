import type { Connection } from 'mongoose';
import { registrationLinkModel, type StoredRegistrationLink } from '../models/registrationLinkModel.ts';

export type { StoredRegistrationLink } from '../models/registrationLinkModel.ts';

/** The registration links, by `_id` (the SHA-256 of the link's token). */
export function registrationLinkRepository(connection: Connection) {
  const Links = registrationLinkModel(connection);
  return {
    async byId(id: string): Promise<StoredRegistrationLink | null> {
      return Links.findById(id).lean();
    },

    async insert(link: StoredRegistrationLink): Promise<void> {
      await Links.create(link);
    },

    /** True for the one caller that deleted it. */
    async deleteById(id: string): Promise<boolean> {
      const { deletedCount } = await Links.deleteOne({ _id: id });
      return deletedCount === 1;
    },

    async deleteOfPerson(personId: string): Promise<void> {
      await Links.deleteMany({ personId });
    },

    /** Deletes the links that expired before `now`. */
    async deleteExpired(now: Date): Promise<void> {
      await Links.deleteMany({ expiresAt: { $lt: now } });
    },
  };
}

export type RegistrationLinkRepository = ReturnType<typeof registrationLinkRepository>;
