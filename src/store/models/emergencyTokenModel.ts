import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One emergency token of a person, a document of its own so that using it is one
 * deleteOne: only the caller whose delete removed it (deletedCount 1) may pass. `sealed`
 * is the token sealed by the secret box (displayable to admins); `lookup` is an HMAC of
 * the normalised token under the set's lookup key, to find it without opening every token.
 * `setId` ties it to the person's current set: a recreated set leaves the old one useless.
 */
export type EmergencyToken = { _id: string; personId: string; setId: string; position: number; sealed: string; lookup: string; createdAt: Date };

const emergencyTokenSchema = new Schema<EmergencyToken>(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    setId: { type: String, required: true },
    position: { type: Number, required: true },
    sealed: { type: String, required: true },
    lookup: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
emergencyTokenSchema.index({ personId: 1, setId: 1, lookup: 1 });

export function emergencyTokenModel(connection: Connection): Model<EmergencyToken> {
  return (connection.models.EmergencyToken as Model<EmergencyToken> | undefined) ?? connection.model<EmergencyToken>('EmergencyToken', emergencyTokenSchema, 'emergency_tokens');
}
