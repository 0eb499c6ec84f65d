import { z } from 'zod';
import { totpAlgorithms, totpDigits, totpPeriodRange } from '../../factors/totp/totpKeyInput.ts';

/** The admin API's documents of the TOTP key menu (option 8); totpKeyInput.ts checks the key input. */

const text = (description: string) => z.string().meta({ description });
const algorithm = z.enum(totpAlgorithms).meta({ description: 'HMAC algorithm.' });
const digits = z.union(totpDigits.map((value) => z.literal(value))).meta({ description: 'Digits of a code.' });
const period = z.number().int().meta({ description: 'Seconds per code.' });
const keyState = z.enum(['none', 'pending', 'active']);
const tokensLeft = z.number().int().min(0).meta({ description: 'Unused emergency tokens.' });

export const totpKeyInputSchema = z
  .strictObject({
    key: z.string().optional().meta({ description: 'A key typed by the admin: Base32, the letters A–Z and digits 2–7 (spaces and lower case are ignored), at least 128 bits (26 characters). Anything else is refused with 400 `key: …`.', writeOnly: true }),
    algorithm: algorithm.default('SHA1'),
    digits: digits.default(6),
    period: z.number().int().min(totpPeriodRange.min).max(totpPeriodRange.max).default(30).meta({ description: 'Seconds per code.' }),
    email: z.boolean().default(false).meta({ description: '"Email new key": email the person a registration link (single use, expiring) to a page with the QR code, the key and the emergency tokens, instead of handing them the key. Refused (400) when the person has no email address. Same as `?email=true`.' }),
  })
  .meta({ id: 'TotpKeyInput', description: 'Every field is optional (the body may be left out): without `key`, a random 160-bit key is generated. The defaults (SHA1, 6 digits, 30 seconds) suit every authenticator app.' });

export const totpLinkSentSchema = z
  .object({ name: text('The person\'s name.'), sent_to: text('The email address, masked.'), expires_at: z.string().meta({ format: 'date-time', description: 'When the link stops working (ISO 8601).' }) })
  .meta({ id: 'TotpLinkSent', description: 'A registration link was emailed; the answer never holds the link.' });

export const totpKeyCreatedSchema = z
  .object({
    name: text('The person\'s name.'),
    state: z.literal('pending').meta({ description: 'Always `pending`: the key counts at sign-in once the person has confirmed one current code from their app.' }),
    algorithm,
    digits,
    period,
    key_generated: z.boolean().meta({ description: 'True when Gatehouse generated the key, false when it was given.' }),
    replaced: keyState.meta({ description: 'The state of the key this one replaced — it stopped working at once — or `none`.' }),
    emergency_tokens_created: z.boolean().meta({ description: 'True when the person had no unused emergency token and got a new set.' }),
    tokens_left: tokensLeft,
    link_sent_to: text('With `email`: the address the registration link went to, masked.').optional(),
    link_expires_at: z.string().optional().meta({ format: 'date-time', description: 'With `email`: when the registration link stops working (ISO 8601).' }),
  })
  .meta({ id: 'TotpKeyCreated', description: 'What was done; never the key (GET the person\'s totp to display it, audited).' });

export const totpKeyDisplaySchema = z
  .object({
    name: text('The person\'s name.'),
    state: keyState.meta({ description: '`none` (no key), `pending` (until the person confirms a code) or `active`.' }),
    key: text('The Base32 key in groups of four, for typing into an app.').optional(),
    algorithm: algorithm.optional(),
    digits: digits.optional(),
    period: period.optional(),
    otpauth_uri: text('`otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=…&digits=…&period=…`: what the QR code holds (the issuer is the host of this Gatehouse, the account the person\'s default user ID).').optional(),
    emergency_tokens: z.array(z.string()).meta({ description: 'The unused emergency tokens (groups of four, e.g. `k7dq-3vxm-9tpa-wz2c`).' }),
    tokens_left: tokensLeft,
  })
  .meta({ id: 'TotpKeyDisplay', description: 'Option 3, "Display Key and Emergency Tokens". Without a key (state `none`) only the tokens are given.' });

export const totpTokensSchema = z
  .object({ name: text('The person\'s name.'), tokens_left: tokensLeft })
  .meta({ id: 'TotpTokens', description: 'The new set\'s size; never the tokens (GET the person\'s totp to display them, audited).' });
