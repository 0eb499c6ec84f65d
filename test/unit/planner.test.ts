import { personPlanShown } from '../../src/admin/console/personPlanShown.ts';
import { factors } from '../../src/factors/index.ts';
import { translator } from '../../src/i18n/translate.ts';
import { planInWords } from '../../src/policy/explainPlan.ts';
import { formatPlan } from '../../src/policy/formatPlan.ts';
import { isEmailInDomain } from '../../src/policy/isEmailInDomain.ts';
import { planFactors } from '../../src/policy/planner.ts';
import type {
  ClassPolicy,
  ClassSource,
  FactorId,
  PersonFacts,
  Plan,
  PlanStep,
  PolicyContext,
} from '../../src/policy/types.ts';

/** The plan as admins read it (the API's and the CLI's words, in English). */
const inWords = (p: Plan) => planInWords(p, translator('en'));

const NOW = Date.parse('2025-03-23T14:00:00.000Z');
const minutes = (n: number) => n * 60_000;

type Row = Partial<Record<FactorId, number>>;

/** A class with every field set; `mfa`, `aod` and `pr` replace one context's priority row. */
function classWith(overrides: Partial<ClassPolicy> & { mfa?: Row; aod?: Row; pr?: Row } = {}): ClassPolicy {
  const { mfa, aod, pr, ...fields } = overrides;
  return {
    name: 'STD',
    text: 'Standard class',
    mfaDevice: 'S',
    noScreenChannel: 'E',
    allowOtpInsteadOfTotp: false,
    priorities: { MFA: mfa ?? { TOTP: 1 }, AOD: aod ?? {}, 'P-R': pr ?? {} },
    questionCount: 3,
    maxRetries: 3,
    waitSeconds: 60,
    passwordReset: { verifyBy: 'M', newPasswordBy: 'N', resetBy: '1', mustChangeMinutes: 10 },
    ...fields,
  };
}

/** A person with an active TOTP key, 10 emergency tokens, a cell phone and an email in example.com, no answers, no locks. */
function personWith(overrides: Partial<PersonFacts> = {}): PersonFacts {
  return {
    totp: 'active',
    questionsAnswered: 0,
    emergencyTokensLeft: 10,
    cellPhone: '+34600000000',
    email: 'pepe@example.com',
    locks: {},
    ...overrides,
  };
}

function plan(
  policy: ClassPolicy | undefined,
  person: PersonFacts,
  context: PolicyContext = 'MFA',
  classSource: ClassSource = 'class',
  now = NOW,
): Plan {
  return planFactors({ context, classSource, policy, person, now, factors });
}

const stepName = (step: PlanStep) => (step.channel === undefined ? step.factor : `${step.factor}/${step.channel}`);

/** The decision of a plan in a compact, comparable form. */
function summarize(p: Plan) {
  return {
    required: p.secondFactorRequired,
    challenge: p.challenge === undefined ? null : stepName(p.challenge),
    alternatives: p.alternatives.map(stepName),
    emergency: p.emergencyTokensAccepted,
    enrolment: p.enrolment?.factor ?? null,
    denied: p.denied?.reason ?? null,
    skipped: p.skipped.map((s) => `${s.factor}:${s.reason}`),
  };
}

const noSecondFactor = { required: false, challenge: null, alternatives: [], emergency: false, enrolment: null, denied: null, skipped: [] };
const totpOnly = { required: true, challenge: 'TOTP', alternatives: [], emergency: true, enrolment: null, denied: null, skipped: [] };
const denied = (skipped: string[], reason: NonNullable<Plan['denied']>['reason'] = 'no-usable-factor') => ({
  required: true,
  challenge: null,
  alternatives: [],
  emergency: false,
  enrolment: null,
  denied: reason,
  skipped,
});
const challengeOnly = (challenge: string, skipped: string[] = []) => ({
  required: true,
  challenge,
  alternatives: [],
  emergency: false,
  enrolment: null,
  denied: null,
  skipped,
});

type Case = {
  name: string;
  policy: ClassPolicy | undefined;
  person?: PersonFacts;
  context?: PolicyContext;
  source?: ClassSource;
  expected: ReturnType<typeof summarize>;
};

const cases: Case[] = [
  // Rule 1: how the class was resolved.
  { name: '*NEVER in MFA: no second factor', policy: undefined, source: 'never', expected: noSecondFactor },
  { name: '*NEVER in AOD: no second factor', policy: undefined, source: 'never', context: 'AOD', expected: noSecondFactor },
  { name: '*NEVER in P-R: no second factor', policy: undefined, source: 'never', context: 'P-R', expected: noSecondFactor },
  { name: '*DFT with no default class: no second factor', policy: undefined, source: 'no-default', expected: noSecondFactor },
  { name: 'a named class asks its factor', policy: classWith(), expected: totpOnly },
  { name: 'the default class (*DFT) asks its factor', policy: classWith(), source: 'default', expected: totpOnly },

  // Device N: no second factor at sign-in only.
  { name: 'device N in MFA: no second factor', policy: classWith({ mfaDevice: 'N' }), expected: noSecondFactor },
  {
    name: 'device N in AOD still uses its factors',
    policy: classWith({ mfaDevice: 'N', aod: { TOTP: 1 } }),
    context: 'AOD',
    expected: totpOnly,
  },
  {
    name: 'device N in P-R sends OTP by the no-screen channel C',
    policy: classWith({ mfaDevice: 'N', noScreenChannel: 'C', pr: { OTP: 1 } }),
    context: 'P-R',
    expected: challengeOnly('OTP/sms'),
  },
  {
    name: 'device N in P-R sends OTP by the no-screen channel E',
    policy: classWith({ mfaDevice: 'N', noScreenChannel: 'E', pr: { OTP: 1 } }),
    context: 'P-R',
    expected: challengeOnly('OTP/email'),
  },

  // Device S.
  { name: 'device S with an active key: TOTP', policy: classWith({ mfa: { TOTP: 1, OTP: 2 } }), expected: { ...totpOnly, alternatives: ['OTP/email'] } },
  {
    name: 'device S with no key, no-screen C: OTP by SMS',
    policy: classWith({ noScreenChannel: 'C', mfa: { TOTP: 1, OTP: 2 } }),
    person: personWith({ totp: 'none' }),
    expected: challengeOnly('OTP/sms', ['TOTP:no-active-key']),
  },
  {
    name: 'device S with no key, no-screen E: OTP by email',
    policy: classWith({ noScreenChannel: 'E', mfa: { TOTP: 1, OTP: 2 } }),
    person: personWith({ totp: 'none' }),
    expected: challengeOnly('OTP/email', ['TOTP:no-active-key']),
  },
  {
    name: 'device S with a pending key counts as no key',
    policy: classWith({ noScreenChannel: 'C', mfa: { TOTP: 1, OTP: 2 } }),
    person: personWith({ totp: 'pending' }),
    expected: challengeOnly('OTP/sms', ['TOTP:no-active-key']),
  },
  {
    name: 'device S, no-screen C, no cell phone: OTP skipped',
    policy: classWith({ noScreenChannel: 'C', mfa: { OTP: 1 } }),
    person: personWith({ cellPhone: undefined }),
    expected: denied(['OTP:no-cell-phone']),
  },

  // Device C.
  { name: 'device C with a cell phone: OTP by SMS', policy: classWith({ mfaDevice: 'C', mfa: { OTP: 1 } }), expected: challengeOnly('OTP/sms') },
  {
    name: 'device C without a cell phone: denied',
    policy: classWith({ mfaDevice: 'C', mfa: { OTP: 1 } }),
    person: personWith({ cellPhone: undefined }),
    expected: denied(['OTP:no-cell-phone']),
  },
  {
    name: 'device C with a blank cell phone: denied',
    policy: classWith({ mfaDevice: 'C', mfa: { OTP: 1 } }),
    person: personWith({ cellPhone: '  ' }),
    expected: denied(['OTP:no-cell-phone']),
  },
  {
    name: 'device C ignores the no-screen channel E',
    policy: classWith({ mfaDevice: 'C', noScreenChannel: 'E', mfa: { OTP: 1 } }),
    person: personWith({ email: undefined }),
    expected: challengeOnly('OTP/sms'),
  },

  // Device E and the email domain.
  {
    name: 'device E, email inside the domain',
    policy: classWith({ mfaDevice: 'E', emailDomain: 'example.com', mfa: { OTP: 1 } }),
    expected: challengeOnly('OTP/email'),
  },
  {
    name: 'device E, email outside the domain',
    policy: classWith({ mfaDevice: 'E', emailDomain: 'example.com', mfa: { OTP: 1 } }),
    person: personWith({ email: 'pepe@elsewhere.org' }),
    expected: denied(['OTP:email-outside-domain']),
  },
  {
    name: 'device E, a subdomain is outside the domain',
    policy: classWith({ mfaDevice: 'E', emailDomain: 'example.com', mfa: { OTP: 1 } }),
    person: personWith({ email: 'pepe@mail.example.com' }),
    expected: denied(['OTP:email-outside-domain']),
  },
  {
    name: 'device E, a look-alike domain ending the same is outside',
    policy: classWith({ mfaDevice: 'E', emailDomain: 'example.com', mfa: { OTP: 1 } }),
    person: personWith({ email: 'pepe@badexample.com' }),
    expected: denied(['OTP:email-outside-domain']),
  },
  {
    name: 'device E, the domain compare ignores case',
    policy: classWith({ mfaDevice: 'E', emailDomain: 'Example.COM', mfa: { OTP: 1 } }),
    person: personWith({ email: 'Pepe@EXAMPLE.com' }),
    expected: challengeOnly('OTP/email'),
  },
  {
    name: 'device E, the part after the last @ decides',
    policy: classWith({ mfaDevice: 'E', emailDomain: 'example.com', mfa: { OTP: 1 } }),
    person: personWith({ email: '"pepe@example.com"@evil.org' }),
    expected: denied(['OTP:email-outside-domain']),
  },
  {
    name: 'device E, no domain set: any email',
    policy: classWith({ mfaDevice: 'E', mfa: { OTP: 1 } }),
    person: personWith({ email: 'pepe@elsewhere.org' }),
    expected: challengeOnly('OTP/email'),
  },
  {
    name: 'device E, no email address',
    policy: classWith({ mfaDevice: 'E', mfa: { OTP: 1 } }),
    person: personWith({ email: undefined }),
    expected: denied(['OTP:no-email']),
  },
  {
    name: 'device E, an email that is not an address ("VV") is not deliverable',
    policy: classWith({ mfaDevice: 'E', mfa: { OTP: 1 } }),
    person: personWith({ email: 'VV' }),
    expected: denied(['OTP:no-email']),
  },
  {
    name: 'device S, no-screen E uses the same domain rule',
    policy: classWith({ noScreenChannel: 'E', emailDomain: 'example.com', mfa: { OTP: 1 } }),
    person: personWith({ email: 'pepe@elsewhere.org' }),
    expected: denied(['OTP:email-outside-domain']),
  },

  // Allow OTP instead of TOTP.
  {
    name: 'allow OTP Y with an active key: OTP under "try another way"',
    policy: classWith({ allowOtpInsteadOfTotp: true }),
    expected: { ...totpOnly, alternatives: ['OTP/email'] },
  },
  {
    name: 'allow OTP Y appends OTP after the listed alternatives',
    policy: classWith({ allowOtpInsteadOfTotp: true, mfa: { TOTP: 1, Qstn: 2 } }),
    person: personWith({ questionsAnswered: 3 }),
    expected: { ...totpOnly, alternatives: ['Qstn', 'OTP/email'] },
  },
  {
    name: 'allow OTP Y with TOTP as an alternative: OTP still offered',
    policy: classWith({ allowOtpInsteadOfTotp: true, mfa: { Qstn: 1, TOTP: 2 } }),
    person: personWith({ questionsAnswered: 3 }),
    expected: { ...totpOnly, challenge: 'Qstn', alternatives: ['TOTP', 'OTP/email'] },
  },
  { name: 'allow OTP N with an active key: no OTP fallback', policy: classWith({ allowOtpInsteadOfTotp: false }), expected: totpOnly },
  {
    name: 'allow OTP Y but OTP already listed: not offered twice',
    policy: classWith({ allowOtpInsteadOfTotp: true, mfa: { TOTP: 1, OTP: 2 } }),
    expected: { ...totpOnly, alternatives: ['OTP/email'] },
  },
  {
    name: 'allow OTP Y but no deliverable channel: no OTP alternative',
    policy: classWith({ allowOtpInsteadOfTotp: true, mfaDevice: 'C' }),
    person: personWith({ cellPhone: undefined }),
    expected: totpOnly,
  },
  {
    name: 'allow OTP Y but OTP locked: no OTP alternative',
    policy: classWith({ allowOtpInsteadOfTotp: true }),
    person: personWith({ locks: { OTP: { until: NOW + minutes(1) } } }),
    expected: totpOnly,
  },
  {
    name: 'allow OTP Y without TOTP among the steps: OTP not added',
    policy: classWith({ allowOtpInsteadOfTotp: true, mfa: { Qstn: 1 } }),
    person: personWith({ questionsAnswered: 3 }),
    expected: challengeOnly('Qstn'),
  },
  {
    name: 'rule 6, allow OTP Y and no key: OTP then TOTP enrolment',
    policy: classWith({ allowOtpInsteadOfTotp: true }),
    person: personWith({ totp: 'none' }),
    expected: { ...challengeOnly('OTP/email', ['TOTP:no-active-key']), enrolment: 'TOTP' },
  },
  {
    name: 'rule 6, allow OTP Y, pending key: OTP then TOTP enrolment',
    policy: classWith({ allowOtpInsteadOfTotp: true, mfaDevice: 'C' }),
    person: personWith({ totp: 'pending' }),
    expected: { ...challengeOnly('OTP/sms', ['TOTP:no-active-key']), enrolment: 'TOTP' },
  },
  {
    name: 'rule 6, allow OTP N and no key: denied',
    policy: classWith({ allowOtpInsteadOfTotp: false }),
    person: personWith({ totp: 'none' }),
    expected: denied(['TOTP:no-active-key']),
  },
  {
    name: 'rule 6, allow OTP Y, no key and no channel: denied',
    policy: classWith({ allowOtpInsteadOfTotp: true, mfaDevice: 'E' }),
    person: personWith({ totp: 'none', email: undefined }),
    expected: denied(['TOTP:no-active-key']),
  },
  {
    name: 'rule 6, allow OTP Y, no key, OTP locked: denied',
    policy: classWith({ allowOtpInsteadOfTotp: true }),
    person: personWith({ totp: 'none', locks: { OTP: { untilAdminUnlock: true } } }),
    expected: denied(['TOTP:no-active-key']),
  },
  {
    name: 'rule 6, allow OTP Y without TOTP in the class: OTP, no enrolment',
    policy: classWith({ allowOtpInsteadOfTotp: true, mfa: { Qstn: 1 } }),
    person: personWith({ totp: 'none', questionsAnswered: 1 }),
    expected: challengeOnly('OTP/email', ['Qstn:not-enough-answers']),
  },
  {
    name: 'rule 6, allow OTP Y, TOTP active but locked: OTP, no enrolment',
    policy: classWith({ allowOtpInsteadOfTotp: true }),
    person: personWith({ locks: { TOTP: { until: NOW + minutes(5) } } }),
    expected: challengeOnly('OTP/email', ['TOTP:locked']),
  },

  // Private questions.
  {
    name: 'Qstn with enough answers',
    policy: classWith({ mfa: { Qstn: 1 }, questionCount: 3 }),
    person: personWith({ questionsAnswered: 3 }),
    expected: challengeOnly('Qstn'),
  },
  {
    name: 'Qstn with more answers than asked',
    policy: classWith({ mfa: { Qstn: 1 }, questionCount: 2 }),
    person: personWith({ questionsAnswered: 5 }),
    expected: challengeOnly('Qstn'),
  },
  {
    name: 'Qstn with too few answers',
    policy: classWith({ mfa: { Qstn: 1 }, questionCount: 3 }),
    person: personWith({ questionsAnswered: 2 }),
    expected: denied(['Qstn:not-enough-answers']),
  },
  {
    name: 'Qstn in a class that asks 0 questions',
    policy: classWith({ mfa: { Qstn: 1 }, questionCount: 0 }),
    person: personWith({ questionsAnswered: 4 }),
    expected: denied(['Qstn:not-enough-answers']),
  },
  {
    name: 'Qstn unusable falls through to the next candidate',
    policy: classWith({ mfa: { Qstn: 1, TOTP: 2 } }),
    person: personWith({ questionsAnswered: 0 }),
    expected: { ...totpOnly, skipped: ['Qstn:not-enough-answers'] },
  },

  // Priorities.
  {
    name: 'OTP=1, TOTP=2: OTP first, TOTP under "try another way"',
    policy: classWith({ mfa: { OTP: 1, TOTP: 2 } }),
    expected: { ...totpOnly, challenge: 'OTP/email', alternatives: ['TOTP'] },
  },
  {
    name: 'TOTP=1, OTP=2: TOTP first, OTP under "try another way"',
    policy: classWith({ mfa: { TOTP: 1, OTP: 2 } }),
    expected: { ...totpOnly, alternatives: ['OTP/email'] },
  },
  {
    name: 'priorities are ordered by number, not by column',
    policy: classWith({ mfa: { OTP: 9, TOTP: 5, Qstn: 2 } }),
    person: personWith({ questionsAnswered: 3 }),
    expected: { ...totpOnly, challenge: 'Qstn', alternatives: ['TOTP', 'OTP/email'] },
  },
  {
    name: 'equal priorities keep the screen column order',
    policy: classWith({ mfa: { TOTP: 1, OTP: 1 } }),
    expected: { ...totpOnly, challenge: 'OTP/email', alternatives: ['TOTP'] },
  },
  {
    name: 'priorities outside 1–9 are not used',
    policy: classWith({ mfa: { OTP: 0, Qstn: 10, TOTP: 3 } }),
    person: personWith({ questionsAnswered: 3 }),
    expected: totpOnly,
  },

  // Contexts.
  { name: 'factors only in AOD: MFA needs none', policy: classWith({ mfa: {}, aod: { TOTP: 1 } }), expected: noSecondFactor },
  { name: 'factors only in AOD: AOD asks them', policy: classWith({ mfa: {}, aod: { TOTP: 1 } }), context: 'AOD', expected: totpOnly },
  { name: 'factors only in AOD: P-R needs none', policy: classWith({ mfa: {}, aod: { TOTP: 1 } }), context: 'P-R', expected: noSecondFactor },
  {
    name: 'three contexts, three rows: MFA',
    policy: classWith({ mfa: { TOTP: 1 }, aod: { Qstn: 1 }, pr: { OTP: 1 } }),
    person: personWith({ questionsAnswered: 3 }),
    expected: totpOnly,
  },
  {
    name: 'three contexts, three rows: AOD',
    policy: classWith({ mfa: { TOTP: 1 }, aod: { Qstn: 1 }, pr: { OTP: 1 } }),
    person: personWith({ questionsAnswered: 3 }),
    context: 'AOD',
    expected: challengeOnly('Qstn'),
  },
  {
    name: 'three contexts, three rows: P-R',
    policy: classWith({ mfa: { TOTP: 1 }, aod: { Qstn: 1 }, pr: { OTP: 1 } }),
    person: personWith({ questionsAnswered: 3 }),
    context: 'P-R',
    expected: challengeOnly('OTP/email'),
  },

  // Device Auth (passkeys and security keys): usable with at least one credential.
  {
    name: 'DeviceAuth without a passkey is skipped, and offered for set-up after TOTP ranked below it',
    policy: classWith({ mfa: { DeviceAuth: 1, TOTP: 2 } }),
    expected: { ...totpOnly, enrolment: 'DeviceAuth', skipped: ['DeviceAuth:no-active-key'] },
  },
  {
    name: 'DeviceAuth with a passkey is the challenge, TOTP the other way',
    policy: classWith({ mfa: { DeviceAuth: 1, TOTP: 2 } }),
    person: personWith({ deviceCredentials: 1 }),
    expected: { ...totpOnly, challenge: 'DeviceAuth', alternatives: ['TOTP'] },
  },
  {
    name: 'DeviceAuth alone without a passkey: denied',
    policy: classWith({ mfa: { DeviceAuth: 1 } }),
    expected: denied(['DeviceAuth:no-active-key']),
  },

  // Device Auth offered for set-up after a factor the class ranks below it (offeredAfterLowerFactor).
  {
    name: 'DeviceAuth 1, OTP 2, no passkey: the code, then a passkey offered',
    policy: classWith({ mfa: { DeviceAuth: 1, OTP: 2 } }),
    expected: { ...challengeOnly('OTP/email', ['DeviceAuth:no-active-key']), enrolment: 'DeviceAuth' },
  },
  {
    name: 'TOTP 1, DeviceAuth 2, no passkey: nothing offered after TOTP, ranked above',
    policy: classWith({ mfa: { TOTP: 1, DeviceAuth: 2 } }),
    expected: { ...totpOnly, skipped: ['DeviceAuth:no-active-key'] },
  },
  {
    name: 'TOTP and DeviceAuth tied at 1: the column order ranks TOTP first, nothing offered',
    policy: classWith({ mfa: { TOTP: 1, DeviceAuth: 1 } }),
    expected: { ...totpOnly, skipped: ['DeviceAuth:no-active-key'] },
  },
  {
    name: 'DeviceAuth with a locked passkey: the person has one, nothing offered',
    policy: classWith({ mfa: { DeviceAuth: 1, TOTP: 2 } }),
    person: personWith({ deviceCredentials: 1, locks: { DeviceAuth: { untilAdminUnlock: true } } }),
    expected: { ...totpOnly, skipped: ['DeviceAuth:locked'] },
  },
  {
    name: 'DeviceAuth above TOTP at elevated access: no set-up offered in a step-up',
    policy: classWith({ aod: { DeviceAuth: 1, TOTP: 2 } }),
    context: 'AOD',
    expected: { ...totpOnly, skipped: ['DeviceAuth:no-active-key'] },
  },
  {
    name: 'DeviceAuth above TOTP in password reset: no set-up offered',
    policy: classWith({ pr: { DeviceAuth: 1, TOTP: 2 } }),
    context: 'P-R',
    expected: { ...totpOnly, skipped: ['DeviceAuth:no-active-key'] },
  },
  {
    name: 'rule 6 unchanged with DeviceAuth above TOTP: no key, no passkey, OTP then TOTP enrolment',
    policy: classWith({ allowOtpInsteadOfTotp: true, mfa: { DeviceAuth: 1, TOTP: 2 } }),
    person: personWith({ totp: 'none' }),
    expected: { ...challengeOnly('OTP/email', ['DeviceAuth:no-active-key', 'TOTP:no-active-key']), enrolment: 'TOTP' },
  },

  // Factors that are not available yet.
  ...(['App', 'API', 'Radius'] as const).map(
    (factor): Case => ({
      name: `${factor} is skipped as not available yet`,
      policy: classWith({ mfa: { [factor]: 1, TOTP: 2 }, apiProvider: 'DUO' }),
      expected: { ...totpOnly, skipped: [`${factor}:not-available-yet`] },
    }),
  ),
  {
    name: 'only later factors: denied',
    policy: classWith({ mfa: { App: 1, API: 2, Radius: 4 } }),
    expected: denied(['App:not-available-yet', 'API:not-available-yet', 'Radius:not-available-yet']),
  },

  // Locks.
  {
    name: 'TOTP locked until the future: skipped, OTP is the challenge',
    policy: classWith({ mfa: { TOTP: 1, OTP: 2 } }),
    person: personWith({ locks: { TOTP: { until: NOW + minutes(1) } } }),
    expected: challengeOnly('OTP/email', ['TOTP:locked']),
  },
  {
    name: 'TOTP lock in the past: ignored',
    policy: classWith({ mfa: { TOTP: 1, OTP: 2 } }),
    person: personWith({ locks: { TOTP: { until: NOW - minutes(1) } } }),
    expected: { ...totpOnly, alternatives: ['OTP/email'] },
  },
  {
    name: 'TOTP lock ending exactly now: ignored',
    policy: classWith(),
    person: personWith({ locks: { TOTP: { until: NOW } } }),
    expected: totpOnly,
  },
  {
    name: 'TOTP locked until an admin unlocks: denied locked',
    policy: classWith(),
    person: personWith({ locks: { TOTP: { untilAdminUnlock: true } } }),
    expected: denied(['TOTP:locked'], 'locked'),
  },
  {
    name: 'a lock on a factor that is not a candidate does not matter',
    policy: classWith(),
    person: personWith({ locks: { Qstn: { untilAdminUnlock: true } } }),
    expected: totpOnly,
  },
  {
    name: 'everything locked: denied locked',
    policy: classWith({ mfa: { TOTP: 1, Qstn: 2, OTP: 3 } }),
    person: personWith({
      questionsAnswered: 3,
      locks: { TOTP: { until: NOW + minutes(5) }, Qstn: { until: NOW + minutes(2) }, OTP: { untilAdminUnlock: true } },
    }),
    expected: denied(['TOTP:locked', 'Qstn:locked', 'OTP:locked'], 'locked'),
  },
  {
    name: 'one factor unusable, the other locked: denied locked',
    policy: classWith({ mfa: { TOTP: 1, Qstn: 2 } }),
    person: personWith({ totp: 'none', questionsAnswered: 3, locks: { Qstn: { until: NOW + minutes(1) } } }),
    expected: denied(['TOTP:no-active-key', 'Qstn:locked'], 'locked'),
  },
  {
    name: 'an unusable factor is reported as unusable even when also locked',
    policy: classWith(),
    person: personWith({ totp: 'none', locks: { TOTP: { until: NOW + minutes(1) } } }),
    expected: denied(['TOTP:no-active-key']),
  },

  // Emergency tokens.
  { name: 'emergency tokens: TOTP challenge, none left', policy: classWith(), person: personWith({ emergencyTokensLeft: 0 }), expected: { ...totpOnly, emergency: false } },
  {
    name: 'emergency tokens: no TOTP in the context',
    policy: classWith({ mfa: { OTP: 1 } }),
    person: personWith({ emergencyTokensLeft: 10 }),
    expected: challengeOnly('OTP/email'),
  },
  {
    name: 'emergency tokens: TOTP listed but not usable',
    policy: classWith({ mfa: { TOTP: 1, OTP: 2 } }),
    person: personWith({ totp: 'none', emergencyTokensLeft: 10 }),
    expected: challengeOnly('OTP/email', ['TOTP:no-active-key']),
  },
];

describe('planFactors: the decision', () => {
  test.each(cases)('$name', ({ policy, person, context, source, expected }) => {
    expect(summarize(plan(policy, person ?? personWith(), context ?? 'MFA', source ?? 'class'))).toEqual(expected);
  });
});

describe('planFactors: amr of each step (RFC 8176)', () => {
  test.each([
    { step: 'TOTP', policy: classWith({ mfa: { TOTP: 1 } }), amr: ['otp'] },
    { step: 'OTP by SMS', policy: classWith({ mfaDevice: 'C', mfa: { OTP: 1 } }), amr: ['sms', 'otp'] },
    { step: 'OTP by email', policy: classWith({ mfaDevice: 'E', mfa: { OTP: 1 } }), amr: ['otp'] },
    { step: 'Qstn', policy: classWith({ mfa: { Qstn: 1 } }), amr: ['kba'] },
    { step: 'OTP standing in for TOTP by SMS', policy: classWith({ mfaDevice: 'C', allowOtpInsteadOfTotp: true }), amr: ['sms', 'otp'], noKey: true },
  ])('$step → $amr', ({ policy, amr, noKey }) => {
    const p = plan(policy, personWith({ questionsAnswered: 3, totp: noKey ? 'none' : 'active' }));
    expect(p.challenge?.amr).toEqual(amr);
  });

  test('alternatives carry their own amr', () => {
    const p = plan(classWith({ mfaDevice: 'C', mfa: { Qstn: 1, TOTP: 2, OTP: 3 } }), personWith({ questionsAnswered: 3 }));
    expect([p.challenge, ...p.alternatives].map((s) => s?.amr)).toEqual([['kba'], ['otp'], ['sms', 'otp']]);
  });
});

/** PEPE of the source's "Modify Person" screen. */
const pepe = (totp: PersonFacts['totp']) => personWith({ totp, cellPhone: '444444444', email: 'VV', emergencyTokensLeft: 10 });

describe('planFactors: the source example (class TOTP)', () => {
  const totpClass = classWith({
    name: 'TOTP',
    text: 'USE TOTP IN MFA',
    mfaDevice: 'E',
    noScreenChannel: 'E',
    allowOtpInsteadOfTotp: false,
    mfa: { TOTP: 1 },
    questionCount: 0,
    maxRetries: 3,
    waitSeconds: 60,
    passwordReset: { verifyBy: 'N', newPasswordBy: 'N', resetBy: '1', mustChangeMinutes: 10 },
  });
  test('PEPE with an active key: TOTP, no alternatives, emergency tokens accepted', () => {
    const p = plan(totpClass, pepe('active'));
    expect(summarize(p)).toEqual(totpOnly);
    expect(p.challenge).toEqual({ factor: 'TOTP', amr: ['otp'] });
    expect(p.className).toBe('TOTP');
  });

  test('PEPE with no key: denied, no usable factor, told to contact the administrator', () => {
    const p = plan(totpClass, pepe('none'));
    expect(summarize(p)).toEqual(denied(['TOTP:no-active-key']));
    expect(inWords(p).denied?.message).toBe('Your account needs a second factor that is not set up. Please contact your administrator.');
    expect(inWords(p).explanation.join('\n')).toMatch(/"Allow OTP instead of TOTP" is N/);
  });

  test('AOD and P-R use no factor in this class', () => {
    expect(summarize(plan(totpClass, pepe('active'), 'AOD'))).toEqual(noSecondFactor);
    expect(summarize(plan(totpClass, pepe('active'), 'P-R'))).toEqual(noSecondFactor);
  });
});

describe('planFactors: locks, messages and details', () => {
  test('a locked factor carries its lockedUntil and an ISO time for admins', () => {
    const until = Date.parse('2025-03-23T14:05:00.000Z');
    const p = plan(classWith({ mfa: { TOTP: 1, OTP: 2 } }), personWith({ locks: { TOTP: { until } } }));
    expect(inWords(p).skipped).toEqual([
      { factor: 'TOTP', priority: 1, reason: 'locked', lockedUntil: until, message: 'TOTP: locked after too many failures until 2025-03-23T14:05:00.000Z' },
    ]);
  });

  test('everything locked: denied with the earliest time that ends a lock', () => {
    const p = plan(
      classWith({ mfa: { TOTP: 1, Qstn: 2, OTP: 3 } }),
      personWith({
        questionsAnswered: 3,
        locks: { TOTP: { until: NOW + minutes(5) }, Qstn: { until: NOW + minutes(3) }, OTP: { untilAdminUnlock: true } },
      }),
    );
    expect(inWords(p).denied).toEqual({ reason: 'locked', lockedUntil: NOW + minutes(3), message: 'Too many failed attempts. Try again after 14:03 UTC.' });
    expect(p.secondFactorRequired).toBe(true);
    expect(p.skipped.find((s) => s.factor === 'OTP')?.lockedUntil).toBeUndefined();
  });

  test('the time for the person is rounded up to the minute', () => {
    const p = plan(classWith(), personWith({ locks: { TOTP: { until: NOW + 150_000 } } }));
    expect(inWords(p).denied?.message).toBe('Too many failed attempts. Try again after 14:03 UTC.');
    expect(p.denied?.lockedUntil).toBe(NOW + 150_000);
  });

  test('a lock ending on another UTC day shows the date', () => {
    const now = Date.parse('2025-03-23T23:59:00.000Z');
    const p = plan(classWith(), personWith({ locks: { TOTP: { until: now + minutes(3) } } }), 'MFA', 'class', now);
    expect(inWords(p).denied?.message).toBe('Too many failed attempts. Try again after 2025-03-24 00:02 UTC.');
  });

  test('locked until an admin unlocks: no time, and the person is told so', () => {
    const p = plan(classWith(), personWith({ locks: { TOTP: { untilAdminUnlock: true } } }));
    expect(inWords(p).denied).toEqual({
      reason: 'locked',
      message: 'Too many failed attempts. Your second factor is locked until an administrator unlocks it.',
    });
    expect(inWords(p).skipped[0]?.message).toBe('TOTP: locked after too many failures until an administrator unlocks it');
  });

  test.each([
    { why: 'no key', person: personWith({ totp: 'none' }), policy: classWith(), message: 'TOTP: the person has no TOTP key' },
    { why: 'pending key', person: personWith({ totp: 'pending' }), policy: classWith(), message: 'TOTP: the key is not registered yet (no code confirmed)' },
    {
      why: 'too few answers',
      person: personWith({ questionsAnswered: 1 }),
      policy: classWith({ mfa: { Qstn: 4 }, questionCount: 3 }),
      message: 'Qstn: 1 of the 3 private questions needed are answered',
    },
    {
      why: '0 questions',
      person: personWith({ questionsAnswered: 3 }),
      policy: classWith({ name: 'NOQ', mfa: { Qstn: 1 }, questionCount: 0 }),
      message: 'Qstn: class NOQ asks 0 private questions, so questions cannot be used',
    },
    { why: 'no cell', person: personWith({ cellPhone: undefined }), policy: classWith({ mfaDevice: 'C', mfa: { OTP: 1 } }), message: 'OTP: the person has no cell phone for an SMS code' },
    {
      why: 'outside domain',
      person: personWith({ email: 'a@b.org' }),
      policy: classWith({ mfaDevice: 'E', emailDomain: 'example.com', mfa: { OTP: 1 } }),
      message: "OTP: the person's email address is outside the domain example.com",
    },
    { why: 'later factor', person: personWith(), policy: classWith({ mfa: { Radius: 1 } }), message: 'Radius: this factor is not available yet' },
  ])('skip message for admins: $why', ({ person, policy, message }) => {
    expect(inWords(plan(policy, person)).skipped.map((s) => s.message)).toEqual([message]);
  });

  test('skipped factors keep their priority', () => {
    const p = plan(classWith({ mfa: { App: 7, TOTP: 2, Qstn: 4 } }), personWith({ totp: 'none' }));
    expect(p.skipped.map((s) => [s.factor, s.priority])).toEqual([
      ['TOTP', 2],
      ['Qstn', 4],
      ['App', 7],
    ]);
  });

  test('emergency tokens accepted when TOTP is only an alternative', () => {
    const p = plan(classWith({ mfa: { OTP: 1, TOTP: 2 } }), personWith({ emergencyTokensLeft: 1 }));
    expect(p.challenge?.factor).toBe('OTP');
    expect(p.emergencyTokensAccepted).toBe(true);
    expect(p.emergencyTokensLeft).toBe(1);
  });

  test('a class source that needs a class but has none is a programming error', () => {
    expect(() => planFactors({ context: 'MFA', classSource: 'class', person: personWith(), now: NOW, factors })).toThrow(/needs the resolved class/);
  });

  test('the planner does not change its input', () => {
    const policy = classWith({ allowOtpInsteadOfTotp: true, mfa: { TOTP: 2, OTP: 1 } });
    const person = personWith({ locks: { TOTP: { until: NOW + 1 } } });
    const before = JSON.stringify({ policy, person });
    plan(policy, person);
    expect(JSON.stringify({ policy, person })).toBe(before);
  });
});

describe('planFactors: Device Auth offered after a lower-ranked factor', () => {
  test('after every step ranked below it: the challenge, a stand-in where its factor ranks, emergency tokens as TOTP', () => {
    const p = plan(classWith({ allowOtpInsteadOfTotp: true, mfa: { DeviceAuth: 1, TOTP: 2 } }), personWith());
    expect(p.enrolment).toEqual({ factor: 'DeviceAuth', after: [{ factor: 'TOTP' }, { factor: 'OTP', channel: 'email' }, { factor: 'Emergency' }] });
  });

  test('only after the steps ranked below it, not those above', () => {
    const p = plan(classWith({ mfa: { Qstn: 1, DeviceAuth: 2, OTP: 3 } }), personWith({ questionsAnswered: 3 }));
    expect(summarize(p)).toMatchObject({ challenge: 'Qstn', alternatives: ['OTP/email'], enrolment: 'DeviceAuth' });
    expect(p.enrolment).toEqual({ factor: 'DeviceAuth', after: [{ factor: 'OTP', channel: 'email' }] });
  });

  test('rule 6 names no steps: it follows the challenge', () => {
    const p = plan(classWith({ allowOtpInsteadOfTotp: true }), personWith({ totp: 'none' }));
    expect(p.enrolment).toEqual({ factor: 'TOTP' });
  });

  test('the explanation, option 9 and the CLI say it', () => {
    const p = plan(classWith({ mfa: { DeviceAuth: 1, OTP: 2 } }), personWith());
    expect(inWords(p).explanation).toContain(
      'The person has no DeviceAuth and the class ranks it above other factors: after passing one of them (one-time code (OTP) by email), the person is offered DeviceAuth enrolment (self-service).',
    );
    expect(lines(p)).toContain('Enrolment: DeviceAuth offered after one-time code (OTP) by email (ranked below it; the person has none)');
    expect(planInWords(p, translator('es')).explanation.join('\n')).toMatch(/se ofrece a la persona registrar DeviceAuth/);
    expect(personPlanShown(translator('en'), p, NOW).rows).toContainEqual({ label: 'Enrolment', value: 'DeviceAuth offered after one-time code (OTP) by email (ranked below it; the person has none)' });
    const rule6 = plan(classWith({ allowOtpInsteadOfTotp: true }), personWith({ totp: 'none' }));
    expect(personPlanShown(translator('en'), rule6, NOW).rows).toContainEqual({ label: 'Enrolment', value: 'TOTP offered after the one-time code' });
  });
});

describe('planFactors: explanation for admins', () => {
  test.each([
    { name: '*NEVER', run: () => plan(undefined, personWith(), 'MFA', 'never'), line: /class is \*NEVER: no second factor is asked in any context/ },
    { name: 'no default', run: () => plan(undefined, personWith(), 'MFA', 'no-default'), line: /\*DFT but the default class is not set/ },
    { name: 'default class', run: () => plan(classWith({ name: 'STD' }), personWith(), 'MFA', 'default'), line: /\*DFT: the default class STD applies/ },
    { name: 'own class', run: () => plan(classWith({ name: 'TOTP' }), personWith()), line: /^The person's class TOTP applies\.$/ },
    { name: 'device N', run: () => plan(classWith({ mfaDevice: 'N' }), personWith()), line: /MFA preferred device N: no second factor at sign-in/ },
    { name: 'empty context', run: () => plan(classWith({ aod: {} }), personWith(), 'AOD'), line: /uses no factor for AOD \(elevated access\): no second factor is required/ },
    { name: 'candidates', run: () => plan(classWith({ mfa: { Qstn: 3, TOTP: 1 } }), personWith()), line: /^Candidates for MFA \(sign-in\), by priority: TOTP \(1\), Qstn \(3\)\.$/ },
    { name: 'OTP stand-in', run: () => plan(classWith({ allowOtpInsteadOfTotp: true }), personWith()), line: /offered instead of TOTP under "try another way"/ },
    { name: 'OTP stand-in undeliverable', run: () => plan(classWith({ allowOtpInsteadOfTotp: true, mfaDevice: 'C' }), personWith({ cellPhone: undefined })), line: /cannot stand in for TOTP: the person has no cell phone/ },
    { name: 'rule 6 enrolment', run: () => plan(classWith({ allowOtpInsteadOfTotp: true }), personWith({ totp: 'none' })), line: /offered TOTP enrolment/ },
    { name: 'P-R not by factors', run: () => plan(classWith({ pr: { OTP: 1 }, passwordReset: { verifyBy: 'E', newPasswordBy: 'N', resetBy: '1', mustChangeMinutes: 10 } }), personWith(), 'P-R'), line: /"Verify user by" is E/ },
  ])('$name', ({ run, line }) => {
    expect(inWords(run()).explanation).toEqual(expect.arrayContaining([expect.stringMatching(line)]));
  });

  test('the "Verify user by" note appears only when it is not M', () => {
    const p = plan(classWith({ pr: { OTP: 1 } }), personWith(), 'P-R');
    expect(inWords(p).explanation.join('\n')).not.toMatch(/Verify user by/);
  });
});

describe('isEmailInDomain', () => {
  test.each([
    ['pepe@example.com', 'example.com', true],
    ['PEPE@Example.Com', 'example.COM', true],
    ['pepe@example.com', '@example.com', true],
    ['pepe@mail.example.com', 'example.com', false],
    ['pepe@example.com.evil.org', 'example.com', false],
    ['pepe@notexample.com', 'example.com', false],
    ['a@example.com@evil.org', 'example.com', false],
    ['"pepe@evil.org"@example.com', 'example.com', true],
    ['pepe', 'example.com', false],
    ['pepe@example.com', '', false],
  ])('%s in %s → %s', (email, domain, expected) => {
    expect(isEmailInDomain(email, domain)).toBe(expected);
  });
});

const lines = (p: Plan) => formatPlan(p).split('\n');

describe('formatPlan', () => {
  test('the source example with an active key', () => {
    const p = plan(classWith({ name: 'TOTP', mfaDevice: 'E', questionCount: 0 }), personWith({ emergencyTokensLeft: 10 }));
    expect(lines(p).slice(0, 6)).toEqual([
      'Context MFA (sign-in) — class TOTP',
      'Challenge: TOTP authenticator code',
      'Try another way: (none)',
      'Emergency tokens: accepted (10 left)',
      'Enrolment: (none)',
      'Skipped: (none)',
    ]);
    expect(lines(p)).toContain("Why: The person's class TOTP applies.");
  });

  test('alternatives, in order', () => {
    const p = plan(classWith({ mfaDevice: 'C', allowOtpInsteadOfTotp: true, mfa: { Qstn: 1, TOTP: 2 } }), personWith({ questionsAnswered: 3 }));
    expect(lines(p)).toContain('Challenge: private questions (Qstn)');
    expect(lines(p)).toContain('Try another way: TOTP authenticator code; one-time code (OTP) by SMS to the cell phone');
  });

  test('emergency tokens not accepted: none left, or no TOTP', () => {
    expect(lines(plan(classWith(), personWith({ emergencyTokensLeft: 0 })))).toContain('Emergency tokens: not accepted (none left)');
    expect(lines(plan(classWith({ mfa: { OTP: 1 } }), personWith()))).toContain('Emergency tokens: not accepted (TOTP is not asked)');
  });

  test('enrolment offered after the one-time code', () => {
    const p = plan(classWith({ allowOtpInsteadOfTotp: true }), personWith({ totp: 'none' }));
    expect(lines(p)).toEqual(
      expect.arrayContaining([
        'Challenge: one-time code (OTP) by email',
        'Enrolment: TOTP offered after the one-time code',
        'Skipped: TOTP (priority 1) — the person has no TOTP key',
      ]),
    );
  });

  test('denied with no usable factor', () => {
    const p = plan(classWith(), personWith({ totp: 'pending' }));
    expect(lines(p)).toEqual(
      expect.arrayContaining([
        'Challenge: (none)',
        'Denied: no-usable-factor — the person sees "Your account needs a second factor that is not set up. Please contact your administrator."',
        'Skipped: TOTP (priority 1) — the key is not registered yet (no code confirmed)',
      ]),
    );
  });

  test('denied locked, with ISO times in UTC', () => {
    const until = Date.parse('2025-03-23T14:03:00.000Z');
    const p = plan(classWith(), personWith({ locks: { TOTP: { until } } }));
    expect(lines(p)).toEqual(
      expect.arrayContaining([
        'Denied: locked until 2025-03-23T14:03:00.000Z — the person sees "Too many failed attempts. Try again after 14:03 UTC."',
        'Skipped: TOTP (priority 1) — locked after too many failures until 2025-03-23T14:03:00.000Z',
      ]),
    );
  });

  test('denied locked until an administrator unlocks', () => {
    const p = plan(classWith(), personWith({ locks: { TOTP: { untilAdminUnlock: true } } }));
    expect(formatPlan(p)).toMatch(/^Denied: locked until an administrator unlocks — /m);
  });

  test.each([
    { name: '*NEVER', p: () => plan(undefined, personWith(), 'AOD', 'never'), header: 'Context AOD (elevated access) — class *NEVER', required: false },
    {
      name: 'no default',
      p: () => plan(undefined, personWith(), 'P-R', 'no-default'),
      header: 'Context P-R (password reset) — class *DFT (the default class is not set)',
      required: false,
    },
    { name: 'default class', p: () => plan(classWith({ name: 'STD' }), personWith(), 'MFA', 'default'), header: 'Context MFA (sign-in) — default class STD (*DFT)', required: true },
  ])('header and second line: $name', ({ p, header, required }) => {
    const out = lines(p());
    expect(out[0]).toBe(header);
    expect(out[1]).toBe(required ? 'Challenge: TOTP authenticator code' : 'Second factor: not required');
  });

  test('device N at sign-in: not required, with the reason', () => {
    const out = lines(plan(classWith({ mfaDevice: 'N' }), personWith()));
    expect(out).toContain('Second factor: not required');
    expect(out).toContain('Why: Class STD has MFA preferred device N: no second factor at sign-in.');
  });
});

test('a class that does not exist refuses sign-in (fail closed) and says why', () => {
  const missing = planFactors({ context: 'MFA', classSource: 'missing', missingClassName: 'GONE', person: personWith({}), now: 0, factors });
  expect(missing.secondFactorRequired).toBe(true);
  expect(missing.challenge).toBeUndefined();
  expect(missing.denied?.reason).toBe('no-usable-factor');
  expect(inWords(missing).explanation.join(' ')).toContain('class GONE does not exist');
  expect(formatPlan(missing)).toContain('a class that does not exist');
});
