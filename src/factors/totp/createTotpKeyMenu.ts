import QRCode from 'qrcode';
import type { Delivery } from '../../delivery/Delivery.ts';
import type { FactorNotices } from '../../delivery/createFactorNotices.ts';
import { chooseLocale, translator } from '../../i18n/translate.ts';
import { GatehouseError, InvalidInputError, NotFoundError } from '../../errors/GatehouseError.ts';
import type { Actor, AuditLog } from '../../security/createAuditLog.ts';
import type { StoredPerson } from '../../store/repositories/personRepository.ts';
import type { EmergencyTokens } from '../emergency/createEmergencyTokens.ts';
import type { TotpFactor } from './createTotpFactor.ts';
import { keyState, type TotpKeyState } from './keyState.ts';
import { groupKey, otpauthUri, qrCodeOptions } from './otpauthUri.ts';
import { checkTotpKey, type TotpAlgorithm, type TotpKeyInput, type ValidTotpKey } from './totpKeyInput.ts';

// What the menu needs of the person directory and of the registration links, said here:
// factors sit below both and import neither.
type Persons = { show(name: string): Promise<{ sub: string }>; findBySub(sub: string): Promise<StoredPerson | null> };
type RegistrationLinks = {
  issue(personId: string, keyId: string, now?: number, mailedTo?: string): Promise<{ token: string; expiresAt: Date }>;
  revokeAll(personId: string): Promise<void>;
  lifetimeSeconds: number;
};

type Dependencies = {
  persons: Persons;
  totp: Pick<TotpFactor, 'setKey' | 'removeKey' | 'openKey' | 'generateSecret'>;
  emergencyTokens: Pick<EmergencyTokens, 'recreate' | 'list' | 'countLeft' | 'remove'>;
  audit: AuditLog;
  /** The issuer shown in authenticator apps (otpauthIssuerFor). */
  issuer: string;
  /** Registration links (option 5 and "email new key"), mailed by `delivery` with URLs under `issuerUrl`. */
  links: RegistrationLinks;
  delivery: Pick<Delivery, 'sendEmail'>;
  /** Tells the person of a key replaced or removed and of new emergency tokens. */
  notices: Pick<FactorNotices, 'send'>;
  issuerUrl: string;
};

/** What option 5 did: where the link went (masked) and until when it works; never the link. */
export type TotpLinkSent = { name: string; sentTo: string; expiresAt: string };

/** `jo****@example.com`: enough for the admin to recognise the address. */
const maskEmail = (email: string) => {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 2)}****@${domain}`;
};

/** Every action of the menu names its admin: the CLI user or the API caller. */
type ActorOption = { actor: Actor };

/**
 * Option 8.1 as typed by an admin (CLI options, API body): all optional; without `key` a
 * random 160-bit key is generated. Unknown types are checked here, not trusted.
 */
export type TotpKeyRequest = { key?: unknown; algorithm?: unknown; digits?: unknown; period?: unknown };

export type QrFormat = 'svg' | 'png' | 'terminal';
export const qrFormats: readonly QrFormat[] = ['svg', 'png', 'terminal'];

type KeyParameters = { algorithm: TotpAlgorithm; digits: 6 | 8; period: number };

/** What option 8.1 did; never the key (see `show`). */
export type TotpKeyCreated = KeyParameters & {
  name: string;
  state: 'pending';
  /** True when Gatehouse generated the key, false when the admin typed it. */
  generated: boolean;
  /** The state of the key this one replaced (it no longer works), or 'none'. */
  replaced: TotpKeyState;
  /** True when the person had no unused emergency token and got a new set. */
  emergencyTokensCreated: boolean;
  tokensLeft: number;
};

/** The menu's header: the key's state and parameters and the tokens left, nothing secret (not audited). */
export type TotpKeyStatus = Partial<KeyParameters> & {
  name: string;
  state: TotpKeyState;
  tokensLeft: number;
  /** Since when the key is in its state: created (pending), or activated (active). */
  since?: Date;
};

/** Option 3: everything the person needs, opened; every call is audited. */
export type TotpKeyDisplay = TotpKeyStatus & {
  /** Base32 in groups of four, for typing into an app. */
  key?: string;
  otpauthUri?: string;
  /** The unused emergency tokens, formatted (`k7dq-3vxm-9tpa-wz2c`). */
  emergencyTokens: string[];
};

export type TotpRemoved = { name: string; keyRemoved: boolean; emergencyTokensRemoved: boolean };


const notForPersons = () =>
  new GatehouseError('The TOTP key menu is for administrators; a person manages their own key from their account page.', { status: 403, expose: true });

/** The key as typed, checked (pending until the person confirms a code); messages name the field `key`, as the admin typed it. */
function checkRequest(request: TotpKeyRequest, generate: () => string): { key: ValidTotpKey; generated: boolean } {
  if (typeof request !== 'object' || request === null) throw new InvalidInputError('A TOTP key request is an object: {key?, algorithm?, digits?, period?}.');
  const generated = request.key === undefined || request.key === null;
  const input = {
    secret: generated ? generate() : request.key,
    ...(request.algorithm === undefined || request.algorithm === null ? {} : { algorithm: request.algorithm }),
    ...(request.digits === undefined || request.digits === null ? {} : { digits: request.digits }),
    ...(request.period === undefined || request.period === null ? {} : { period: request.period }),
    state: 'pending',
  } as TotpKeyInput;
  try {
    return { key: checkTotpKey(input), generated };
  } catch (error) {
    if (error instanceof InvalidInputError && error.message.startsWith('secret: ')) throw new InvalidInputError(`key: ${error.message.slice('secret: '.length)}`);
    throw error;
  }
}

/**
 * The admin's TOTP key menu (option 8) over the TOTP factor and the emergency tokens, for
 * the CLI, the admin API and the admin view alike:
 * 1. `create`: a new key, generated or typed, always *pending*: it counts only once the
 *    person has confirmed one current code from their app (`totp.confirmPending`). A key it
 *    replaces stops working at once — an admin replaces a key because a phone was lost or
 *    the key leaked, so the old one must not stay usable until the person gets round to
 *    confirming. A person with no unused emergency token gets a new set.
 * 2. `recreateTokens`: a new set of emergency tokens; the old set stops working at once.
 * 3. `show`: the key and the tokens, opened. 4. `qr`: the otpauth URI as a QR code.
 *    Both are displays of secrets: each is audited (`totp-display`: who, when, what was
 *    shown, never the values) before anything is returned.
 * 5. `sendLink`: mails a registration link (registration/registrationLinks.ts); `create` with `email` does so too. `remove` takes key and tokens away.
 * Changes are also audited by the factors themselves (`set-key`, `replace-key`,
 * `recreate-emergency-tokens`, `remove-key`, `remove-emergency-tokens`), with the same actor.
 */
export function createTotpKeyMenu({ persons, totp, emergencyTokens, audit, issuer, links, delivery, notices, issuerUrl }: Dependencies) {
  /** The person by name (ignoring case), as stored. */
  async function findPerson(name: string, actor: Actor): Promise<StoredPerson> {
    if (actor.kind === 'person') throw notForPersons();
    const { sub } = await persons.show(name);
    const person = await persons.findBySub(sub);
    if (!person) throw new NotFoundError(`There is no person "${name}".`);
    return person;
  }

  async function openedKey(person: StoredPerson) {
    const key = await totp.openKey(person._id);
    if (!key) return undefined;
    return { ...key, uri: otpauthUri({ issuer, account: person.defaultUserId, secret: key.secret, algorithm: key.algorithm, digits: key.digits, period: key.period }) };
  }

  async function recordDisplay(person: StoredPerson, actor: Actor, shown: string[], details: Record<string, unknown>): Promise<void> {
    await audit.record({ actor, action: 'totp-display', entity: 'totp', entityId: person._id, after: { name: person.name, shown, ...details } });
  }

  async function qr(name: string, options: ActorOption & { format: 'png' }): Promise<Buffer>;
  async function qr(name: string, options: ActorOption & { format: 'svg' | 'terminal' }): Promise<string>;
  async function qr(name: string, options: ActorOption & { format: QrFormat }): Promise<string | Buffer>;
  /** Option 4: the otpauth URI as an SVG document, a PNG image, or a QR code drawn with block characters for a terminal. Audited. */
  async function qr(name: string, { actor, format }: ActorOption & { format: QrFormat }): Promise<string | Buffer> {
    if (!qrFormats.includes(format)) throw new InvalidInputError(`format: one of ${qrFormats.join(', ')}; got ${JSON.stringify(format)}.`);
    const person = await findPerson(name, actor);
    const key = await openedKey(person);
    if (!key) throw new NotFoundError(`The person "${person.name}" has no TOTP key.`);
    const image =
      format === 'png'
        ? await QRCode.toBuffer(key.uri, { ...qrCodeOptions, type: 'png', scale: 6 })
        : format === 'svg'
          ? await QRCode.toString(key.uri, { ...qrCodeOptions, type: 'svg' })
          : await QRCode.toString(key.uri, { ...qrCodeOptions, type: 'terminal', small: true });
    await recordDisplay(person, actor, ['qr-code'], { format, state: key.state });
    return image;
  }

  /** Option 5: emails the person a registration link for their pending key; the caller has found the person. */
  async function mailLink(person: StoredPerson, actor: Actor): Promise<TotpLinkSent> {
    if (!person.email) throw new InvalidInputError(`The person "${person.name}" has no email address: set one before sending a registration link.`);
    if (!person.totp) throw new NotFoundError(`The person "${person.name}" has no TOTP key: create one first.`);
    if (person.totp.state !== 'pending') throw new InvalidInputError(`The TOTP key of "${person.name}" is already active: a registration link is for a new (pending) key; create a new key with the email option.`);
    const { token, expiresAt } = await links.issue(person._id, person.totp.keyId, Date.now(), person.email);
    const url = `${issuerUrl.replace(/\/+$/, '')}/register/${token}`;
    const t = translator(chooseLocale(person.preferredLanguage ? { preferred: person.preferredLanguage } : {}));
    const hours = Math.max(1, Math.round(links.lifetimeSeconds / 3600));
    const name = [person.firstName, person.familyName].filter(Boolean).join(' ') || person.name;
    await delivery.sendEmail({
      to: person.email,
      subject: t('registerMail.subject'),
      text: `${t('registerMail.greeting', { name })}\n\n${t('registerMail.body')}\n\n${url}\n\n${t('registerMail.expiry', { hours })}\n\n${t('registerMail.ignore')}\n`,
    });
    const sentTo = maskEmail(person.email);
    await audit.record({ actor, action: 'totp-send-link', entity: 'totp', entityId: person._id, after: { name: person.name, sent_to: sentTo, expires_at: expiresAt.toISOString() } });
    return { name: person.name, sentTo, expiresAt: expiresAt.toISOString() };
  }

  return {
    /** Option 8.1: create or replace the key; see above. Refuses a bad key before changing anything. */
    async create(name: string, request: TotpKeyRequest, { actor, email = false }: ActorOption & { email?: boolean }): Promise<TotpKeyCreated & { link?: TotpLinkSent }> {
      const person = await findPerson(name, actor);
      const { key, generated } = checkRequest(request, totp.generateSecret);
      if (email && !person.email) throw new InvalidInputError(`The person "${person.name}" has no email address: set one before sending a registration link.`);
      const replaced = keyState(person);
      await totp.setKey(person._id, key, { actor });
      let tokensLeft = await emergencyTokens.countLeft(person._id);
      const emergencyTokensCreated = tokensLeft === 0;
      if (emergencyTokensCreated) tokensLeft = (await emergencyTokens.recreate(person._id, { actor })).length;
      const parameters: KeyParameters = { algorithm: key.algorithm, digits: key.digits, period: key.period };
      await audit.record({
        actor,
        action: 'totp-create',
        entity: 'totp',
        entityId: person._id,
        ...(replaced === 'none' ? {} : { before: { name: person.name, state: replaced } }),
        after: { name: person.name, state: 'pending', generated, ...parameters, emergency_tokens_created: emergencyTokensCreated },
      });
      const created: TotpKeyCreated = { name: person.name, state: 'pending', ...parameters, generated, replaced, emergencyTokensCreated, tokensLeft };
      // A key the person used stopped working: they hear of it (with a link, the link's email says it).
      if (!email && replaced !== 'none') await notices.send(person, 'totp-replaced', { by: 'administrator' });
      if (!email) return created;
      const link = await mailLink(await findPerson(name, actor), actor);
      return { ...created, link };
    },

    /** Option 8.5: emails the person a single-use, expiring link to the registration page for their pending key (never the key itself). Audited. */
    async sendLink(name: string, { actor }: ActorOption): Promise<TotpLinkSent> {
      return mailLink(await findPerson(name, actor), actor);
    },

    /** Option 8.2: ten new emergency tokens; the old ones stop working at once. Returns how many are left (ten), never the tokens: `show` displays them. */
    async recreateTokens(name: string, { actor }: ActorOption): Promise<{ name: string; tokensLeft: number }> {
      const person = await findPerson(name, actor);
      const tokens = await emergencyTokens.recreate(person._id, { actor });
      await notices.send(person, 'emergency-tokens-recreated', { by: 'administrator' });
      return { name: person.name, tokensLeft: tokens.length };
    },

    /** The menu's header ("*Key does not exist*", pending, active) and the tokens left: nothing secret, so not audited. */
    async status(name: string, { actor }: ActorOption): Promise<TotpKeyStatus> {
      const person = await findPerson(name, actor);
      const state = keyState(person);
      const tokensLeft = await emergencyTokens.countLeft(person._id);
      if (!person.totp) return { name: person.name, state, tokensLeft };
      const since = person.totp.state === 'active' ? (person.totp.activatedAt ?? person.totp.createdAt) : person.totp.createdAt;
      return { name: person.name, state, algorithm: person.totp.algorithm, digits: person.totp.digits, period: person.totp.period, tokensLeft, ...(since ? { since } : {}) };
    },

    /** Option 8.3: the key (groups of four), its parameters and otpauth URI, and the unused emergency tokens. Audited, even when there is nothing to show. */
    async show(name: string, { actor }: ActorOption): Promise<TotpKeyDisplay> {
      const person = await findPerson(name, actor);
      const key = await openedKey(person);
      const tokens = await emergencyTokens.list(person._id);
      await recordDisplay(person, actor, [...(key ? ['key'] : []), 'emergency-tokens'], { state: key?.state ?? 'none', tokens_left: tokens.length });
      if (!key) return { name: person.name, state: 'none', emergencyTokens: tokens, tokensLeft: tokens.length };
      return {
        name: person.name,
        state: key.state,
        key: groupKey(key.secret),
        algorithm: key.algorithm,
        digits: key.digits,
        period: key.period,
        otpauthUri: key.uri,
        emergencyTokens: tokens,
        tokensLeft: tokens.length,
      };
    },

    qr,

    /** Takes the key and the emergency tokens away; refused (404) when the person has neither. */
    async remove(name: string, { actor }: ActorOption): Promise<TotpRemoved> {
      const person = await findPerson(name, actor);
      if (!person.totp && !person.emergencyTokens) throw new NotFoundError(`The person "${person.name}" has no TOTP key and no emergency tokens.`);
      const keyRemoved = await totp.removeKey(person._id, { actor });
      const emergencyTokensRemoved = await emergencyTokens.remove(person._id, { actor });
      await links.revokeAll(person._id);
      await notices.send(person, 'totp-removed', { by: 'administrator' });
      return { name: person.name, keyRemoved, emergencyTokensRemoved };
    },
  };
}

export type TotpKeyMenu = ReturnType<typeof createTotpKeyMenu>;
