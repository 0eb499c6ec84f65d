import { Schema, type Connection, type Model } from 'mongoose';

/**
 * An accepted (or burnt) TOTP time step of a person: `_id` is `<person id>:<time step>`.
 * Accepting a code inserts its step here, and only the one caller whose insert succeeds
 * gets the success — inserting an existing _id is refused atomically by MongoDB and the
 * embedded database alike, where a conditional update is not. Old steps are removed as
 * newer ones are accepted; the person's `totp.lastStep` keeps refusing them.
 */
export type TotpStep = { _id: string; personId: string; step: number; claimedAt: Date };

const totpStepSchema = new Schema<TotpStep>(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    step: { type: Number, required: true },
    claimedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
totpStepSchema.index({ personId: 1, step: 1 });

export function totpStepModel(connection: Connection): Model<TotpStep> {
  return (connection.models.TotpStep as Model<TotpStep> | undefined) ?? connection.model<TotpStep>('TotpStep', totpStepSchema, 'totp_steps');
}
