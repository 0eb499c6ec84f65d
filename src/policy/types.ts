import type { PlanWords } from './planWords.ts';

/**
 * The class → factor plan vocabulary (product.md "Class" and "The factor plan"). These
 * types are plain data: a class as stored, the facts about a person the planner needs,
 * and the plan it returns. The same plan feeds the sign-in pages, option 9 of the admin
 * view, the CLI (`gatehouse person plan`) and the API.
 */

/** MFA = sign-in, AOD = elevated access (step-up, admin view), P-R = password reset. */
export const contexts = ['MFA', 'AOD', 'P-R'] as const;
export type PolicyContext = (typeof contexts)[number];

/** The factors of the "Add't Authentication Factor" row. App, API and Radius are stored but not available yet. */
export const factorIds = ['OTP', 'TOTP', 'Qstn', 'App', 'API', 'DeviceAuth', 'Radius'] as const;
export type FactorId = (typeof factorIds)[number];

/** MFA preferred device: N no second factor at sign-in, S on-screen, C SMS code, E email code. */
export type MfaDevice = 'N' | 'S' | 'C' | 'E';
/** Where a one-time code goes when the device is S: C cell phone, E email. */
export type NoScreenChannel = 'C' | 'E';

export type PasswordResetPolicy = {
  /** N no verification, C code by SMS, E code by email, M the P-R factors. */
  verifyBy: 'N' | 'C' | 'E' | 'M';
  /** S shown on screen, C by SMS, E by email, N the person enters a new one. */
  newPasswordBy: 'S' | 'C' | 'E' | 'N';
  /** 1 set a new password, 2 re-enable the account, 9 the person selects. */
  resetBy: '1' | '2' | '9';
  /** 1–999 minutes; 999 = no limit. */
  mustChangeMinutes: number;
};

/** A class as stored (every field of "Add New Class"). */
export type ClassPolicy = {
  name: string;
  text: string;
  mfaDevice: MfaDevice;
  noScreenChannel: NoScreenChannel;
  /** Codes and links go only to email addresses in this domain (e.g. "example.com"); undefined = any. */
  emailDomain?: string;
  allowOtpInsteadOfTotp: boolean;
  /** Priority 1–9 per factor and context; a factor absent from a context is not used there. */
  priorities: Record<PolicyContext, Partial<Record<FactorId, number>>>;
  /** With the API factor: DUO, OKTA, PINGID… */
  apiProvider?: string;
  /** 0–10 questions asked per challenge. */
  questionCount: number;
  /** Consecutive failures before the wait; 0 = no maximum. */
  maxRetries: number;
  /** 1–999 seconds; 999 = locked until an admin unlocks. */
  waitSeconds: number;
  passwordReset: PasswordResetPolicy;
};

/**
 * How the person's class was resolved: their own class, the default class, *NEVER, *DFT
 * with no default class set, or a class name that does not exist (refused: fail closed).
 */
export type ClassSource = 'class' | 'default' | 'never' | 'no-default' | 'missing';

/** What the planner knows about a person: no I/O happens in the planner. */
export type PersonFacts = {
  /** TOTP key state. Only an active key can be challenged. */
  totp: 'none' | 'pending' | 'active';
  /** How many private questions the person has answered. */
  questionsAnswered: number;
  /** Emergency tokens not yet used. */
  emergencyTokensLeft: number;
  /** Passkeys and security keys registered (Device Auth); absent counts as none. */
  deviceCredentials?: number;
  cellPhone?: string;
  email?: string;
  /** Per factor: locked until this time (epoch ms), or until an admin unlocks. */
  locks: Partial<Record<FactorId, { until: number } | { untilAdminUnlock: true }>>;
};

/** One way to pass a second factor, with the RFC 8176 `amr` values it proves. */
export type PlanStep = {
  factor: string;
  /** For OTP: where the code goes. */
  channel?: 'sms' | 'email';
  amr: string[];
};

/** Why a candidate factor was not usable now (shown by option 9 and the CLI). */
export type SkippedFactor = {
  factor: string;
  priority: number;
  /** not-available-yet (no factor has the id), locked, or the factor's own code (no-active-key, not-enough-answers, no-cell-phone, no-email, email-outside-domain…). */
  reason: 'not-available-yet' | 'locked' | (string & {});
  /** Why, as a code for admins, e.g. "the key is not registered yet" (planWords.ts). */
  why: PlanWords;
  /** With reason locked: until when (epoch ms), or undefined when an admin must unlock. */
  lockedUntil?: number;
};

export type PlanInput = {
  context: PolicyContext;
  classSource: ClassSource;
  /** The resolved class; undefined with classSource never, no-default or missing. */
  /** With classSource missing: the name that was not found. */
  missingClassName?: string;
  policy?: ClassPolicy;
  person: PersonFacts;
  /** The current time (epoch ms): the planner has no clock. */
  now: number;
  /** The factors there are (factors/index.ts), in the class screen's column order. */
  factors: readonly PlannableFactor[];
};

export type Plan = {
  context: PolicyContext;
  /** How the class was resolved (set by planFactors; optional so hand-built plans stay valid). */
  classSource?: ClassSource;
  /** The resolved class's name; absent with classSource never or no-default. */
  className?: string;
  /** The person's unused emergency tokens, so formatPlan can say how many are left. */
  emergencyTokensLeft?: number;
  /** False: the password (or nothing, for P-R) is enough in this context. */
  secondFactorRequired: boolean;
  /** The step asked first; absent when no second factor is required or when denied. */
  challenge?: PlanStep;
  /** "Try another way": the other usable steps, in priority order. */
  alternatives: PlanStep[];
  /** Emergency tokens are accepted wherever TOTP is asked and the person has some left. */
  emergencyTokensAccepted: boolean;
  /** The steps accepted alongside the ones asked (a factor's acceptedWith), never chosen as the challenge. */
  acceptedAlongside?: PlanStep[];
  /**
   * A factor the person is offered to set up once the second factor is passed, and after
   * which steps: rule 6 (absent `after`: after the challenge, the stand-in — TOTP after the
   * one-time code), or a factor ranked above the steps in `after` that the person has not
   * set up (a factor's offeredAfterLowerFactor: Device Auth).
   */
  enrolment?: { factor: string; after?: { factor: string; channel?: 'sms' | 'email' }[] };
  /** Sign-in stops here, with a reason (the pages say it in the person's language). */
  denied?: { reason: 'no-usable-factor' | 'locked'; lockedUntil?: number };
  /** Candidate factors that could not be used, with why. */
  skipped: SkippedFactor[];
  /** The plan explained, one code per sentence, for option 9 and `gatehouse person plan` (explainPlan.ts says them). */
  notes: PlanWords[];
  /** When it was planned (epoch ms): a lock's wait is told from here. */
  plannedAt?: number;
};

/** Whether a factor can be used for a person under a class now (before locks), and if not, why. */
export type FactorConfigured =
  | { usable: true; /** For a delivered code: where it goes. */ channel?: 'sms' | 'email' }
  | { usable: false; /** The factor's own code for why (e.g. no-active-key). */ reason: string; /** For admins, e.g. "the person has no TOTP key". */ why: PlanWords };

/**
 * What the planner needs of a factor (factors/Factor.ts extends it): pure, no I/O. The
 * planner is given the list (factors/index.ts) and names no factor itself.
 */
export type PlannableFactor = {
  /** The class screen's factor id (OTP, TOTP, Qstn…), or a factor of its own (Emergency). */
  id: string;
  /** RFC 8176 values a pass proves (the sign-in adds `pwd` and `mfa`), per channel where it has some. */
  amr(channel?: 'sms' | 'email'): string[];
  /** May the planner ask it by the class's priorities; false: only alongside another (acceptedWith). */
  autoSelectable: boolean;
  /** Usable for this person under this class (locks are the planner's business). */
  configuredFor(person: PersonFacts, policy: ClassPolicy): FactorConfigured;
  /** Rule 5: offered in place of this factor (under "try another way"), or as the challenge when nothing else is usable, where the class allows it. */
  standsInFor?: { factor: FactorId; allowedBy(policy: ClassPolicy): boolean; /** The class field that allows it, for admins. */ classField: string };
  /** Rule 5: accepted wherever this factor is asked, while the person has some left. */
  acceptedWith?: { factor: FactorId; available(person: PersonFacts): boolean };
  /** Its failures and locks are this factor's (emergency tokens count as TOTP). */
  countsAs?: FactorId;
  /** Rule 6: may be set up during sign-in after a stand-in was passed in its place. */
  enrollableDuringSignIn: boolean;
  /**
   * Offered for set-up at sign-in (MFA) when the class ranks it above the factor the person
   * passed and the person cannot use it yet: the class prefers it, so the sign-in offers it.
   */
  offeredAfterLowerFactor?: boolean;
};
