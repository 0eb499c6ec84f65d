import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import type { Config } from '../../src/configuration/loadConfig.ts';
import { createDelivery } from '../../src/delivery/createDelivery.ts';
import { DeliveryError } from '../../src/delivery/DeliveryError.ts';
import { devOutboxSize } from '../../src/delivery/devOutbox.ts';
import { GatehouseError } from '../../src/errors/GatehouseError.ts';
import { codeMessage } from '../../src/factors/otp/codeMessage.ts';
import { createLogger } from '../../src/logging/createLogger.ts';
import { newMasterKey, openTestServices, startTestGatehouse, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';
import { listenOnLoopback } from '../support/listenOnLoopback.ts';

type ReceivedMail = { from: string; to: string[]; raw: string };
type ReceivedRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: string };

/** A real SMTP server on 127.0.0.1; it refuses recipients at refused.example. */
async function startSmtpServer() {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      callback(address.address.endsWith('@refused.example') ? Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected`), { responseCode: 550 }) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  const port = await listenOnLoopback(server.server);
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A real HTTP listener on 127.0.0.1 that records every request and answers `status`. */
async function startHttpListener(answer: { status: number; body: string } = { status: 201, body: '{"sid":"SM1"}' }) {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A logger whose JSON lines are kept, to check what is (and is not) logged. */
function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('debug', stream), lines, text: () => lines.join('\n') };
}

const decodeQuotedPrintable = (raw: string) => raw.replace(/=\r?\n/g, '');
const headerOf = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1]?.trim();

const mongodbUri = testDatabaseUri();
const masterKey = newMasterKey();
const baseConfig = testConfig({ mongodbUri, masterKey });
let services: Awaited<ReturnType<typeof openTestServices>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let webhook: Awaited<ReturnType<typeof startHttpListener>>;
let twilio: Awaited<ReturnType<typeof startHttpListener>>;
let failingWebhook: Awaited<ReturnType<typeof startHttpListener>>;

const withDelivery = (overrides: Partial<Config>) => ({ ...baseConfig, ...overrides });
const twilioSettings = () => ({ accountSid: 'AC0123456789', authToken: 'twilio-auth-token', from: '+15005550006', apiUrl: twilio.url });
const smsText = codeMessage('en', '482916', 5).text;

beforeAll(async () => {
  services = await openTestServices(baseConfig);
  [smtp, webhook, twilio, failingWebhook] = await Promise.all([
    startSmtpServer(),
    startHttpListener({ status: 202, body: '{"queued":true}' }),
    startHttpListener(),
    startHttpListener({ status: 500, body: `{"error":"cannot send ${smsText} to +34600111222"}` }),
  ]);
});

afterAll(async () => {
  await Promise.all([smtp?.close(), webhook?.close(), twilio?.close(), failingWebhook?.close()]);
  await services?.store.close();
});

describe('email through SMTP_URL', () => {
  test('a real SMTP server receives the message from MAIL_FROM, and the log has neither the text nor the full address', async () => {
    const log = capturingLogger();
    const delivery = createDelivery(withDelivery({ mail: { smtpUrl: smtp.url, from: 'Gatehouse <no-reply@gatehouse.test>' } }), log.logger, services.store.connection);
    expect(delivery.describe().email).toBe('smtp');
    const message = codeMessage('en', '731045', 5);

    await delivery.sendEmail({ to: 'pepe@example.com', ...message });

    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.to).toEqual(['pepe@example.com']);
    expect(mail.from).toBe('no-reply@gatehouse.test');
    expect(headerOf(mail.raw, 'Subject')).toBe('Your Gatehouse sign-in code');
    expect(headerOf(mail.raw, 'To')).toBe('pepe@example.com');
    expect(decodeQuotedPrintable(mail.raw)).toContain('Your Gatehouse sign-in code is 731045. It is valid for 5 minutes.');
    expect(log.text()).toContain('p***@example.com');
    expect(log.text()).not.toContain('731045');
    expect(log.text()).not.toContain('pepe@');
  });

  test('a refusing mail server makes sendEmail reject with the reply code, without the address or the text', async () => {
    const delivery = createDelivery(withDelivery({ mail: { smtpUrl: smtp.url, from: 'no-reply@gatehouse.test' } }), createLogger('silent'), services.store.connection);
    const error = (await delivery.sendEmail({ to: 'ana@refused.example', subject: 'Code', text: 'Your code is 555123.' }).catch((e: unknown) => e)) as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.status).toBe(502);
    expect(error.message).toContain('550');
    expect(error.message).not.toContain('ana@');
    expect(error.message).not.toContain('555123');
  });
});

describe('SMS through a webhook or a Twilio-compatible API', () => {
  test('the webhook receives JSON {to, text} with the bearer token', async () => {
    const log = capturingLogger();
    const delivery = createDelivery(withDelivery({ sms: { webhook: { url: `${webhook.url}/sms/send`, token: 'webhook-secret' } } }), log.logger, services.store.connection);
    expect(delivery.describe().sms).toBe('webhook');
    webhook.requests.length = 0;

    await delivery.sendSms({ to: '+34600111222', text: smsText });

    expect(webhook.requests).toHaveLength(1);
    const request = webhook.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/sms/send');
    expect(request.headers.authorization).toBe('Bearer webhook-secret');
    expect(request.headers['content-type']).toContain('application/json');
    expect(JSON.parse(request.body)).toEqual({ to: '+34600111222', text: smsText });
    expect(log.text()).toContain('+34*******22');
    expect(log.text()).not.toContain('482916');
    expect(log.text()).not.toContain('600111222');
    expect(log.text()).not.toContain('webhook-secret');
  });

  test('without a token, no Authorization header is sent', async () => {
    const delivery = createDelivery(withDelivery({ sms: { webhook: { url: webhook.url } } }), createLogger('silent'), services.store.connection);
    webhook.requests.length = 0;
    await delivery.sendSms({ to: '+34600111222', text: 'hello' });
    expect(webhook.requests[0]!.headers.authorization).toBeUndefined();
  });

  test('the Twilio-compatible API receives the form fields To, From, Body with basic auth sid:token', async () => {
    const delivery = createDelivery(withDelivery({ sms: { twilio: twilioSettings() } }), createLogger('silent'), services.store.connection);
    expect(delivery.describe().sms).toBe('twilio');
    twilio.requests.length = 0;

    await delivery.sendSms({ to: '+34600111222', text: smsText });

    expect(twilio.requests).toHaveLength(1);
    const request = twilio.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/2010-04-01/Accounts/AC0123456789/Messages.json');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('AC0123456789:twilio-auth-token').toString('base64')}`);
    const form = new URLSearchParams(request.body);
    expect(Object.fromEntries(form)).toEqual({ To: '+34600111222', From: '+15005550006', Body: smsText });
  });

  test('the webhook wins when both are configured', async () => {
    const delivery = createDelivery(withDelivery({ sms: { webhook: { url: webhook.url }, twilio: twilioSettings() } }), createLogger('silent'), services.store.connection);
    expect(delivery.describe().sms).toBe('webhook');
    webhook.requests.length = 0;
    twilio.requests.length = 0;
    await delivery.sendSms({ to: '+34600111222', text: 'both configured' });
    expect(webhook.requests).toHaveLength(1);
    expect(twilio.requests).toHaveLength(0);
  });

  test('a non-2xx answer makes sendSms reject with the status, never the text nor the number', async () => {
    const log = capturingLogger();
    const delivery = createDelivery(withDelivery({ sms: { webhook: { url: failingWebhook.url, token: 'webhook-secret' } } }), log.logger, services.store.connection);
    const error = (await delivery.sendSms({ to: '+34600111222', text: smsText }).catch((e: unknown) => e)) as DeliveryError;
    expect(failingWebhook.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.status).toBe(502);
    expect(error.expose).toBe(false);
    expect(error.message).toContain('500');
    expect(error.message).not.toContain('482916');
    expect(error.message).not.toContain(smsText);
    expect(error.message).not.toContain('600111222');
    expect(error.message).not.toContain(failingWebhook.url);
    expect(log.text()).not.toContain('482916');
  });

  test('a Twilio-compatible API answering 400 makes sendSms reject with the status only', async () => {
    const refusing = await startHttpListener({ status: 400, body: '{"code":21211,"message":"The \'To\' number +34600111222 is not valid."}' });
    try {
      const delivery = createDelivery(withDelivery({ sms: { twilio: { ...twilioSettings(), apiUrl: refusing.url } } }), createLogger('silent'), services.store.connection);
      const error = (await delivery.sendSms({ to: '+34600111222', text: smsText }).catch((e: unknown) => e)) as DeliveryError;
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error.message).toContain('400');
      expect(error.message).not.toContain('600111222');
    } finally {
      await refusing.close();
    }
  });

  test('an unreachable webhook makes sendSms reject with a DeliveryError', async () => {
    const closed = await startHttpListener();
    await closed.close();
    const delivery = createDelivery(withDelivery({ sms: { webhook: { url: closed.url } } }), createLogger('silent'), services.store.connection);
    const error = (await delivery.sendSms({ to: '+34600111222', text: smsText }).catch((e: unknown) => e)) as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.message).toMatch(/could not be reached/);
  });

  test('a webhook on plain http away from loopback stops the start, naming the key', () => {
    expect(() => createDelivery(withDelivery({ sms: { webhook: { url: 'http://sms.example.com/send' } } }), createLogger('silent'), services.store.connection)).toThrow(
      /SMS_WEBHOOK_URL must be an https:\/\/ URL/,
    );
  });
});

describe('the development outbox', () => {
  test('without providers outside production, messages are stored (not sent) and logged without their text', async () => {
    const log = capturingLogger();
    const delivery = createDelivery(baseConfig, log.logger, services.store.connection);
    expect(delivery.describe()).toEqual({ email: 'outbox', sms: 'outbox' });

    await delivery.sendEmail({ to: 'pepe@example.com', ...codeMessage('en', '604218', 5) });
    await delivery.sendSms({ to: '+34600111222', text: codeMessage('es', '917362', 5).text });

    const stored = await services.store.connection.db!.collection('dev_outbox').find({}).sort({ _id: -1 }).limit(2).toArray();
    expect(stored.map((m) => [m.channel, m.to])).toEqual([
      ['sms', '+34600111222'],
      ['email', 'pepe@example.com'],
    ]);
    expect(stored[1]!.subject).toBe('Your Gatehouse sign-in code');
    expect(stored[1]!.text).toContain('604218');
    expect(stored[0]!.text).toContain('917362');
    expect(log.text()).toContain('email to p***@example.com stored in the development outbox');
    expect(log.text()).toContain('SMS to +34*******22 stored in the development outbox');
    expect(log.text()).not.toContain('604218');
    expect(log.text()).not.toContain('917362');
    expect(log.text()).not.toContain('pepe@');
    expect(smtp.mails.some((m) => m.raw.includes('604218'))).toBe(false);
  });

  test('GET /dev/outbox shows the messages, newest first, under a development-only banner', async () => {
    const gatehouse = await startTestGatehouse({ mongodbUri, masterKey });
    try {
      const delivery = createDelivery(baseConfig, createLogger('silent'), services.store.connection);
      await delivery.sendEmail({ to: 'older@example.com', subject: 'First message', text: 'Your code is 100001.' });
      await delivery.sendEmail({ to: 'newer@example.com', subject: 'Second message', text: 'Your code is 100002.\nSecond line.' });

      const response = await fetch(`${gatehouse.url}/dev/outbox`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const page = await response.text();
      expect(page).toContain('Development only: messages are not sent');
      for (const shown of ['newer@example.com', 'Second message', 'Your code is 100002.', 'Second line.', 'older@example.com', 'First message', 'Your code is 100001.']) {
        expect(page).toContain(shown);
      }
      expect(page.indexOf('newer@example.com')).toBeLessThan(page.indexOf('older@example.com'));
      expect(page).toMatch(/<time datetime="\d{4}-\d\d-\d\dT/);
    } finally {
      await gatehouse.stop();
    }
  });

  test(`keeps the newest ${devOutboxSize} messages`, async () => {
    const config = testConfig({ mongodbUri: testDatabaseUri(), masterKey });
    const own = await openTestServices(config);
    try {
      const delivery = createDelivery(config, createLogger('silent'), own.store.connection);
      for (let i = 1; i <= devOutboxSize + 5; i += 1) await delivery.sendSms({ to: '+34600111222', text: `message ${i}` });
      const kept = await own.store.connection.db!.collection('dev_outbox').find({}).sort({ _id: 1 }).toArray();
      expect(kept).toHaveLength(devOutboxSize);
      expect(kept[0]!.text).toBe('message 6');
      expect(kept.at(-1)!.text).toBe(`message ${devOutboxSize + 5}`);
    } finally {
      await own.store.close();
    }
  });
});

describe('production', () => {
  test('/dev/outbox is not mounted: 404', async () => {
    const gatehouse = await startTestGatehouse({ mongodbUri, masterKey, config: { production: true } });
    try {
      const response = await fetch(`${gatehouse.url}/dev/outbox`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('Development only');
    } finally {
      await gatehouse.stop();
    }
  });

  test('without SMTP_URL or an SMS provider, sending fails with a 503 that says which key is missing, and nothing is stored', async () => {
    const delivery = createDelivery(withDelivery({ production: true }), createLogger('silent'), services.store.connection);
    expect(delivery.describe()).toEqual({ email: 'none', sms: 'none' });
    const outbox = services.store.connection.db!.collection('dev_outbox');
    const before = await outbox.countDocuments();

    const email = (await delivery.sendEmail({ to: 'pepe@example.com', subject: 'Code', text: 'Your code is 300003.' }).catch((e: unknown) => e)) as GatehouseError;
    expect(email).toBeInstanceOf(GatehouseError);
    expect(email.status).toBe(503);
    expect(email.expose).toBe(true);
    expect(email.message).toBe('Email cannot be sent: SMTP_URL is not configured.');

    const sms = (await delivery.sendSms({ to: '+34600111222', text: 'Your code is 300004.' }).catch((e: unknown) => e)) as GatehouseError;
    expect(sms.status).toBe(503);
    expect(sms.expose).toBe(true);
    expect(sms.message).toMatch(/^SMS cannot be sent: SMS_WEBHOOK_URL .* is not configured\.$/);

    expect(await outbox.countDocuments()).toBe(before);
  });

  test('with providers, production sends as in development', async () => {
    const delivery = createDelivery(withDelivery({ production: true, mail: { smtpUrl: smtp.url, from: 'no-reply@gatehouse.test' }, sms: { webhook: { url: webhook.url } } }), createLogger('silent'), services.store.connection);
    expect(delivery.describe()).toEqual({ email: 'smtp', sms: 'webhook' });
    const mailsBefore = smtp.mails.length;
    webhook.requests.length = 0;
    await delivery.sendEmail({ to: 'prod@example.com', subject: 'Code', text: 'Your code is 400004.' });
    await delivery.sendSms({ to: '+34600111222', text: 'Your code is 400005.' });
    expect(smtp.mails).toHaveLength(mailsBefore + 1);
    expect(webhook.requests).toHaveLength(1);
  });
});
