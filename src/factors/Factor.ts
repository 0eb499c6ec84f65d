import type { Connection } from 'mongoose';
import type { ClassPolicy, PlannableFactor } from '../policy/types.ts';
import type { SealedField } from '../security/SealedField.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { FactorServices } from './FactorServices.ts';
import type { Verdict } from './Verdict.ts';

export type { RetryReason, Verdict } from './Verdict.ts';

/**
 * The contract every factor folder fulfils (design.md "Factor"): static metadata and the
 * planner's pure part (PlannableFactor: id, amr, configuredFor, how it stands in for or
 * alongside another factor) apart from behaviour — `challenge` starts a step, `present`
 * gives its partial what to show, `verify` returns one closed Verdict. Retry limits are
 * kept around verify by limitAttempts, never inside it. Optional capabilities are small
 * interfaces of their own (ResendsCode). `factors/index.ts` is the list; nothing else names
 * a factor.
 */

/** Where a step's code goes, for the factors that deliver one. */
export type StepChannel = 'sms' | 'email';

/** The step of a sign-in in progress: which factor, and (for a delivered code) which channel. */
export type SignInStep = { factor: string; channel?: StepChannel };

/**
 * What a factor remembers between showing its step and verifying it (which questions were
 * asked, where a code was sent). Opaque to the sign-in: stored with the progress and handed
 * back to the same factor.
 */
export type StepState = Record<string, unknown>;

/** What a factor's step knows of the sign-in it is part of. */
export type FactorContext = {
  person: StoredPerson;
  policy: ClassPolicy | undefined;
  step: SignInStep;
  /** The interaction the step belongs to (codes are bound to it). */
  interactionUid: string;
  now: number;
  services: FactorServices;
  /** The message around a delivered code, in the person's language. */
  codeMessage(code: string): { subject?: string; text: string };
};

export type FactorMetadata = {
  /** Message key of the factor's name in lists ("try another way"), e.g. "factor.TOTP"; a channel's own under `${key}.${channel}`. */
  displayName: string;
  /** The views/factors/ partial that shows the step's inputs. */
  partial: string;
  /** May the person set it up during sign-in after a stand-in for it (product.md rule 6). */
  enrollableDuringSignIn: boolean;
  /** The channels it delivers through (a person needs one of them). */
  channels: readonly StepChannel[];
  /** Its code may be typed on the sign-in page with the password (one screen, the second source document). */
  typedWithPassword?: boolean;
  /** With acceptedWith: message key of the link offered on that factor's step ("Use an emergency token"). */
  useInsteadLabel?: string;
};

export type Factor = PlannableFactor &
  FactorMetadata & {
    /** Starts a step: sends a code, chooses questions. The state returned comes back to present and verify. */
    challenge(ctx: FactorContext): Promise<StepState>;
    /** What the step's partial shows (never a secret the person has not typed). */
    present(ctx: FactorContext, state: StepState): Promise<Record<string, unknown>>;
    /** The person's input (the form's fields) against the step; limits are kept around it. */
    verify(ctx: FactorContext, state: StepState, input: Record<string, unknown>): Promise<Verdict>;
    /** After a success: what it proves beyond the sign-in (a delivered code proves the address it went to). */
    afterSuccess?(ctx: FactorContext, state: StepState): Promise<void>;
  } & Partial<KeepsPersonRecords> &
  Partial<SealsValues>;

/** Optional: a factor that keeps records of a person apart from the person record (removed with the person). */
export type KeepsPersonRecords = {
  forgetPerson(connection: Connection, personId: string): Promise<unknown>;
  /** The sweeper's clean-up of records that no longer count (never done on a sign-in's path); how many went. */
  sweep?(connection: Connection, now: number): Promise<number>;
};

/** Optional: a factor that seals values into the database (re-sealed by master-key rotation). */
export type SealsValues = { sealedFields: readonly SealedField[] };

/** How a set-up offered during sign-in went: done (with what is shown once, e.g. new emergency tokens), or why not. */
export type EnrolmentOutcome =
  | { outcome: 'success'; shownOnce: Record<string, unknown> }
  /** What was offered no longer applies (the factor changed meanwhile): start again. */
  | { outcome: 'stale' }
  | Extract<Verdict, { outcome: 'retry' | 'malformed' | 'locked' }>;

/**
 * Optional: a factor the person may set up during sign-in — after passing a stand-in for it
 * (product.md rule 6), or after a factor the class ranks below it (offeredAfterLowerFactor).
 * `offer` makes what the sign-in keeps (sealed where secret) until the person confirms it;
 * its partials under views/factors/ show the set-up and what is shown once afterwards;
 * `messages` are the keys of the pages' titles and leads (and of an offer gone stale).
 */
export type EnrolsAtSignIn = {
  enrolment: {
    partial: string;
    donePartial: string;
    messages: { title: string; lead: string; doneTitle: string; doneLead: string; stale: string };
    offer(ctx: FactorContext): StepState | Promise<StepState>;
    present(ctx: FactorContext, offered: StepState): Promise<Record<string, unknown>>;
    /** Confirms under the class's retry limits (the factor's own attempts); `address` is the client's. */
    confirm(ctx: FactorContext, offered: StepState, input: Record<string, unknown>, address: string): Promise<EnrolmentOutcome>;
  };
};

export const enrolsAtSignIn = (factor: Factor): factor is Factor & EnrolsAtSignIn => typeof (factor as Partial<EnrolsAtSignIn>).enrolment === 'object';

/** Optional: a factor whose step can be sent again (a new code replaces the old one). */
export type ResendsCode = { resend(ctx: FactorContext, state: StepState): Promise<StepState> };

export const resendsCode = (factor: Factor): factor is Factor & ResendsCode => typeof (factor as Partial<ResendsCode>).resend === 'function';

/** A form field as typed text, trimmed ('' when absent). */
export const typedText = (input: Record<string, unknown>, name: string): string => (typeof input[name] === 'string' ? (input[name] as string).trim() : '');
