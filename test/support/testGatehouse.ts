import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Config } from '../../src/configuration/loadConfig.ts';
import { createLogger } from '../../src/logging/createLogger.ts';
import { openServices, type Services } from '../../src/services.ts';
import { startGatehouse, type RunningGatehouse } from '../../src/startGatehouse.ts';

/** A database of its own for each test file, on the run's database server. */
export function testDatabaseUri(): string {
  const base = process.env.GATEHOUSE_TEST_MONGODB_URI;
  if (!base) throw new Error('GATEHOUSE_TEST_MONGODB_URI is not set: run the tests with `npm test`.');
  return `${base}gatehouse_test_${randomBytes(6).toString('hex')}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A configuration for tests: 127.0.0.1, silent logs, the given database and master key. */
export function testConfig(overrides: Partial<Config> & { mongodbUri: string | undefined; masterKey: string }): Config {
  const port = overrides.port ?? 0;
  return {
    production: false,
    port,
    host: '127.0.0.1',
    issuer: `http://127.0.0.1:${port}`,
    dataDir: '/nonexistent-data-dir',
    embeddedDatabaseWaitSeconds: 30,
    trustProxy: false,
    trustProxyHops: 1,
    trustProxyRanges: [],
    logLevel: 'silent',
    ttl: { session: 3600, accessToken: 600, refreshToken: 3600, otp: 300, elevatedAcr: 900, registrationLink: 86_400 },
    mail: { smtpUrl: undefined, from: 'Gatehouse <no-reply@gatehouse.test>' },
    sms: {},
    otpResendAfterSeconds: 30,
    addressFailureLimit: 30,
    passwordMinLength: 12,
    passwordReset: { keepCurrentDevice: false },
    admin: { elevationSeconds: 900, idleSeconds: 900, setupLinkRemote: false, homeRefreshSeconds: 300 },
    ...overrides,
  };
}

export const newMasterKey = () => randomBytes(32).toString('base64');

/**
 * A running Gatehouse on a free port of 127.0.0.1 with its own test database (or the one
 * given, to run several instances on one database). `issuer` gives several instances one
 * public URL (a load balancer in front of them, see switchableProxy.ts); by default the
 * issuer is the instance's own URL.
 */
export async function startTestGatehouse(
  options: { mongodbUri?: string; masterKey?: string; port?: number; logLevel?: string; issuer?: string; trustProxy?: boolean; config?: Partial<Config> } = {},
) {
  const port = options.port ?? (await freePort());
  const config = testConfig({
    mongodbUri: options.mongodbUri ?? testDatabaseUri(),
    masterKey: options.masterKey ?? newMasterKey(),
    port,
    issuer: options.issuer ?? `http://127.0.0.1:${port}`,
    logLevel: options.logLevel ?? 'silent',
    trustProxy: options.trustProxy ?? false,
    ...options.config,
  });
  const gatehouse: RunningGatehouse = await startGatehouse(config, createLogger(config.logLevel));
  return { ...gatehouse, config, issuer: config.issuer };
}

/** The store and directories on a test configuration, without an HTTP server (for seeding). */
export async function openTestServices(config: Config): Promise<Services> {
  return openServices(config, createLogger('silent'));
}
