import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import type { Config } from '../../src/configuration/loadConfig.ts';
import { createDelivery } from '../../src/delivery/createDelivery.ts';
import { DeliveryError } from '../../src/delivery/DeliveryError.ts';
import { GatehouseError } from '../../src/errors/GatehouseError.ts';
import type { Verdict } from '../../src/factors/Verdict.ts';
import { codeMessage } from '../../src/factors/otp/codeMessage.ts';
import { createOneTimeCodes, type OneTimeCodes } from '../../src/factors/otp/createOneTimeCodes.ts';
import { ResendTooSoonError } from '../../src/factors/otp/ResendTooSoonError.ts';
import { createLogger } from '../../src/logging/createLogger.ts';
import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';
import { listenOnLoopback } from '../support/listenOnLoopback.ts';

/** A real HTTP listener on 127.0.0.1 acting as the SMS webhook; numbers ending in 99 are refused with a 500. */
async function startSmsWebhook() {
  const received: { to: string; text: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const sms = JSON.parse(body) as { to: string; text: string };
      if (sms.to.endsWith('99')) {
        res.writeHead(500).end('provider down');
        return;
      }
      received.push(sms);
      res.writeHead(202).end();
    });
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/sms`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const ttlSeconds = 300;
const resendAfterSeconds = 30;
const person = 'person-a';
const email = 'pepe@example.com';
const phone = '+34600111222';
const newInteraction = () => `interaction-${randomBytes(8).toString('hex')}`;
const retry = (reason: string): Verdict => ({ outcome: 'retry', reason } as Verdict);
const later = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);
/** Whether `text` holds the code `c` as a whole (not inside a longer base64 or digit run). */
const containsCode = (text: string, c: string) => new RegExp(`(?<![A-Za-z0-9_-])${c}(?![A-Za-z0-9_-])`).test(text);
/** A six-digit code that is not `code`. */
const otherThan = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

let services: Awaited<ReturnType<typeof openTestServices>>;
let webhook: Awaited<ReturnType<typeof startSmsWebhook>>;
let config: Config;
let codes: OneTimeCodes;
const logLines: string[] = [];
/** Every code handed to a message, in order: what the person receives. */
const issued: string[] = [];

function message(code: string) {
  issued.push(code);
  return codeMessage('en', code, ttlSeconds / 60);
}

async function sendEmail(interactionUid: string, now?: Date) {
  const sent = await codes.send({ personId: person, interactionUid, channel: 'email', destination: email, message, ...(now ? { now } : {}) });
  return { ...sent, code: issued.at(-1)! };
}

beforeAll(async () => {
  webhook = await startSmsWebhook();
  config = testConfig({
    mongodbUri: testDatabaseUri(),
    masterKey: newMasterKey(),
    ttl: { session: 3600, accessToken: 600, refreshToken: 3600, otp: ttlSeconds, elevatedAcr: 900, registrationLink: 86_400 },
    otpResendAfterSeconds: resendAfterSeconds,
    sms: { webhook: { url: webhook.url } },
  });
  services = await openTestServices(config);
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  // Email goes to the development outbox, SMS to the webhook above.
  const delivery = createDelivery(config, logger, services.store.connection);
  codes = createOneTimeCodes({ connection: services.store.connection, delivery, config, logger });
});

afterAll(async () => {
  await webhook?.close();
  await services?.store.close();
});

describe('sending and verifying', () => {
  test('an emailed code is accepted once, with amr otp', async () => {
    const interactionUid = newInteraction();
    const now = new Date();
    const sent = await sendEmail(interactionUid, now);
    expect(sent.sentTo).toBe('p***@example.com');
    expect(sent.resendAfter).toEqual(later(now, resendAfterSeconds));
    expect(sent.code).toMatch(/^\d{6}$/);
    const delivered = await services.store.connection.db!.collection('dev_outbox').find({ to: email }).sort({ _id: -1 }).limit(1).next();
    expect(delivered!.text).toContain(`Your Gatehouse sign-in code is ${sent.code}.`);

    expect(await codes.verify({ personId: person, interactionUid, code: sent.code })).toEqual({ outcome: 'success', amr: ['otp'] });
    expect(await codes.verify({ personId: person, interactionUid, code: sent.code })).toEqual(retry('reused'));
  });

  test('a code by SMS goes to the webhook and is accepted with amr sms, otp', async () => {
    const interactionUid = newInteraction();
    const sent = await codes.send({ personId: person, interactionUid, channel: 'sms', destination: phone, message });
    expect(sent.sentTo).toBe('+34*******22');
    const code = issued.at(-1)!;
    expect(webhook.received.at(-1)).toEqual({ to: phone, text: codeMessage('en', code, 5).text });
    expect(await codes.verify({ personId: person, interactionUid, code })).toEqual({ outcome: 'success', amr: ['sms', 'otp'] });
  });

  test('two concurrent verifies of one right code: exactly one succeeds', async () => {
    for (let round = 0; round < 5; round += 1) {
      const interactionUid = newInteraction();
      const { code } = await sendEmail(interactionUid);
      const verdicts = await Promise.all([1, 2, 3].map(() => codes.verify({ personId: person, interactionUid, code })));
      expect(verdicts.filter((v) => v.outcome === 'success')).toHaveLength(1);
      expect(verdicts.filter((v) => v.outcome === 'retry' && v.reason === 'reused')).toHaveLength(2);
    }
  });

  test('a wrong code is refused and does not use up the right one', async () => {
    const interactionUid = newInteraction();
    const { code } = await sendEmail(interactionUid);
    expect(await codes.verify({ personId: person, interactionUid, code: otherThan(code) })).toEqual(retry('wrong-code'));
    expect(await codes.verify({ personId: person, interactionUid, code: otherThan(otherThan(code)) })).toEqual(retry('wrong-code'));
    expect((await codes.verify({ personId: person, interactionUid, code })).outcome).toBe('success');
  });

  test('spaces in the typed code are ignored; anything but six digits is malformed', async () => {
    const interactionUid = newInteraction();
    const { code } = await sendEmail(interactionUid);
    for (const typed of ['', '12345', '1234567', 'abcdef', '12345a', '１２３４５６']) {
      expect(await codes.verify({ personId: person, interactionUid, code: typed })).toEqual({ outcome: 'malformed' });
    }
    expect((await codes.verify({ personId: person, interactionUid, code: ` ${code.slice(0, 3)} ${code.slice(3)} ` })).outcome).toBe('success');
  });

  test('no code sent for the interaction, or sent to another person: no-code-sent', async () => {
    expect(await codes.verify({ personId: person, interactionUid: newInteraction(), code: '123456' })).toEqual(retry('no-code-sent'));
    const interactionUid = newInteraction();
    const { code } = await sendEmail(interactionUid);
    expect(await codes.verify({ personId: 'person-b', interactionUid, code })).toEqual(retry('no-code-sent'));
    expect((await codes.verify({ personId: person, interactionUid, code })).outcome).toBe('success');
  });

  test('a code is valid for OTP_TTL seconds', async () => {
    const now = new Date();
    const expiring = newInteraction();
    const first = await sendEmail(expiring, now);
    expect(await codes.verify({ personId: person, interactionUid: expiring, code: first.code, now: later(now, ttlSeconds) })).toEqual(retry('expired'));
    expect(await codes.verify({ personId: person, interactionUid: expiring, code: first.code, now: later(now, ttlSeconds + 60) })).toEqual(retry('expired'));

    const inTime = newInteraction();
    const second = await sendEmail(inTime, now);
    expect((await codes.verify({ personId: person, interactionUid: inTime, code: second.code, now: later(now, ttlSeconds - 1).getTime() })).outcome).toBe('success');
  });
});

describe('sending again', () => {
  test('within OTP_RESEND_AFTER seconds: 429 with the seconds to wait, and the first code still works', async () => {
    const interactionUid = newInteraction();
    const now = new Date();
    const first = await sendEmail(interactionUid, now);
    const error = (await sendEmail(interactionUid, later(now, 10)).catch((e: unknown) => e)) as ResendTooSoonError;
    expect(error).toBeInstanceOf(ResendTooSoonError);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error.status).toBe(429);
    expect(error.expose).toBe(true);
    expect(error.message).toBe('A new code can be sent in 20 seconds.');
    expect(error.resendAfter).toEqual(later(now, resendAfterSeconds));
    expect(issued.at(-1)).toBe(first.code);
    expect((await codes.verify({ personId: person, interactionUid, code: first.code })).outcome).toBe('success');
  });

  test('after the wait: the old code is refused, the new one works', async () => {
    const interactionUid = newInteraction();
    const now = new Date();
    const first = await sendEmail(interactionUid, now);
    let second = await sendEmail(interactionUid, later(now, resendAfterSeconds));
    // One chance in a million that both are equal; then send a third.
    if (second.code === first.code) second = await sendEmail(interactionUid, later(now, 2 * resendAfterSeconds));
    expect(second.code).not.toBe(first.code);

    expect(await codes.verify({ personId: person, interactionUid, code: first.code, now: later(now, resendAfterSeconds + 5) })).toEqual(retry('wrong-code'));
    expect((await codes.verify({ personId: person, interactionUid, code: second.code, now: later(now, resendAfterSeconds + 5) })).outcome).toBe('success');
    expect(await codes.verify({ personId: person, interactionUid, code: first.code, now: later(now, resendAfterSeconds + 6) })).toEqual(retry('wrong-code'));
  });

  test('two concurrent sends for one interaction: one code goes out, the other send gets a 429', async () => {
    const interactionUid = newInteraction();
    const destination = `${interactionUid}@example.com`;
    const send = () => codes.send({ personId: person, interactionUid, channel: 'email', destination, message });
    const results = await Promise.allSettled([send(), send(), send()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const refused of results.filter((r) => r.status === 'rejected')) {
      expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(ResendTooSoonError);
    }
    expect(await services.store.connection.db!.collection('dev_outbox').countDocuments({ to: destination })).toBe(1);
  });

  test('lastSent tells the page where the code went and when a new one may be asked for', async () => {
    const interactionUid = newInteraction();
    const now = new Date();
    expect(await codes.lastSent({ personId: person, interactionUid })).toBeUndefined();
    await sendEmail(interactionUid, now);
    expect(await codes.lastSent({ personId: person, interactionUid })).toEqual({
      channel: 'email',
      sentTo: 'p***@example.com',
      sentAt: now,
      expiresAt: later(now, ttlSeconds),
      resendAfter: later(now, resendAfterSeconds),
    });
    expect(await codes.lastSent({ personId: 'person-b', interactionUid })).toBeUndefined();
  });
});

describe('when the code cannot be sent', () => {
  test('a failing provider: the error reaches the caller and the undelivered code never works', async () => {
    const interactionUid = newInteraction();
    const error = await codes.send({ personId: person, interactionUid, channel: 'sms', destination: '+34600111299', message }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    const undelivered = issued.at(-1)!;
    expect((await codes.verify({ personId: person, interactionUid, code: undelivered })).outcome).toBe('retry');
  });

  test('production without a provider: 503 before anything is stored, so no wait is imposed', async () => {
    const production: Config = { ...config, production: true }; // SMS by the webhook, no SMTP_URL
    const logger = createLogger('silent');
    const productionCodes = createOneTimeCodes({ connection: services.store.connection, delivery: createDelivery(production, logger, services.store.connection), config: production, logger });
    const interactionUid = newInteraction();
    const error = (await productionCodes.send({ personId: person, interactionUid, channel: 'email', destination: email, message }).catch((e: unknown) => e)) as GatehouseError;
    expect(error.status).toBe(503);
    expect(error.message).toBe('Email cannot be sent: SMTP_URL is not configured.');
    expect(await services.store.connection.db!.collection('one_time_codes').countDocuments({ interactionUid })).toBe(0);
    // The SMS channel of the same interaction still works at once.
    await productionCodes.send({ personId: person, interactionUid, channel: 'sms', destination: phone, message: (code) => ({ text: `code ${code}` }) });
  });

  test('an empty destination is refused', async () => {
    await expect(codes.send({ personId: person, interactionUid: newInteraction(), channel: 'sms', destination: ' ', message })).rejects.toMatchObject({ status: 400 });
  });
});

describe('what is stored and logged', () => {
  test('the database never holds a code in plain text, nor do the logs', async () => {
    // A few more codes by both channels, some used, some not.
    const interactionUid = newInteraction();
    const { code, expiresAt } = await sendEmail(interactionUid);
    await codes.verify({ personId: person, interactionUid, code: otherThan(code) });
    await codes.send({ personId: person, interactionUid: newInteraction(), channel: 'sms', destination: phone, message });
    expect(issued.length).toBeGreaterThan(15);

    const db = services.store.connection.db!;
    const dump: Record<string, string> = {};
    for (const { name } of await db.listCollections().toArray()) {
      dump[name] = JSON.stringify(await db.collection(name).find({}).toArray());
    }
    // The scan finds codes where they are in clear: the development outbox (emails only).
    expect(containsCode(dump.dev_outbox!, code)).toBe(true);
    for (const [collection, text] of Object.entries(dump)) {
      if (collection === 'dev_outbox') continue;
      for (const c of issued) expect(containsCode(text, c) ? `${collection} holds ${c}` : undefined).toBeUndefined();
    }
    const logs = logLines.join('');
    for (const c of issued) expect(containsCode(logs, c) ? `the log holds ${c}` : undefined).toBeUndefined();
    expect(logs).not.toContain('600111222');

    // The record names its interaction by a keyed hash of the uid, never the uid.
    const records = await db.collection('one_time_codes').find({ personId: person, channel: 'email', expiresAt }).toArray();
    expect(records).toHaveLength(1);
    expect(JSON.stringify(records)).not.toContain(interactionUid);
    expect(records[0]!.interactionUid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(records[0]!).toSorted()).toEqual(['_id', 'channel', 'destinationHash', 'expiresAt', 'hash', 'interactionUid', 'keepUntil', 'n', 'personId', 'salt', 'sentAt', 'sentTo'].toSorted());
    // The destination is kept only masked and as an HMAC (what proves the address once the code is used).
    expect(Buffer.from(records[0]!.destinationHash as string, 'base64url')).toHaveLength(32);
    expect(Buffer.from(records[0]!.hash as string, 'base64url')).toHaveLength(32);
  });

  test('each code has a salt of its own', async () => {
    const salts = (await services.store.connection.db!.collection('one_time_codes').find({}, { projection: { salt: 1 } }).toArray()).map((r) => r.salt as string);
    expect(salts.length).toBeGreaterThan(15);
    expect(new Set(salts).size).toBe(salts.length);
  });
});
