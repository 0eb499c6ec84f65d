import { limitAttempts, type AttemptCounter, type AttemptOrigin } from '../attempts/limitAttempts.ts';
import { retryRuleOf } from '../attempts/retryRuleOf.ts';
import type { EmergencyTokens } from '../emergency/createEmergencyTokens.ts';
import { normaliseEmergencyToken } from '../emergency/emergencyToken.ts';
import type { RetryReason, Verdict } from '../Verdict.ts';
import type { TotpCandidate, TotpFactor } from './createTotpFactor.ts';
import { keyState, type TotpKeyState } from './keyState.ts';
import type { ClassPolicy, Plan, PolicyContext } from '../../policy/types.ts';
import type { StoredPerson } from '../../store/repositories/personRepository.ts';
import type { FactorNotices } from '../../delivery/createFactorNotices.ts';

// What the service needs of the person directory and of the registration links, said
// here: factors sit below both and import neither.
type Dependencies = {
  persons: { planFor(person: StoredPerson, context: PolicyContext, now: number): Promise<{ plan: Plan; policy?: ClassPolicy }> };
  totp: Pick<TotpFactor, 'newCandidate' | 'openCandidate' | 'activateCandidate' | 'verify' | 'removeKey'>;
  emergencyTokens: Pick<EmergencyTokens, 'recreate' | 'countLeft' | 'consume' | 'remove'>;
  attempts: AttemptCounter;
  notices: Pick<FactorNotices, 'send'>;
  links: { revokeAll(personId: string): Promise<void> };
};

/** A code typed for a self-service change: passed, wrong (say why), not a code at all, or too many wrong ones. */
export type SelfServiceOutcome = { outcome: 'success' } | Extract<Verdict, { outcome: 'retry' | 'malformed' | 'locked' }> | { outcome: 'stale' };

/** What a confirmed key changed, and the emergency tokens made for it (shown once), if any. */
export type KeyActivated = { outcome: 'success'; replaced: TotpKeyState; newTokens: string[] };

/** What the account page shows of the authenticator app: nothing secret. */
export type TotpSelfStatus = { state: TotpKeyState; tokensLeft: number; activatedAt?: Date };

const actorOf = (person: Pick<StoredPerson, '_id' | 'name'>) => ({ kind: 'person' as const, id: person._id, name: person.name });

/**
 * A person managing their own authenticator app (the second source document: "TOTP
 * configuration", "Activate TOTP"), from the account page and during sign-in:
 * - a new key is a *candidate* the caller keeps (sealed) until one code from the app
 *   confirms it; only then does it replace the person's key, so a person who gives up
 *   half-way still signs in as before;
 * - replacing or removing an active key first needs the current factor passed again: a
 *   code from the current app, or an emergency token;
 * - wrong codes count against the person's TOTP attempts under the class's retry limits;
 * - every change is audited by the factors and told to the person by email.
 */
export function createTotpSelfService({ persons, totp, emergencyTokens, attempts, notices, links }: Dependencies) {
  /** Runs `verify` under the TOTP retry limits (emergency tokens share them, as at sign-in); a retry for an `uncounted` reason is no guess. */
  async function limited(person: StoredPerson, policy: ClassPolicy | undefined, now: number, origin: AttemptOrigin | undefined, verify: () => Promise<Verdict>, uncounted: readonly RetryReason[] = []): Promise<SelfServiceOutcome> {
    const verdict = await limitAttempts(attempts, { personId: person._id, factor: 'TOTP', rule: retryRuleOf(policy), now, ...(origin ? { origin } : {}), uncounted }, verify);
    // The key changed since the page was shown (an admin, another session): nothing to guess at; the person starts again.
    if (verdict.outcome === 'not-applicable') return { outcome: 'stale' };
    return verdict.outcome === 'success' ? { outcome: 'success' } : verdict;
  }

  return {
    async status(person: StoredPerson): Promise<TotpSelfStatus> {
      const state = keyState(person);
      const tokensLeft = state === 'none' ? 0 : await emergencyTokens.countLeft(person._id);
      return { state, tokensLeft, ...(state === 'active' && person.totp?.activatedAt ? { activatedAt: person.totp.activatedAt } : {}) };
    },

    /**
     * A new key for the person to scan; kept by the caller until confirmed. It may replace
     * the person's active key only if that key is still the one they have now (the caller
     * has had them prove it).
     */
    newCandidate(person: Pick<StoredPerson, '_id' | 'totp'>): TotpCandidate {
      return totp.newCandidate(person._id, person.totp?.state === 'active' ? { replaces: person.totp.keyId } : {});
    },

    openCandidate(person: Pick<StoredPerson, '_id'>, candidate: TotpCandidate) {
      return totp.openCandidate(person._id, candidate);
    },

    /**
     * One code from the app confirms the candidate: it becomes the person's active key;
     * registration links for an older key stop working; a person with no emergency token
     * left gets a new set (returned, to be shown once); the person is told by email.
     */
    async confirm(person: StoredPerson, candidate: TotpCandidate, code: string, policy: ClassPolicy | undefined, now = Date.now(), origin?: AttemptOrigin): Promise<KeyActivated | Exclude<SelfServiceOutcome, { outcome: 'success' }>> {
      let replaced = 'none' as TotpKeyState;
      // 'reused' is a code right for the new key sent twice (a double submit): no guess, so not counted.
      const outcome = await limited(person, policy, now, origin, async () => {
        const result = await totp.activateCandidate(person._id, candidate, code, now, { actor: actorOf(person) });
        replaced = result.replaced;
        return result.verdict;
      }, ['reused']);
      if (outcome.outcome !== 'success') return outcome;
      await links.revokeAll(person._id);
      const newTokens = (await emergencyTokens.countLeft(person._id)) === 0 ? await emergencyTokens.recreate(person._id, { actor: actorOf(person) }) : [];
      await notices.send(person, replaced === 'active' ? 'totp-replaced' : 'totp-activated', { by: 'person', now });
      return { outcome: 'success', replaced, newTokens };
    },

    /** The current factor passed again, before a replace or remove: a code from the current app, or an emergency token. */
    async proveCurrent(person: StoredPerson, input: string, policy: ClassPolicy | undefined, now = Date.now(), origin?: AttemptOrigin): Promise<SelfServiceOutcome> {
      const typed = typeof input === 'string' ? input.trim() : '';
      const looksLikeCode = /^[\d\s]+$/.test(typed);
      // Neither digits nor something an emergency token could be: a typing slip, not a guess.
      if (!looksLikeCode && !normaliseEmergencyToken(typed)) return { outcome: 'malformed' };
      return limited(person, policy, now, origin, () => (looksLikeCode ? totp.verify(person, typed, now) : emergencyTokens.consume(person._id, typed)));
    },

    /**
     * Whether the person could still sign in without the authenticator app: removing it is
     * refused when their class would then have no usable second factor.
     */
    async canSignInWithout(person: StoredPerson, now = Date.now()): Promise<boolean> {
      const { totp: _key, emergencyTokens: _tokens, ...withoutApp } = person;
      const { plan } = await persons.planFor(withoutApp as StoredPerson, 'MFA', now);
      return plan.denied?.reason !== 'no-usable-factor';
    },

    /** Takes the key and the emergency tokens away (the caller has checked proveCurrent and canSignInWithout). */
    async remove(person: StoredPerson, now = Date.now()): Promise<void> {
      await totp.removeKey(person._id, { actor: actorOf(person) });
      await emergencyTokens.remove(person._id, { actor: actorOf(person) });
      await links.revokeAll(person._id);
      await notices.send(person, 'totp-removed', { by: 'person', now });
    },

    /** A new set of emergency tokens (returned, to be shown once); the old set stops working. */
    async recreateTokens(person: StoredPerson, now = Date.now()): Promise<string[]> {
      const tokens = await emergencyTokens.recreate(person._id, { actor: actorOf(person) });
      await notices.send(person, 'emergency-tokens-recreated', { by: 'person', now });
      return tokens;
    },
  };
}

export type TotpSelfService = ReturnType<typeof createTotpSelfService>;
