import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Where one sign-in stands between its pages, kept in the database (never in process
 * memory) so a sign-in started on one instance finishes on another. `_id` is the keyed
 * hash of the oidc-provider interaction uid (store/signInProgress.ts); it expires
 * with the interaction.
 */
export type SignInProgress = {
  _id: string;
  personId: string;
  context: 'MFA' | 'AOD';
  /** The step now asked: a factor of the plan (factors/index.ts), and the channel of a delivered code. */
  step: { factor: string; channel?: 'sms' | 'email' };
  /** What the step's factor keeps between its page and its verify (which questions were asked, where a code went, masked). */
  state?: Record<string, unknown>;
  /** Before the factors kept their own step state: the questions asked, and where a code went (read for sign-ins under way). */
  questionIds?: string[];
  sentTo?: string;
  /**
   * Set once the second factor is passed and the plan offers enrolment (product.md rule
   * 6): the factor set up (absent in records from before: TOTP, the only one), what it
   * offered (opaque to the sign-in; a TOTP key sealed), the amr of the factor passed, and
   * whether the set-up was confirmed. The sign-in finishes from here, with or without it.
   */
  enrolment?: { factor?: string; candidate: Record<string, unknown>; amr: string[]; confirmed?: boolean };
  expiresAt: Date;
};

const signInProgressSchema = new Schema<SignInProgress>(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    context: { type: String, required: true },
    step: { type: Schema.Types.Mixed, required: true },
    state: Schema.Types.Mixed,
    questionIds: { type: [String], default: undefined },
    sentTo: String,
    enrolment: Schema.Types.Mixed,
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
signInProgressSchema.index({ expiresAt: 1 });

export function signInProgressModel(connection: Connection): Model<SignInProgress> {
  return (connection.models.SignInProgress as Model<SignInProgress> | undefined) ??
    connection.model<SignInProgress>('SignInProgress', signInProgressSchema, 'sign_in_progress');
}
