import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { verify as verifyTotp } from 'otplib';
import { NotFoundError } from '../../errors/GatehouseError.ts';
import { systemActor, type Actor, type AuditLog } from '../../security/createAuditLog.ts';
import type { SecretBox } from '../../security/secretBox.ts';
import { factorStateRepository, type StoredTotpCandidate, type StoredTotpKey } from '../../store/repositories/factorStateRepository.ts';
import type { StoredPerson } from '../../store/repositories/personRepository.ts';
import { totpStepRepository } from '../../store/repositories/totpStepRepository.ts';
import type { Verdict } from '../Verdict.ts';
import { decodeBase32 } from './base32.ts';
import { generateTotpSecret } from './generateTotpSecret.ts';
import { keyState, type TotpKeyState } from './keyState.ts';
import { checkTotpKey, type TotpKeyInput, type ValidTotpKey } from './totpKeyInput.ts';
import { totpMetadata } from './totpMetadata.ts';

type Dependencies = { connection: Connection; secretBox: SecretBox; audit: AuditLog };
type Options = { actor?: Actor };

/** One step of clock drift each way (RFC 6238 section 5.2 recommends at most one). */
const driftSteps = 1;
/**
 * Accepting step S also claims the steps below it that a later code could still match
 * (S-1 and S-2, with a step of drift): once a verify has returned, no code of an earlier
 * step passes on any server, whatever the person record said when it was read.
 */
const burnBelow = 2;

/** A key offered to a person who sets up an authenticator app themselves (personModel.ts says how it is kept). */
export type TotpCandidate = StoredTotpCandidate;

/** The key as the admin menu displays it (option 3); the caller audits the display. */
export type OpenedTotpKey = { secret: string; algorithm: StoredTotpKey['algorithm']; digits: 6 | 8; period: number; state: StoredTotpKey['state'] };

const sealContext = (personId: string) => `totp-key:${personId}`;
/** A claim on a person's step; a key being set up claims its steps apart (`scope`): its codes are not the current key's. */
const stepId = (personId: string, step: number, scope?: string) => (scope ? `${personId}:${scope}:${step}` : `${personId}:${step}`);
/** otplib's refusals of the token itself (not of the key): a typing slip. */
const isTokenError = (error: unknown) => error instanceof Error && (error.name === 'TokenLengthError' || error.name === 'TokenFormatError');

/** The highest step accepted for the person's current key: the one it started with (carried over from the key before), or one raised since. */
const highestStep = (person: Pick<StoredPerson, 'totp' | 'totpSteps'>): number =>
  person.totp ? Math.max(person.totp.lastStep ?? -1, person.totpSteps?.[person.totp.keyId] ?? -1) : -1;

/** The person's key with its highest accepted step, as check() takes it. */
const keyWithSteps = (person: Pick<StoredPerson, 'totp' | 'totpSteps'> & { totp: StoredTotpKey }) => ({ ...person.totp, lastStep: highestStep(person) });

/** The time step the token matches in the window, if any. */
async function matchedStep(options: Parameters<typeof verifyTotp>[0]): Promise<number | undefined> {
  const result = await verifyTotp(options);
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

/**
 * The TOTP factor: a person's key (set, activated, removed; sealed at rest) and the
 * verification of codes. A code is accepted once: its time step is claimed by inserting
 * `<person>:<step>` into totp_steps, which only one caller can do, on any server; and the
 * person's highest accepted step refuses every earlier one.
 */
export function createTotpFactor({ connection, secretBox, audit }: Dependencies) {
  const persons = factorStateRepository(connection);
  const steps = totpStepRepository(connection);

  async function findPerson(personId: string): Promise<Pick<StoredPerson, '_id' | 'name' | 'totp' | 'totpSteps'>> {
    const person = await persons.totpStateWithName(personId);
    if (!person) throw new NotFoundError(`There is no person with sub "${personId}".`);
    return person;
  }

  /**
   * Claims step S and, in the same command, the steps below it a later code could still
   * match (S-1 and S-2). True when S itself was claimed by this caller: each insert of a
   * unique _id goes through once, whoever else tries it (unordered: a below step claimed
   * before does not stop the others).
   */
  async function claim(personId: string, step: number, claimedAt: Date, scope?: string): Promise<boolean> {
    const claimed = [step, ...Array.from({ length: burnBelow }, (_, index) => step - index - 1)].filter((each) => each >= 0);
    return steps.claim(claimed.map((each) => ({ _id: stepId(personId, each, scope), personId, step: each, claimedAt })));
  }

  /** After step S was accepted and claimed: raise the key's highest step (old claims go with the sweeper: sweepTotpSteps.ts). */
  async function settle(personId: string, keyId: string, step: number): Promise<void> {
    await persons.raiseTotpStep(personId, keyId, step);
  }

  /**
   * Checks `code` against the key and claims its time step. The code is matched without
   * a lower bound first, so that a code of an accepted step is told apart ('reused') from
   * a wrong one; then, should it match an accepted step, once more above `lastStep`
   * (otplib's afterTimeStep), in case it also matches a newer step of the window.
   */
  async function check(personId: string, key: Pick<StoredTotpKey, 'keyId' | 'sealedSecret' | 'algorithm' | 'digits' | 'period' | 'lastStep'>, code: string, now: number): Promise<Verdict> {
    return (await checkStep(personId, key, code, now)).verdict;
  }

  /** `check`, also telling which time step the accepted code claimed; `scope` keeps the claims of a key being set up apart. */
  async function checkStep(personId: string, key: Pick<StoredTotpKey, 'keyId' | 'sealedSecret' | 'algorithm' | 'digits' | 'period' | 'lastStep'>, code: string, now: number, scope?: string): Promise<{ verdict: Verdict; step?: number }> {
    const token = typeof code === 'string' ? code.replace(/\s+/g, '') : '';
    if (!/^\d+$/.test(token) || token.length !== key.digits) return { verdict: { outcome: 'malformed' } };
    const secret = decodeBase32(secretBox.open(key.sealedSecret, sealContext(personId)));
    const epoch = Math.floor(now / 1000);
    const options = { secret, token, algorithm: key.algorithm.toLowerCase() as 'sha1' | 'sha256' | 'sha512', digits: key.digits, period: key.period, epoch, epochTolerance: key.period * driftSteps };
    let step: number | undefined;
    try {
      step = await matchedStep(options);
      const lastStep = key.lastStep ?? -1;
      if (step !== undefined && step <= lastStep) {
        const newestInWindow = Math.floor((epoch + key.period * driftSteps) / key.period);
        if (lastStep >= newestInWindow) return { verdict: { outcome: 'retry', reason: 'reused' } };
        step = await matchedStep({ ...options, afterTimeStep: lastStep });
        if (step === undefined) return { verdict: { outcome: 'retry', reason: 'reused' } };
      }
    } catch (error) {
      if (isTokenError(error)) return { verdict: { outcome: 'malformed' } };
      throw error;
    }
    if (step === undefined) return { verdict: { outcome: 'retry', reason: 'wrong-code' } };
    const claimedAt = new Date(now);
    if (!(await claim(personId, step, claimedAt, scope))) return { verdict: { outcome: 'retry', reason: 'reused' } };
    await settle(personId, key.keyId, step);
    return { verdict: { outcome: 'success', amr: totpMetadata.amr }, step };
  }

  return {
    /** A new random key (160 bits, Base32), for setKey. */
    generateSecret: generateTotpSecret,
    keyState,

    /**
     * Creates or replaces the person's key (option 8.1). The Base32 key is checked and
     * stored sealed, with its algorithm, digits and period. The highest accepted step is
     * kept, so a code just used cannot pass again under a key set to the same secret.
     */
    async setKey(personId: string, input: TotpKeyInput, options: Options = {}): Promise<void> {
      const key: ValidTotpKey = checkTotpKey(input);
      const person = await findPerson(personId);
      const now = new Date();
      const stored: StoredTotpKey = {
        keyId: randomUUID(),
        state: key.state,
        sealedSecret: secretBox.seal(key.secret, sealContext(personId)),
        algorithm: key.algorithm,
        digits: key.digits,
        period: key.period,
        createdAt: now,
        ...(key.state === 'active' ? { activatedAt: now } : {}),
        ...(highestStep(person) >= 0 ? { lastStep: highestStep(person) } : {}),
      };
      await persons.setTotpKey(personId, stored, now);
      await audit.record({
        actor: options.actor ?? systemActor,
        action: person.totp ? 'replace-key' : 'set-key',
        entity: 'totp',
        entityId: personId,
        ...(person.totp ? { before: { name: person.name, state: person.totp.state } } : {}),
        after: { name: person.name, state: key.state, algorithm: key.algorithm, digits: key.digits, period: key.period },
      });
    },

    /** A pending key becomes active without a code (the admin vouches for it); true when it changed. */
    async activate(personId: string, options: Options = {}): Promise<boolean> {
      const person = await findPerson(personId);
      if (!person.totp) throw new NotFoundError(`The person "${person.name}" has no TOTP key.`);
      if (person.totp.state === 'active') return false;
      const now = new Date();
      const activated = await persons.activateTotpKey(personId, person.totp.keyId, now);
      if (activated) await audit.record({ actor: options.actor ?? systemActor, action: 'activate-key', entity: 'totp', entityId: personId, after: { name: person.name, state: 'active' } });
      return activated;
    },

    /** Removes the person's key; true when there was one. */
    async removeKey(personId: string, options: Options = {}): Promise<boolean> {
      const person = await findPerson(personId);
      if (!person.totp) return false;
      await persons.removeTotpKey(personId, new Date());
      await audit.record({ actor: options.actor ?? systemActor, action: 'remove-key', entity: 'totp', entityId: personId, before: { name: person.name, state: person.totp.state } });
      return true;
    },

    /** The person's key opened, for the admin display and the registration page; undefined without one. */
    async openKey(personId: string): Promise<OpenedTotpKey | undefined> {
      const { totp } = await findPerson(personId);
      if (!totp) return undefined;
      return { secret: secretBox.open(totp.sealedSecret, sealContext(personId)), algorithm: totp.algorithm, digits: totp.digits, period: totp.period, state: totp.state };
    },

    /**
     * A code typed at sign-in, against the person's active key. The key and the highest
     * accepted step are read afresh — `person` may have been loaded before a key change —
     * unless the caller loaded the person in the same request (`loadedNow`).
     */
    async verify(person: Pick<StoredPerson, '_id'> & Partial<Pick<StoredPerson, 'totp' | 'totpSteps'>>, code: string, now = Date.now(), options: { loadedNow?: boolean } = {}): Promise<Verdict> {
      // A person loaded by this very request is fresh enough: a code is accepted once by its step's claim, whatever the highest step said.
      const record: Pick<StoredPerson, 'totp' | 'totpSteps'> = options.loadedNow ? person : ((await persons.totpState(person._id)) ?? {});
      const { totp } = record;
      if (!totp || totp.state !== 'active') return { outcome: 'not-applicable', reason: 'not-configured' };
      return check(person._id, keyWithSteps({ ...record, totp }), code, now);
    },

    /**
     * Enrolment: a code against the person's pending key; on success the key becomes
     * active (the same once-only rule applies to the code).
     */
    async confirmPending(person: Pick<StoredPerson, '_id'>, code: string, now = Date.now()): Promise<Verdict> {
      const record: Pick<StoredPerson, 'totp' | 'totpSteps'> = (await persons.totpState(person._id)) ?? {};
      const { totp } = record;
      if (!totp || totp.state !== 'pending') return { outcome: 'not-applicable', reason: 'not-configured' };
      const verdict = await check(person._id, keyWithSteps({ ...record, totp }), code, now);
      if (verdict.outcome !== 'success') return verdict;
      const activatedAt = new Date(now);
      if (!(await persons.activatePendingTotpKey(person._id, totp.keyId, activatedAt))) {
        // Another code confirmed the same key meanwhile (fine), or the key was replaced or removed (it confirmed a key that is gone).
        const { totp: current } = (await persons.totpKey(person._id)) ?? {};
        return current?.keyId === totp.keyId && current.state === 'active' ? verdict : { outcome: 'not-applicable', reason: 'not-configured' };
      }
      await audit.record({ actor: { kind: 'person', id: person._id }, action: 'confirm-key', entity: 'totp', entityId: person._id, after: { state: 'active' } });
      return verdict;
    },

    /** A new random key (160 bits; SHA1, 6 digits, 30 s, which every authenticator app knows), sealed for the person; see TotpCandidate. */
    newCandidate(personId: string, options: { replaces?: string } = {}): TotpCandidate {
      const key = checkTotpKey({ secret: generateTotpSecret(), state: 'pending' });
      return { keyId: randomUUID(), sealedSecret: secretBox.seal(key.secret, sealContext(personId)), algorithm: key.algorithm, digits: key.digits, period: key.period, ...(options.replaces ? { replaces: options.replaces } : {}) };
    },

    /** The candidate's key opened, to show as a QR code and in groups of four. */
    openCandidate(personId: string, candidate: TotpCandidate): OpenedTotpKey {
      return { secret: secretBox.open(candidate.sealedSecret, sealContext(personId)), algorithm: candidate.algorithm, digits: candidate.digits, period: candidate.period, state: 'pending' };
    },

    /**
     * A code from the app the person just set up, against the candidate: on success the
     * candidate becomes the person's active key, in place of any key they had (which stops
     * working). The candidate's steps are claimed apart from the current key's — a code of
     * the new key is no replay of the current key's code of the same step, which the person
     * may just have typed to prove it — and the new key starts with `lastStep` at the
     * highest step of either, so the confirming code cannot then sign in.
     * `replaced` is the state of the key it replaced. A candidate made before the person's
     * active key changed (by an admin, in another session) is not applicable: replacing an
     * active key needs that very key proved first.
     */
    async activateCandidate(personId: string, candidate: TotpCandidate, code: string, now = Date.now(), options: Options = {}): Promise<{ verdict: Verdict; replaced: TotpKeyState }> {
      const person = await findPerson(personId);
      const replaced = keyState(person);
      const stale = person.totp?.keyId === candidate.keyId || (person.totp?.state === 'active' && person.totp.keyId !== candidate.replaces);
      if (stale) return { verdict: { outcome: 'not-applicable', reason: 'not-configured' }, replaced };
      const { replaces: _replaces, ...offered } = candidate;
      const { verdict, step } = await checkStep(personId, offered, code, now, `setup-${candidate.keyId}`);
      if (verdict.outcome !== 'success') return { verdict, replaced };
      const activatedAt = new Date(now);
      const lastStep = Math.max(step ?? -1, highestStep(person));
      const stored: StoredTotpKey = { ...offered, state: 'active', createdAt: activatedAt, activatedAt, ...(lastStep >= 0 ? { lastStep } : {}) };
      await persons.setTotpKey(personId, stored, activatedAt);
      await audit.record({
        actor: options.actor ?? { kind: 'person', id: personId, name: person.name },
        action: person.totp ? 'replace-key' : 'set-key',
        entity: 'totp',
        entityId: personId,
        ...(person.totp ? { before: { name: person.name, state: person.totp.state } } : {}),
        after: { name: person.name, state: 'active', algorithm: candidate.algorithm, digits: candidate.digits, period: candidate.period, confirmed_with_code: true },
      });
      return { verdict, replaced };
    },
  };
}

export type TotpFactor = ReturnType<typeof createTotpFactor>;
