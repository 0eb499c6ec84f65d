import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A claim on a unique key of a person: `name:<lower-cased name>` or `user:<lower-cased
 * user ID>`. Uniqueness rests on the _id, because inserting an existing _id is refused
 * atomically by MongoDB and the embedded database alike — a unique index over an array
 * (the user IDs) is not enforced per element by the embedded database.
 */
export type PersonKey = {
  _id: string;
  personId: string;
  claimedAt: Date;
  /** The process that made the claim (host name and PID): a claim of a process that died is not waited for. Absent on older claims. */
  claimant?: { host: string; pid: number };
};

const personKeySchema = new Schema<PersonKey>(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    claimant: { type: new Schema({ host: String, pid: Number }, { _id: false }), required: false },
  },
  { versionKey: false },
);
personKeySchema.index({ personId: 1 });

export function personKeyModel(connection: Connection): Model<PersonKey> {
  return (connection.models.PersonKey as Model<PersonKey> | undefined) ?? connection.model<PersonKey>('PersonKey', personKeySchema, 'person_keys');
}
