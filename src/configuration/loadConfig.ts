import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configSchema, type ConfigKey, type ConfigKeySpec } from '../../config/schema.ts';
import { GatehouseError } from '../errors/GatehouseError.ts';

export type Config = {
  production: boolean;
  port: number;
  host: string;
  issuer: string;
  /** ISSUER was set (environment or config/local.json) rather than defaulted: the CLI then prefers it to the running deployment's issuer. */
  issuerGiven?: boolean;
  mongodbUri: string | undefined;
  dataDir: string;
  /** How long to wait for another process's embedded database on DATA_DIR before refusing. */
  embeddedDatabaseWaitSeconds: number;
  /** SQLite's synchronous mode for the embedded database (WAL either way); unset: `normal`. */
  embeddedDatabaseSynchronous?: 'normal' | 'full';
  /** Base64 master key, or undefined when it is to be generated (development only). */
  masterKey: string | undefined;
  /** Former master keys (base64) that still open what they sealed while a rotation re-seals it; unset: none. */
  masterKeysPrevious?: string[];
  /** Behind a reverse proxy: X-Forwarded-For/-Proto/-Host are read (src/http/clientAddress.ts). */
  trustProxy: boolean;
  /** Proxies trusted whatever their address, counted from the one Gatehouse talks to. */
  trustProxyHops: number;
  /** Address ranges of proxies trusted wherever they appear in the chain. */
  trustProxyRanges: string[];
  logLevel: string;
  ttl: { session: number; accessToken: number; refreshToken: number; otp: number; elevatedAcr: number; registrationLink: number };
  mail: { smtpUrl: string | undefined; from: string };
  sms: {
    webhook?: { url: string; token?: string };
    twilio?: { accountSid: string; authToken: string; from: string; apiUrl: string };
  };
  otpResendAfterSeconds: number;
  /** The admin view (src/admin/console): seconds an elevation lasts, seconds of idleness that end a session, whether the setup link opens from anywhere, and seconds the home keeps who cannot sign in. */
  admin: { elevationSeconds: number; idleSeconds: number; setupLinkRemote: boolean; homeRefreshSeconds: number };
  addressFailureLimit: number;
  /** PASSWORD_MIN_LENGTH: the fewest characters of a new password (security/passwordRules.ts). */
  passwordMinLength: number;
  /** RESET_KEEP_CURRENT_DEVICE: whether a password reset leaves the browser that made it signed in (oidc/createPersonSessions.ts). */
  passwordReset: { keepCurrentDevice: boolean };
};

export class ConfigError extends GatehouseError {
  constructor(message: string) {
    super(message, { status: 500, expose: true });
  }
}

function readFileValues(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${path}: must be a JSON object of configuration keys`);
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(key in configSchema)) throw new ConfigError(`${path}: unknown configuration key ${key}`);
    values[key] = String(value);
  }
  return values;
}

/**
 * Reads every key of config/schema.ts from `env`, then config/local.json, then the
 * defaults, and checks each value. Throws a ConfigError naming the first bad key.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, configFile = resolve('config/local.json')): Config {
  const fromFile = readFileValues(configFile);
  const raw = {} as Record<ConfigKey, string | undefined>;
  for (const [key, spec] of Object.entries(configSchema) as [ConfigKey, ConfigKeySpec][]) {
    const value = env[key] !== undefined && env[key] !== '' ? env[key] : (fromFile[key] ?? spec.default);
    if (value !== undefined && spec.check) {
      const problem = spec.check(value);
      if (problem) {
        const shown = spec.secret ? '(hidden)' : JSON.stringify(value);
        throw new ConfigError(`Configuration ${key} ${problem}; got ${shown}.`);
      }
    }
    raw[key] = value;
  }

  const production = raw.NODE_ENV === 'production';
  if (production && !raw.MASTER_KEY) {
    throw new ConfigError(
      'Configuration MASTER_KEY is required when NODE_ENV=production (32 random bytes in base64, e.g. `openssl rand -base64 32`).',
    );
  }
  const twilio = [raw.TWILIO_ACCOUNT_SID, raw.TWILIO_AUTH_TOKEN, raw.TWILIO_FROM];
  if (twilio.some(Boolean) && !twilio.every(Boolean)) {
    throw new ConfigError('Configuration TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM go together: set all three or none.');
  }
  if (raw.TRUST_PROXY === 'true' && raw.TRUST_PROXY_HOPS === '0' && !raw.TRUST_PROXY_RANGES) {
    throw new ConfigError('Configuration TRUST_PROXY_HOPS is 0 and TRUST_PROXY_RANGES is unset: with TRUST_PROXY=true, trust at least one hop or give the ranges of your proxies.');
  }
  const port = Number(raw.PORT);
  return {
    production,
    port,
    host: raw.HOST!,
    issuer: (raw.ISSUER ?? `http://localhost:${port}`).replace(/\/$/, ''),
    issuerGiven: raw.ISSUER !== undefined,
    mongodbUri: raw.MONGODB_URI,
    dataDir: resolve(raw.DATA_DIR!),
    embeddedDatabaseWaitSeconds: Number(raw.EMBEDDED_DATABASE_WAIT_SECONDS),
    embeddedDatabaseSynchronous: raw.EMBEDDED_DATABASE_SYNCHRONOUS as 'normal' | 'full',
    masterKey: raw.MASTER_KEY,
    masterKeysPrevious: raw.MASTER_KEYS_PREVIOUS?.split(',').map((key) => key.trim()),
    trustProxy: raw.TRUST_PROXY === 'true',
    trustProxyHops: Number(raw.TRUST_PROXY_HOPS),
    trustProxyRanges: raw.TRUST_PROXY_RANGES ? raw.TRUST_PROXY_RANGES.split(',').map((range) => range.trim()) : [],
    logLevel: raw.LOG_LEVEL!,
    ttl: {
      session: Number(raw.SESSION_TTL),
      accessToken: Number(raw.ACCESS_TOKEN_TTL),
      refreshToken: Number(raw.REFRESH_TOKEN_TTL),
      otp: Number(raw.OTP_TTL),
      elevatedAcr: Number(raw.ELEVATED_ACR_TTL),
      registrationLink: Number(raw.REGISTRATION_LINK_TTL),
    },
    mail: { smtpUrl: raw.SMTP_URL, from: raw.MAIL_FROM! },
    sms: {
      ...(raw.SMS_WEBHOOK_URL ? { webhook: { url: raw.SMS_WEBHOOK_URL, ...(raw.SMS_WEBHOOK_TOKEN ? { token: raw.SMS_WEBHOOK_TOKEN } : {}) } } : {}),
      ...(raw.TWILIO_ACCOUNT_SID && raw.TWILIO_AUTH_TOKEN && raw.TWILIO_FROM
        ? { twilio: { accountSid: raw.TWILIO_ACCOUNT_SID, authToken: raw.TWILIO_AUTH_TOKEN, from: raw.TWILIO_FROM, apiUrl: raw.TWILIO_API_URL! } }
        : {}),
    },
    otpResendAfterSeconds: Number(raw.OTP_RESEND_AFTER),
    addressFailureLimit: Number(raw.ADDRESS_FAILURE_LIMIT),
    passwordMinLength: Number(raw.PASSWORD_MIN_LENGTH),
    passwordReset: { keepCurrentDevice: raw.RESET_KEEP_CURRENT_DEVICE === 'true' },
    admin: { elevationSeconds: Number(raw.ADMIN_ELEVATION_TTL), idleSeconds: Number(raw.ADMIN_IDLE_TTL), setupLinkRemote: raw.SETUP_LINK_REMOTE === 'true', homeRefreshSeconds: Number(raw.ADMIN_HOME_REFRESH) },
  };
}
