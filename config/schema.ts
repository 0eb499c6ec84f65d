// Every configuration key of Gatehouse, documented once. Values come from the environment
// first, then from config/local.json (a flat object of the same keys, optional), then from
// the defaults below. src/configuration/loadConfig.ts validates them at start; a bad value
// stops the start with a message naming the key. The README's configuration table is this
// file in prose.

import { parseIpRange } from '../src/security/ipRanges.ts';

export type ConfigKeySpec = {
  description: string;
  default?: string;
  /** Returns an error sentence for a bad value, or undefined when the value is fine. */
  check?: (value: string) => string | undefined;
  secret?: boolean;
};

const isPort = (v: string) =>
  /^\d+$/.test(v) && Number(v) >= 0 && Number(v) <= 65535 ? undefined : 'must be a port number from 0 to 65535';

const isHttpUrl = (v: string) => {
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http:// or https:// URL';
    if (u.search || u.hash) return 'must not have a query or fragment';
    return undefined;
  } catch {
    return 'must be an absolute URL such as https://id.example.com';
  }
};

const isMongoUri = (v: string) =>
  /^mongodb(\+srv)?:\/\/.+/.test(v) ? undefined : 'must be a mongodb:// or mongodb+srv:// connection string';

const isMasterKey = (v: string) =>
  Buffer.from(v, 'base64').length === 32 && /^[A-Za-z0-9+/]{43}=$/.test(v)
    ? undefined
    : 'must be 32 random bytes in base64 (44 characters), e.g. the output of `openssl rand -base64 32`';

const areMasterKeys = (v: string) => {
  const keys = v.split(',').map((key) => key.trim());
  const bad = keys.findIndex((key) => isMasterKey(key) !== undefined);
  return bad === -1
    ? undefined
    : `must be a comma-separated list of keys of 32 random bytes in base64 (44 characters each); entry ${bad + 1} is not`;
};

const areIpRanges = (v: string) => {
  const problems = v
    .split(',')
    .map((text, index) => ({ index, range: parseIpRange(text.trim()) }))
    .filter(({ range }) => 'problem' in range);
  const first = problems[0];
  return first ? `must be a comma-separated list of address ranges such as 10.0.0.0/8; entry ${first.index + 1}: ${(first.range as { problem: string }).problem}` : undefined;
};

const oneOf = (...allowed: string[]) => (v: string) =>
  allowed.includes(v) ? undefined : `must be one of ${allowed.join(', ')}`;

const isBoolean = oneOf('true', 'false');

const isWholeNumber = (min: number, max: number) => (v: string) =>
  /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? undefined : `must be a whole number from ${min} to ${max}`;

const isSeconds = (min: number, max: number) => (v: string) =>
  /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? undefined : `must be a whole number of seconds from ${min} to ${max}`;

export const configSchema = {
  NODE_ENV: {
    description:
      '`production` makes a missing MASTER_KEY an error and sends HSTS; anything else is development. Cookies are Secure whenever the request is https (behind a TLS proxy: TRUST_PROXY=true).',
    default: 'development',
  },
  PORT: { description: 'TCP port the HTTP server listens on (0 picks a free port).', default: '3000', check: isPort },
  HOST: { description: 'Address the HTTP server listens on.', default: '0.0.0.0' },
  ISSUER: {
    description:
      'The public URL of this provider, the `iss` of every token. Defaults to http://localhost:PORT. The server keeps it in the database at start; the CLI makes its links and otpauth URIs with that stored issuer unless ISSUER is given to the CLI too.',
    check: isHttpUrl,
  },
  MONGODB_URI: {
    description: 'MongoDB connection string (database name in the path). Unset: the embedded database under DATA_DIR.',
    check: isMongoUri,
    secret: true,
  },
  DATA_DIR: {
    description: 'Directory of the embedded database and, in development, the generated master key.',
    default: './data',
  },
  EMBEDDED_DATABASE_WAIT_SECONDS: {
    description:
      'With the embedded database: how long a server or command waits while another process holds DATA_DIR (its `lock` file) without offering its database yet — a server still starting, or a command running — before refusing with a message naming that process.',
    default: '30',
    check: isSeconds(0, 3_600),
  },
  EMBEDDED_DATABASE_SYNCHRONOUS: {
    description:
      'With the embedded database: when SQLite forces its writes to disk (its files are always in WAL mode). `normal`: at each checkpoint of the write-ahead log, not at each commit, like MongoDB acknowledging a write before its journal is flushed; a power cut or an operating-system crash can lose the writes of the last moments (since the last checkpoint), never corrupt the database, and a crash of Gatehouse or of the database process alone loses nothing. `full`: every commit is on disk before it is acknowledged, at the cost of one sync per write.',
    default: 'normal',
    check: oneOf('normal', 'full'),
  },
  MASTER_KEY: {
    description:
      'Key (32 bytes, base64) that encrypts signing keys, cookie keys, client secrets, TOTP keys and emergency tokens at rest (including keys a person is still setting up), and keys the hashes under which sessions, codes and tokens are stored. Required in production; in development it is generated into DATA_DIR/master.key.',
    check: isMasterKey,
    secret: true,
  },
  MASTER_KEYS_PREVIOUS: {
    description:
      'Former master keys (comma-separated, 32 bytes base64 each), kept while `gatehouse keys rotate-master` re-seals what they sealed: values sealed under them are still opened, new ones are sealed under MASTER_KEY only; sessions and tokens stored under their hashes are still found, and moved to MASTER_KEY when used. Remove them once the command reports that nothing is left under them (sessions and tokens not used by then stop working).',
    check: areMasterKeys,
    secret: true,
  },
  TRUST_PROXY: {
    description:
      'Gatehouse runs behind a reverse proxy (`true` or `false`): the client address is read from X-Forwarded-For as far as TRUST_PROXY_HOPS and TRUST_PROXY_RANGES allow, and X-Forwarded-Proto/-Host are believed. Never `true` without a proxy: a client talking to Gatehouse directly would then choose its own address.',
    default: 'false',
    check: isBoolean,
  },
  TRUST_PROXY_HOPS: {
    description:
      'With TRUST_PROXY=true: how many proxies in front of Gatehouse are trusted whatever their address (1: the one Gatehouse talks to). The client address is the one the nearest untrusted hop presented; X-Forwarded-For entries further left, which the client can write, are ignored. 0: trust only TRUST_PROXY_RANGES.',
    default: '1',
    check: isWholeNumber(0, 10),
  },
  TRUST_PROXY_RANGES: {
    description:
      'With TRUST_PROXY=true: comma-separated address ranges of proxies that are trusted wherever they appear in the chain (e.g. `10.0.0.0/8,2001:db8::/32`), in addition to TRUST_PROXY_HOPS. Unset: none.',
    check: areIpRanges,
  },
  LOG_LEVEL: {
    description: 'Log level: fatal, error, warn, info, debug, trace or silent.',
    default: 'info',
    check: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  SESSION_TTL: {
    description: 'Seconds a sign-in session lasts without a new sign-in.',
    default: '1209600',
    check: isSeconds(60, 31_536_000),
  },
  ACCESS_TOKEN_TTL: {
    description: 'Seconds an access token is valid.',
    default: '3600',
    check: isSeconds(60, 86_400),
  },
  REFRESH_TOKEN_TTL: {
    description: 'Seconds a refresh token is valid (each rotation issues a new one).',
    default: '1209600',
    check: isSeconds(60, 31_536_000),
  },
  SMTP_URL: {
    description:
      'Mail server for one-time codes and links, e.g. smtps://user:pass@mail.example.com:465 or smtp://127.0.0.1:2525. Unset in development: messages go to the /dev/outbox page (the log notes each one, never its text).',
    check: (v: string) => (/^smtps?:\/\/.+/.test(v) ? undefined : 'must be an smtp:// or smtps:// URL'),
    secret: true,
  },
  MAIL_FROM: { description: 'Sender address of Gatehouse\'s emails.', default: 'Gatehouse <no-reply@localhost>' },
  SMS_WEBHOOK_URL: {
    description: 'SMS by webhook: Gatehouse POSTs JSON {"to", "text"} to this https URL (http only on loopback).',
    check: isHttpUrl,
    secret: true,
  },
  SMS_WEBHOOK_TOKEN: { description: 'Sent as `Authorization: Bearer <token>` to SMS_WEBHOOK_URL, when set.', secret: true },
  TWILIO_ACCOUNT_SID: { description: 'SMS by a Twilio-compatible REST API: the account SID (with TWILIO_AUTH_TOKEN and TWILIO_FROM).' },
  TWILIO_AUTH_TOKEN: { description: 'Twilio-compatible API: the auth token.', secret: true },
  TWILIO_FROM: { description: 'Twilio-compatible API: the sender number, e.g. +15005550006.' },
  TWILIO_API_URL: { description: 'Twilio-compatible API: the base URL.', default: 'https://api.twilio.com', check: isHttpUrl },
  OTP_TTL: { description: 'Seconds a one-time code sent by SMS or email is valid.', default: '300', check: isSeconds(60, 3600) },
  REGISTRATION_LINK_TTL: {
    description: 'Seconds an emailed TOTP registration link stays valid (single use).',
    default: '86400',
    check: isSeconds(300, 2_592_000),
  },
  OTP_RESEND_AFTER: { description: 'Seconds before a new one-time code may be sent for the same sign-in.', default: '30', check: isSeconds(0, 600) },
  ELEVATED_ACR_TTL: {
    description: 'Seconds the elevated-access (AOD) level of a session lasts before it falls back to the sign-in level.',
    default: '900',
    check: isSeconds(60, 86_400),
  },
  ADMIN_ELEVATION_TTL: {
    description: 'Seconds the admin view lets an admin work after a step-up to elevated access (the class\'s AOD factors) before asking for it again.',
    default: '900',
    check: isSeconds(60, 86_400),
  },
  ADMIN_IDLE_TTL: {
    description: 'Seconds of no request after which an admin view session ends (the admin signs in again).',
    default: '900',
    check: isSeconds(60, 86_400),
  },
  ADMIN_HOME_REFRESH: {
    description: 'Seconds the admin view\'s home keeps its list of persons who cannot sign in under their class before computing it again, in the background (0: at every visit).',
    default: '300',
    check: isSeconds(0, 86_400),
  },
  PASSWORD_MIN_LENGTH: {
    description: 'The fewest characters (Unicode code points) a new password may have, from 8 to 256; the other password rules are fixed: at most 256 characters, not a user ID or the person\'s name, not on the shipped list of common and breached passwords.',
    default: '12',
    check: isWholeNumber(8, 256),
  },
  RESET_KEEP_CURRENT_DEVICE: {
    description:
      'After a password reset (or an account re-enabled by one), whether the browser that made it stays signed in: `true` keeps its sign-in session and the grants of that session, `false` ends them too. Either way every other session, grant, refresh token, access token and code of the person ends, and their account page and admin view sessions.',
    default: 'false',
    check: isBoolean,
  },
  SETUP_LINK_REMOTE: {
    description: 'Whether the first-run setup link (printed at start while no admin exists) may be opened from any address, not only from the loopback.',
    default: 'false',
    check: (v: string) => (v === 'true' || v === 'false' ? undefined : 'must be true or false'),
  },
  ADDRESS_FAILURE_LIMIT: {
    description: 'Failed sign-in steps from one client address within 15 minutes before that address is refused for a while.',
    default: '30',
    check: isWholeNumber(1, 10_000),
  },
} satisfies Record<string, ConfigKeySpec>;

export type ConfigKey = keyof typeof configSchema;
