import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One failed sign-in step from a client address, whoever the person: what the address
 * throttle counts. A document per failure (inserts are atomic everywhere, $inc is not on
 * the embedded database); swept once outside the throttle's window.
 */
export type AddressFailure = {
  _id: string;
  /** The address as the throttle keys it: an IPv4 address, or the /64 of an IPv6 one. */
  address: string;
  at: Date;
};

const addressFailureSchema = new Schema<AddressFailure>(
  {
    _id: { type: String, required: true },
    address: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
addressFailureSchema.index({ address: 1, at: -1 });
addressFailureSchema.index({ at: 1 });

export function addressFailureModel(connection: Connection): Model<AddressFailure> {
  return (connection.models.AddressFailure as Model<AddressFailure> | undefined) ??
    connection.model<AddressFailure>('AddressFailure', addressFailureSchema, 'address_failures');
}
