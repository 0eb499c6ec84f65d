import { Schema, type Connection, type Model } from 'mongoose';

/**
 * The newest known link of each failure chain of one owner (attemptSlotModel.ts): what a
 * sign-in reads, by `_id`, to know a person's counted failures and locks (or an address's
 * recent failures) in one lookup. It is a cache of the chain: written after each failure
 * by `_id` alone, it may lag behind the slots when writes race, and readers walk on from it.
 */
export type ChainEntry<State = unknown> = {
  /** The number of the newest slot this entry knows. */
  n: number;
  /** Epoch ms of that slot's failure: the sweeper drops an entry once its slots are gone. */
  last: number;
  state: State;
};

export type AttemptHead = {
  /** A person's id (or an unknown user ID's stand-in), or `address:<client address>`. */
  _id: string;
  /** By encoded key (attemptRepository.ts fieldOf): "TOTP", "password:<address>", "address"… */
  keys?: Record<string, ChainEntry>;
  /** Locks that wait for an admin, by encoded key: epoch ms of the failure that set them. */
  locks?: Record<string, number>;
};

const attemptHeadSchema = new Schema<AttemptHead>(
  {
    _id: { type: String, required: true },
    keys: { type: Schema.Types.Mixed },
    locks: { type: Schema.Types.Mixed },
  },
  { versionKey: false, minimize: false },
);

export function attemptHeadModel(connection: Connection): Model<AttemptHead> {
  return (connection.models.AttemptHead as Model<AttemptHead> | undefined) ?? connection.model<AttemptHead>('AttemptHead', attemptHeadSchema, 'attempt_heads');
}
