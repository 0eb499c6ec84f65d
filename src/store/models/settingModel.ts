import { Schema, type Connection, type Model } from 'mongoose';

/** One directory-wide setting, by name: `default_class` (the class of persons whose class is *DFT), `running_issuer` (the server's ISSUER at its last start). */
export type StoredSetting = { _id: string; value: unknown };

const settingSchema = new Schema<StoredSetting>(
  { _id: { type: String, required: true }, value: { type: Schema.Types.Mixed } },
  { versionKey: false, minimize: false },
);

export function settingModel(connection: Connection): Model<StoredSetting> {
  return (connection.models.Setting as Model<StoredSetting> | undefined) ?? connection.model<StoredSetting>('Setting', settingSchema, 'settings');
}
