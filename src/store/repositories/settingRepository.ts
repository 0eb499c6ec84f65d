import type { Connection } from 'mongoose';
import { settingModel, type StoredSetting } from '../models/settingModel.ts';

export type { StoredSetting } from '../models/settingModel.ts';

/** The directory-wide settings, one document per setting, by name. */
export function settingRepository(connection: Connection) {
  const Settings = settingModel(connection);
  return {
    async byId(id: string): Promise<StoredSetting | null> {
      return Settings.findById(id).lean();
    },

    /** Stores the whole setting, inserting it when absent (an insert racing another may be refused with code 11000). */
    async put(id: string, value: unknown): Promise<void> {
      await Settings.replaceOne({ _id: id }, { _id: id, value }, { upsert: true });
    },

    /** Replaces the setting only where it exists. */
    async replaceExisting(id: string, value: unknown): Promise<void> {
      await Settings.replaceOne({ _id: id }, { _id: id, value });
    },

    /** Sets the value alone, inserting the setting when absent (an insert racing another may be refused with code 11000). */
    async setValue(id: string, value: unknown): Promise<void> {
      await Settings.updateOne({ _id: id }, { $set: { value } }, { upsert: true });
    },

    async delete(id: string): Promise<void> {
      await Settings.deleteOne({ _id: id });
    },
  };
}

export type SettingRepository = ReturnType<typeof settingRepository>;
