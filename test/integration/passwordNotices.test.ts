import { Writable } from 'node:stream';
import { createDelivery } from '../../src/delivery/createDelivery.ts';
import { createPasswordNotices, type PasswordEvent } from '../../src/delivery/createPasswordNotices.ts';
import { createLogger } from '../../src/logging/createLogger.ts';
import type { StoredPerson } from '../../src/store/repositories/personRepository.ts';
import { startMailCatcher } from '../support/mailCatcher.ts';
import { freePort, newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

let mail: Awaited<ReturnType<typeof startMailCatcher>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let config: ReturnType<typeof testConfig>;

/** Every password this test gives anyone: none may be in a mail. */
const passwords = { ana: 'first password of Ana 1', anaNew: 'typed new password 2', pepe: 'contraseña de Pepe 3', temporary: 'Tmp-9fK2-xQ7w', noMail: 'password of Nora 4' };
/** 7 March 2025, 09:05:03 UTC. */
const moment = Date.UTC(2025, 2, 7, 9, 5, 3);

beforeAll(async () => {
  mail = await startMailCatcher();
  config = testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey(), mail: { smtpUrl: mail.url, from: 'Gatehouse <no-reply@gatehouse.test>' } });
  services = await openTestServices(config);
  await services.persons.add({ name: 'ANA', password: passwords.ana, email: 'ana@example.com', first_name: 'Ana', family_name: 'Alves' });
  await services.persons.add({ name: 'PEPE', password: passwords.pepe, email: 'pepe@example.com', preferred_language: 'SPA' });
  await services.persons.add({ name: 'NORA', password: passwords.noMail });
});

afterAll(async () => {
  await services?.store.close();
  await mail?.close();
});

const stored = async (name: string): Promise<StoredPerson> => (await services.persons.findBySub((await services.persons.show(name)).sub))!;

/** Quoted-printable to UTF-8 text. */
const quotedPrintable = (text: string) => Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');

/** A received mail's subject and text, its transfer encodings undone (RFC 2047 words, quoted-printable, base64). */
function readMail(raw: string): { subject: string; text: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(split).trim();
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(headers)?.[1]?.trim() ?? '';
  const subject = header('Subject').replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_, encoding: string, words: string) =>
    encoding.toUpperCase() === 'B' ? Buffer.from(words, 'base64').toString('utf8') : quotedPrintable(words.replace(/_/g, ' ')));
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text = encoding === 'base64' ? Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8') : encoding === 'quoted-printable' ? quotedPrintable(body) : body;
  return { subject, text: text.replace(/\r\n/g, '\n') };
}

const mailsTo = (address: string) => mail.messages.filter((message) => message.to.includes(address));

async function sendAndRead(name: string, event: PasswordEvent) {
  const person = await stored(name);
  const before = mailsTo(person.email!).length;
  expect(await services.passwordNotices.send(person, event)).toBe(true);
  const received = mailsTo(person.email!);
  expect(received).toHaveLength(before + 1);
  return readMail(received.at(-1)!.raw);
}

test('English: a reset the person made after an email code, with when, from where and how, and whom to tell', async () => {
  await services.persons.setPassword('ANA', passwords.anaNew);
  const { subject, text } = await sendAndRead('ANA', { kind: 'password-reset', verifiedBy: 'email-code', address: '203.0.113.7', now: moment });
  expect(subject).toBe('Your password was reset');
  expect(text).toContain('Hello Ana Alves,');
  expect(text).toContain('On 7 March 2025 at 09:05:03 UTC the password of your account was reset.');
  expect(text).toContain('The request came from the network address 203.0.113.7.');
  expect(text).toContain('Whoever asked proved it was you with a code sent to your email address.');
  expect(text).toContain('If this wasn\'t you, contact your administrator at once');
  expect(text).not.toContain('temporary password');
});

test('English: a temporary password an administrator issued, shown on the screen', async () => {
  const { subject, text } = await sendAndRead('ANA', { kind: 'temporary-password-issued', verifiedBy: 'administrator', address: '198.51.100.20', now: moment, sentTo: 'screen' });
  expect(subject).toBe('A temporary password was issued for your account');
  expect(text).toContain('On 7 March 2025 at 09:05:03 UTC a temporary password was issued for your account.');
  expect(text).toContain('198.51.100.20');
  expect(text).toContain('This was done by an administrator.');
  expect(text).toContain('The temporary password was shown on the screen of whoever asked.');
});

test('Spanish, the person\'s language: a temporary password sent by SMS after an SMS code', async () => {
  await services.persons.setPassword('PEPE', passwords.temporary);
  const { subject, text } = await sendAndRead('PEPE', { kind: 'temporary-password-issued', verifiedBy: 'sms-code', address: '2001:db8::5', now: moment, sentTo: 'sms' });
  expect(subject).toBe('Se emitió una contraseña temporal para su cuenta');
  expect(text).toContain('Hola PEPE:');
  expect(text).toContain('El 7 de marzo de 2025 a las 9:05:03 UTC se emitió una contraseña temporal para su cuenta.');
  expect(text).toContain('La solicitud llegó desde la dirección de red 2001:db8::5.');
  expect(text).toContain('Quien lo pidió demostró ser usted con un código enviado por SMS a su teléfono móvil.');
  expect(text).toContain('La contraseña temporal se envió por SMS a su teléfono móvil.');
  expect(text).toContain('Si no fue usted, póngase en contacto de inmediato con su administrador');
  expect(text).not.toMatch(/password|Whoever/);
});

test('Spanish: the account re-enabled after the class\'s factors', async () => {
  const { subject, text } = await sendAndRead('PEPE', { kind: 'account-re-enabled', verifiedBy: 'factors', address: '192.0.2.44', now: moment });
  expect(subject).toBe('Se volvió a habilitar su cuenta');
  expect(text).toContain('El 7 de marzo de 2025 a las 9:05:03 UTC se volvió a habilitar su cuenta');
  expect(text).toContain('192.0.2.44');
  expect(text).toContain('con las comprobaciones adicionales de su cuenta');
});

test('English: a password sent with no check asked says so', async () => {
  const { text } = await sendAndRead('ANA', { kind: 'temporary-password-issued', verifiedBy: 'none', address: '203.0.113.9', now: moment, sentTo: 'email' });
  expect(text).toContain('No check was asked: the new password was sent to you only.');
  expect(text).toContain('The temporary password was sent in a separate email to this address.');
});

test('a person without an email address gets nothing, and false', async () => {
  const before = mail.messages.length;
  expect(await services.passwordNotices.send(await stored('NORA'), { kind: 'password-reset', verifiedBy: 'sms-code', address: '203.0.113.7' })).toBe(false);
  expect(mail.messages).toHaveLength(before);
});

test('a mail server that cannot be reached: false, and the log has the address masked, never in full, nor the text', async () => {
  const lines: string[] = [];
  const logger = createLogger('debug', new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(chunk.toString('utf8')); done(); } }));
  const unreachable = { ...config, mail: { smtpUrl: `smtp://127.0.0.1:${await freePort()}`, from: config.mail.from } };
  const notices = createPasswordNotices({ delivery: createDelivery(unreachable, logger, services.store.connection), logger });

  expect(await notices.send(await stored('ANA'), { kind: 'password-reset', verifiedBy: 'email-code', address: '203.0.113.7', now: moment })).toBe(false);

  const log = lines.join('');
  expect(log).toContain('password event notice could not be sent');
  expect(log).toContain('a***@example.com');
  expect(log).not.toContain('ana@example.com');
  expect(log).not.toContain('203.0.113.7');
  expect(log).not.toContain('March 2025');
});

test('no mail holds a password given anywhere in this test', () => {
  expect(mail.messages.length).toBeGreaterThanOrEqual(5);
  for (const message of mail.messages) {
    const { subject, text } = readMail(message.raw);
    for (const password of Object.values(passwords)) {
      for (const where of [message.raw, subject, text]) expect(where).not.toContain(password);
    }
  }
});
