import mongoose from 'mongoose';
import * as oidc from 'openid-client';
import { createAccountSessions } from '../../src/account/accountSessions.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { startMailCatcher } from '../support/mailCatcher.ts';
import { discoverRelyingParty, redirectUri, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

/**
 * Acceptance (issue 5): a dump of the database after the tests contains no TOTP key, emergency
 * token, password, one-time code or link token in plain text. The dump is taken with the
 * raw MongoDB driver over a connection of its own, not through the models, so nothing is
 * filtered; binary fields are searched as text, base64 and hex too.
 */

const { MongoClient, Binary, ObjectId } = mongoose.mongo;

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let mail: Awaited<ReturnType<typeof startMailCatcher>>;
let client: InstanceType<typeof MongoClient>;

const personName = 'DUMPTRUCK';
const password = 'Plain-Text-Password-7731';
const answers = ['Bartholomew the Hamster', 'Villarreal de los Infantes'];
let totpSecret: string;
let emergencyTokens: string[];
let clientSecret: string;
let emailedCode: string;
let linkToken: string;
/** Keys a person is setting up: offered during a sign-in, and on the account page; both wait sealed. */
let setupSecrets: string[];
/** Bearer values of the provider: tokens, the code, session cookies, interaction ids (one sign-in still in progress). */
let bearerValues: Record<string, string[]>;

type Dump = {
  /** Every collection: its name and documents as extended JSON (canonical), binaries with base64. */
  json: string;
  /** Every string value anywhere in the documents, and binaries decoded as latin1 and utf8. */
  strings: string[];
  /** Every binary value as base64 and as hex. */
  encodedBinaries: string[];
  collections: Map<string, unknown[]>;
};

/** The test database's name, from its URI (a database of its own for this file). */
const databaseName = () => new URL(gatehouse.config.mongodbUri!).pathname.slice(1);

async function dumpDatabase(): Promise<Dump> {
  const db = client.db(databaseName());
  const collections = new Map<string, unknown[]>();
  const strings: string[] = [];
  const encodedBinaries: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (value instanceof Binary || Buffer.isBuffer(value) || value instanceof Uint8Array) {
      const bytes = value instanceof Binary ? Buffer.from(value.buffer) : Buffer.from(value);
      strings.push(bytes.toString('latin1'), bytes.toString('utf8'));
      encodedBinaries.push(bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex'));
    } else if (value instanceof ObjectId || value instanceof Date) return;
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  for (const { name } of await db.listCollections().toArray()) {
    const documents = await db.collection(name).find({}).toArray();
    collections.set(name, documents);
    documents.forEach(visit);
  }
  const json = mongoose.mongo.BSON.EJSON.stringify(Object.fromEntries(collections), { relaxed: false });
  return { json, strings, encodedBinaries, collections };
}

/** Every way a secret might have been written in plain text. */
function formsOf(secret: string): string[] {
  const forms = new Set([secret, secret.toLowerCase(), secret.toUpperCase()]);
  for (const form of forms) {
    forms.add(form.replace(/=+$/, ''));
    forms.add(form.replace(/[-\s]/g, ''));
  }
  forms.add(Buffer.from(secret).toString('base64'));
  forms.add(Buffer.from(secret).toString('hex'));
  return [...forms].filter((form) => form.length >= 6);
}

/** The interaction uids in the URLs a browser visited. */
const interactionIds = (visited: string[]) => visited.map((url) => /\/interaction\/([^/?#]+)/.exec(url)?.[1]).filter((uid): uid is string => Boolean(uid));

function findings(dump: Dump, secrets: Record<string, string[]>): string[] {
  const haystacks = [dump.json, ...dump.strings, ...dump.encodedBinaries];
  const found: string[] = [];
  for (const [what, values] of Object.entries(secrets)) {
    for (const value of values) {
      for (const form of formsOf(value)) {
        if (haystacks.some((haystack) => haystack.includes(form))) found.push(`${what}: ${form}`);
      }
    }
  }
  return found;
}

beforeAll(async () => {
  mail = await startMailCatcher();
  gatehouse = await startTestGatehouse({ config: { mail: { smtpUrl: mail.url, from: 'Gatehouse <no-reply@gatehouse.test>' } } });
  services = await openTestServices(gatehouse.config);
  client = await new MongoClient(gatehouse.config.mongodbUri!).connect();

  const added = await services.clients.add({ client_id: 'dump-app', redirect_uris: [redirectUri], first_party: true });
  if (!added.clientSecret) throw new Error('A confidential client was expected to get a secret.');
  clientSecret = added.clientSecret;
  await services.classes.add({
    name: 'MAILOTP', mfa_device: 'E', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 3, wait_seconds: 60,
    factors: { MFA: { OTP: 1 } },
  });
  await services.persons.add({ name: personName, class: 'MAILOTP', email: 'dump@example.com', password });
  const { sub } = await services.persons.show(personName);
  totpSecret = services.totp.generateSecret();
  await services.totp.setKey(sub, { secret: totpSecret, state: 'active' }, {});
  emergencyTokens = await services.emergencyTokens.recreate(sub, {});
  // A registration link's token (the link itself is only ever emailed).
  ({ token: linkToken } = await services.registrationLinks.issue(sub, 'dump-key'));
  await services.questions.setAnswers(sub, [
    { question: 'First pet?', answer: answers[0]! },
    { question: 'Birth town?', answer: answers[1]! },
  ], {});

  // One sign-in with a one-time code sent by email, so a code is generated, stored and delivered.
  const rp: oidc.Configuration = await discoverRelyingParty(gatehouse.issuer, 'dump-app', clientSecret);
  const browser = new FormBrowser(redirectUri);
  const request = await startAuthorization(rp);
  await browser.open(request.url.toString());
  await browser.submit(browser.formAction('/login'), { username: personName.toLowerCase(), password });
  emailedCode = mail.lastCodeTo('dump@example.com')!;
  expect(emailedCode).toMatch(/^\d{6}$/);
  const at = await browser.submit(browser.formAction('/verify'), { code: emailedCode });
  expect(at.startsWith(redirectUri)).toBe(true);
  const tokens = await oidc.authorizationCodeGrant(rp, new URL(at), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });
  expect(tokens.claims()!.amr).toContain('otp');
  bearerValues = {
    'access token': [tokens.access_token],
    'refresh token': [tokens.refresh_token!],
    'authorization code': [new URL(at).searchParams.get('code')!],
    'session id': [browser.cookie(gatehouse.issuer, '_session')!],
    'interaction id': interactionIds(browser.visited),
  };

  // A second person stops at the setup step offered after an email code (rule 6): its key waits in sign_in_progress.
  await services.classes.add({
    name: 'APPLATER', mfa_device: 'E', no_screen_channel: 'E', allow_otp_instead_of_totp: 'Y', question_count: 0, max_retries: 3, wait_seconds: 60,
    factors: { MFA: { TOTP: 1 } },
  });
  await services.persons.add({ name: 'SETUPVAN', class: 'APPLATER', email: 'setup@example.com', password });
  const enrolling = new FormBrowser(redirectUri);
  await enrolling.open((await startAuthorization(rp)).url.toString());
  await enrolling.submit(enrolling.formAction('/login'), { username: 'setupvan', password });
  await enrolling.submit(enrolling.formAction('/verify'), { code: mail.lastCodeTo('setup@example.com')! });
  const offered = /data-testid="totp-key">([\s\S]*?)<\/p>/.exec(enrolling.lastPage)?.[1]?.replace(/<[^>]+>|\s/g, '');
  expect(offered).toMatch(/^[A-Z2-7]{32}$/);
  // And one is being set up on the account page: it waits in the account session.
  const { sub: vanSub } = await services.persons.show('SETUPVAN');
  const sessions = createAccountSessions(services.store.connection);
  const candidate = services.totp.newCandidate(vanSub);
  await sessions.setTotpCandidate(await sessions.open({ sub: vanSub, authTime: new Date(), amr: ['pwd', 'otp'] }), candidate);
  setupSecrets = [offered!, services.totp.openCandidate(vanSub, candidate).secret];
  bearerValues['interaction id']!.push(...interactionIds(enrolling.visited));
});

afterAll(async () => {
  await client?.close();
  await services?.store.close();
  await gatehouse?.stop();
  await mail?.close();
});

test('the seeded secrets exist and the dump covers the collections they live in (positive control)', async () => {
  const dump = await dumpDatabase();
  // The collections where the seeded secrets are kept (sealed or hashed) are in the dump and not empty.
  for (const name of ['persons', 'clients', 'person_keys', 'emergency_tokens', 'one_time_codes', 'registration_links', 'sign_in_progress', 'account_sessions']) {
    expect([name, (dump.collections.get(name) ?? []).length > 0]).toEqual([name, true]);
  }
  expect(dump.json).toContain(personName);
  expect(dump.json).toContain('dump@example.com');
  expect(dump.json).toContain('dump-app');
  // The search itself finds what is there: the person's name is reported as a finding.
  expect(findings(dump, { control: [personName] })).not.toHaveLength(0);
  expect(totpSecret).toMatch(/^[A-Z2-7]+=*$/);
  expect(emergencyTokens.length).toBeGreaterThan(0);
  expect(linkToken.length).toBeGreaterThan(20);
});

test('no password, TOTP key, emergency token, private answer or client secret in plain text', async () => {
  const dump = await dumpDatabase();
  expect(findings(dump, {
    password: [password],
    'TOTP key': [totpSecret],
    'TOTP key being set up': setupSecrets,
    'emergency token': emergencyTokens,
    'private answer': [...answers, ...answers.map((answer) => answer.toLowerCase().replace(/\s+/g, ' '))],
    'client secret': [clientSecret],
    'link token': [linkToken],
  })).toEqual([]);
});

test('no one-time code in plain text; with SMTP configured the development outbox stays empty', async () => {
  const dump = await dumpDatabase();
  expect(dump.collections.get('dev_outbox') ?? []).toHaveLength(0);
  // Six digits also occur by chance inside numbers and identifiers: look for the code as a whole word in string values.
  const code = new RegExp(`(?<![0-9A-Za-z])${emailedCode}(?![0-9A-Za-z])`);
  const where = dump.strings.filter((value) => code.test(value));
  expect(where).toEqual([]);
  expect(dump.encodedBinaries.filter((value) => value.includes(Buffer.from(emailedCode).toString('hex')))).toEqual([]);
  // The control: the same search finds the code where it is in plain text, in the delivered mail.
  expect(mail.messages.some((message) => code.test(message.raw.replace(/=\r?\n/g, '')))).toBe(true);
});

test('the search is fail-able: secrets planted as a string, inside a binary and as base64 are all found', async () => {
  const db = client.db(databaseName());
  const canary = db.collection('zz_dump_canary');
  await canary.insertOne({ note: `saved ${password} by mistake`, nested: { key: new Binary(Buffer.from(totpSecret.toLowerCase())) }, token: Buffer.from(emergencyTokens[0]!).toString('base64') });
  try {
    const found = findings(await dumpDatabase(), { password: [password], 'TOTP key': [totpSecret], 'emergency token': [emergencyTokens[0]!] });
    expect(found).toEqual(expect.arrayContaining([`password: ${password}`, `TOTP key: ${totpSecret.toLowerCase()}`, `emergency token: ${Buffer.from(emergencyTokens[0]!).toString('base64')}`]));
  } finally {
    await canary.drop();
  }
});

test('no token, authorization code, session id or interaction id of the provider, even of a sign-in in progress', async () => {
  const dump = await dumpDatabase();
  for (const [what, values] of Object.entries(bearerValues)) expect([what, values.length > 0 && values.every((value) => value.length >= 20)]).toEqual([what, true]);
  for (const name of ['oidc_session', 'oidc_access_token', 'oidc_refresh_token', 'oidc_interaction', 'oidc_consumption', 'sign_in_progress', 'one_time_codes']) {
    expect([name, (dump.collections.get(name) ?? []).length > 0]).toEqual([name, true]);
  }
  expect(findings(dump, bearerValues)).toEqual([]);
});
