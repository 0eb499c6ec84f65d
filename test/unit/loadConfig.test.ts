import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../src/configuration/loadConfig.ts';

const noFile = '/nonexistent/gatehouse/local.json';
const validMasterKey = Buffer.alloc(32, 7).toString('base64');

/** The error loadConfig throws for `env`; fails the test when it does not throw. */
function errorFor(env: NodeJS.ProcessEnv, file = noFile): ConfigError {
  try {
    loadConfig(env, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

test('defaults: development on port 3000, the embedded database, a generated master key', () => {
  expect(loadConfig({}, noFile)).toEqual({
    production: false,
    port: 3000,
    host: '0.0.0.0',
    issuer: 'http://localhost:3000',
    issuerGiven: false,
    mongodbUri: undefined,
    dataDir: resolve('./data'),
    embeddedDatabaseWaitSeconds: 30,
    embeddedDatabaseSynchronous: 'normal',
    masterKey: undefined,
    trustProxy: false,
    trustProxyHops: 1,
    trustProxyRanges: [],
    logLevel: 'info',
    ttl: { session: 1_209_600, accessToken: 3600, refreshToken: 1_209_600, otp: 300, elevatedAcr: 900, registrationLink: 86_400 },
    mail: { smtpUrl: undefined, from: 'Gatehouse <no-reply@localhost>' },
    sms: {},
    otpResendAfterSeconds: 30,
    addressFailureLimit: 30,
    passwordMinLength: 12,
    passwordReset: { keepCurrentDevice: false },
    admin: { elevationSeconds: 900, idleSeconds: 900, setupLinkRemote: false, homeRefreshSeconds: 300 },
  });
});

test('values from the environment are read and converted', () => {
  const config = loadConfig(
    {
      NODE_ENV: 'production',
      PORT: '8443',
      HOST: '127.0.0.1',
      ISSUER: 'https://id.example.com/',
      MONGODB_URI: 'mongodb://db.example.com:27017/gatehouse',
      DATA_DIR: '/var/lib/gatehouse',
      MASTER_KEY: validMasterKey,
      TRUST_PROXY: 'true',
      TRUST_PROXY_HOPS: '2',
      TRUST_PROXY_RANGES: '10.0.0.0/8, 2001:db8::/32',
      LOG_LEVEL: 'warn',
      SESSION_TTL: '7200',
      ACCESS_TOKEN_TTL: '300',
      REFRESH_TOKEN_TTL: '86400',
      SMTP_URL: 'smtps://mailer:secret@mail.example.com:465',
      MAIL_FROM: 'Sign-in <id@example.com>',
      SMS_WEBHOOK_URL: 'https://sms.example.com/send',
      SMS_WEBHOOK_TOKEN: 'hook-token',
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN: 'twilio-token',
      TWILIO_FROM: '+15005550006',
      OTP_TTL: '600',
      OTP_RESEND_AFTER: '60',
      ELEVATED_ACR_TTL: '300',
      REGISTRATION_LINK_TTL: '3600',
      ADDRESS_FAILURE_LIMIT: '10',
      PASSWORD_MIN_LENGTH: '16',
      RESET_KEEP_CURRENT_DEVICE: 'true',
      ADMIN_ELEVATION_TTL: '600',
      ADMIN_IDLE_TTL: '300',
      SETUP_LINK_REMOTE: 'true',
      ADMIN_HOME_REFRESH: '60',
    },
    noFile,
  );
  expect(config).toEqual({
    production: true,
    port: 8443,
    host: '127.0.0.1',
    issuer: 'https://id.example.com',
    issuerGiven: true,
    mongodbUri: 'mongodb://db.example.com:27017/gatehouse',
    dataDir: '/var/lib/gatehouse',
    embeddedDatabaseWaitSeconds: 30,
    embeddedDatabaseSynchronous: 'normal',
    masterKey: validMasterKey,
    trustProxy: true,
    trustProxyHops: 2,
    trustProxyRanges: ['10.0.0.0/8', '2001:db8::/32'],
    logLevel: 'warn',
    ttl: { session: 7200, accessToken: 300, refreshToken: 86_400, otp: 600, elevatedAcr: 300, registrationLink: 3600 },
    mail: { smtpUrl: 'smtps://mailer:secret@mail.example.com:465', from: 'Sign-in <id@example.com>' },
    sms: {
      webhook: { url: 'https://sms.example.com/send', token: 'hook-token' },
      twilio: { accountSid: 'AC123', authToken: 'twilio-token', from: '+15005550006', apiUrl: 'https://api.twilio.com' },
    },
    otpResendAfterSeconds: 60,
    addressFailureLimit: 10,
    passwordMinLength: 16,
    passwordReset: { keepCurrentDevice: true },
    admin: { elevationSeconds: 600, idleSeconds: 300, setupLinkRemote: true, homeRefreshSeconds: 60 },
  });
});

test('the Twilio keys go together', () => {
  expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC123' }, noFile)).toThrow('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM go together');
});

test('trusting a proxy needs at least one trusted hop or the ranges of the proxies', () => {
  expect(errorFor({ TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '0' }).message).toMatch(/TRUST_PROXY_HOPS.*TRUST_PROXY_RANGES/);
  expect(loadConfig({ TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '0', TRUST_PROXY_RANGES: '10.0.0.0/8' }, noFile)).toMatchObject({ trustProxyHops: 0, trustProxyRanges: ['10.0.0.0/8'] });
});

test('EMBEDDED_DATABASE_SYNCHRONOUS=full goes back to a sync at every commit', () => {
  expect(loadConfig({ EMBEDDED_DATABASE_SYNCHRONOUS: 'full' }, noFile).embeddedDatabaseSynchronous).toBe('full');
});

test('the issuer follows PORT when ISSUER is not set', () => {
  expect(loadConfig({ PORT: '8080' }, noFile).issuer).toBe('http://localhost:8080');
});

test('an empty environment variable counts as unset', () => {
  expect(loadConfig({ PORT: '', MASTER_KEY: '' }, noFile)).toMatchObject({ port: 3000, masterKey: undefined });
});

test.each([
  ['PORT', 'abc'],
  ['PORT', '70000'],
  ['PORT', '-1'],
  ['ISSUER', 'ftp://x'],
  ['ISSUER', 'not a url'],
  ['ISSUER', 'https://id.example.com/?tenant=1'],
  ['MONGODB_URI', 'http://x'],
  ['MASTER_KEY', 'short'],
  ['LOG_LEVEL', 'loud'],
  ['TRUST_PROXY', 'yes'],
  ['TRUST_PROXY_HOPS', '-1'],
  ['TRUST_PROXY_HOPS', '11'],
  ['TRUST_PROXY_RANGES', '10.0.0.0/8,10.1.2.3/8'],
  ['TRUST_PROXY_RANGES', 'proxy.example.com'],
  ['SESSION_TTL', '10'],
  ['ACCESS_TOKEN_TTL', 'an hour'],
  ['REFRESH_TOKEN_TTL', '99999999999'],
  ['EMBEDDED_DATABASE_SYNCHRONOUS', 'off'],
  ['RESET_KEEP_CURRENT_DEVICE', 'yes'],
])('%s=%s is refused with a message naming the key', (key, value) => {
  const error = errorFor({ [key]: value });
  expect(error.message).toMatch(new RegExp(`\\b${key}\\b`));
});

test('a bad value in config/local.json is refused too, naming the key', () => {
  const directory = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
  const file = join(directory, 'local.json');
  writeFileSync(file, JSON.stringify({ LOG_LEVEL: 'loud' }));
  expect(errorFor({}, file).message).toMatch(/\bLOG_LEVEL\b/);
  writeFileSync(file, JSON.stringify({ LOG_LEVEL: 'debug', PORT: 4000 }));
  expect(loadConfig({}, file)).toMatchObject({ logLevel: 'debug', port: 4000 });
  // The environment wins over the file.
  expect(loadConfig({ PORT: '5000' }, file).port).toBe(5000);
});

test('an unknown key or broken JSON in the configuration file is refused', () => {
  const directory = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
  const file = join(directory, 'local.json');
  writeFileSync(file, JSON.stringify({ PROT: '3000' }));
  expect(errorFor({}, file).message).toMatch(/PROT/);
  writeFileSync(file, '{ "PORT": ');
  expect(errorFor({}, file).message).toContain(file);
});

test('NODE_ENV=production without MASTER_KEY is refused, naming MASTER_KEY', () => {
  expect(errorFor({ NODE_ENV: 'production' }).message).toMatch(/\bMASTER_KEY\b/);
  expect(loadConfig({ NODE_ENV: 'production', MASTER_KEY: validMasterKey }, noFile).production).toBe(true);
});

test.each([
  ['too short', 'c2hvcnQta2V5'],
  ['almost right (31 bytes)', Buffer.alloc(31, 9).toString('base64')],
  ['not base64', `${'!'.repeat(43)}=`],
  ['a passphrase', 'my very secret passphrase that is long enough!'],
])('a bad MASTER_KEY (%s) is never echoed in the error message', (_label, masterKey) => {
  const error = errorFor({ MASTER_KEY: masterKey });
  expect(error.message).toMatch(/\bMASTER_KEY\b/);
  expect(error.message).not.toContain(masterKey);
  expect(error.message).not.toContain(masterKey.slice(0, 8));
});

test('a bad MONGODB_URI, which may hold a password, is not echoed either', () => {
  const uri = 'postgres://admin:hunter2-secret@db.example.com/gatehouse';
  const error = errorFor({ MONGODB_URI: uri });
  expect(error.message).toMatch(/\bMONGODB_URI\b/);
  expect(error.message).not.toContain('hunter2-secret');
});

test('a valid MASTER_KEY does not appear in the error about another key', () => {
  const error = errorFor({ MASTER_KEY: validMasterKey, PORT: 'abc' });
  expect(error.message).toMatch(/\bPORT\b/);
  expect(error.message).not.toContain(validMasterKey);
});

test('PASSWORD_MIN_LENGTH is a whole number from 8 to 256', () => {
  expect(loadConfig({ PASSWORD_MIN_LENGTH: '8' }, noFile).passwordMinLength).toBe(8);
  expect(loadConfig({ PASSWORD_MIN_LENGTH: '256' }, noFile).passwordMinLength).toBe(256);
  for (const bad of ['7', '257', '12.5', 'twelve']) expect(() => loadConfig({ PASSWORD_MIN_LENGTH: bad }, noFile)).toThrow('PASSWORD_MIN_LENGTH must be a whole number from 8 to 256');
});

test('RESET_KEEP_CURRENT_DEVICE is true or false, false unless set', () => {
  expect(loadConfig({}, noFile).passwordReset).toEqual({ keepCurrentDevice: false });
  expect(loadConfig({ RESET_KEEP_CURRENT_DEVICE: 'true' }, noFile).passwordReset).toEqual({ keepCurrentDevice: true });
  expect(loadConfig({ RESET_KEEP_CURRENT_DEVICE: 'false' }, noFile).passwordReset).toEqual({ keepCurrentDevice: false });
  for (const bad of ['1', 'TRUE', 'keep']) expect(() => loadConfig({ RESET_KEEP_CURRENT_DEVICE: bad }, noFile)).toThrow('RESET_KEEP_CURRENT_DEVICE must be one of true, false');
});
