import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A claim on a unique key of a person: `name:<lower-cased name>` or `user:<lower-cased
 * user ID>`. Uniqueness rests on the _id, because inserting an existing _id is refused
 * atomically by MongoDB and the embedded database alike — a unique index over an array
 * (the user IDs) is not enforced per element by the embedded database.
 */
export type PersonKey = { _id: string; personId: string; claimedAt: Date };

const personKeySchema = new Schema<PersonKey>(
  { _id: { type: String, required: true }, personId: { type: String, required: true }, claimedAt: { type: Date, required: true } },
  { versionKey: false },
);
personKeySchema.index({ personId: 1 });

export function personKeyModel(connection: Connection): Model<PersonKey> {
  return (connection.models.PersonKey as Model<PersonKey> | undefined) ?? connection.model<PersonKey>('PersonKey', personKeySchema, 'person_keys');
}
