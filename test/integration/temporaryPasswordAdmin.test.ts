import { adminScriptToken, callAdminApi } from '../support/adminApi.ts';
import { cliWorkDir, runGatehouse, type Database } from '../support/gatehouseCli.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

// Temporary passwords issued by an admin through the CLI (`person passwd NAME --temporary`)
// and the admin API (`PUT /persons/{name}/password` with `{"temporary": true}`), on one
// running Gatehouse and its database: the password comes back once, the person view says
// until when it signs in, refused minutes change nothing, the audit log names the admin
// and never holds the password, and the directory's sign-in takes it only until it expires.

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let token: string;
let work: ReturnType<typeof cliWorkDir>;
let database: Database;
/** Every temporary password issued by this file: none may appear in the audit log. */
const issuedPasswords: string[] = [];

const minute = 60_000;
const firstPassword = 'the first long password';
const minutesRefusal = (field: string, got: string) => `${field}: a whole number of minutes from 1 to 999 (999 = no limit); got ${got}.`;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  token = await adminScriptToken(services, gatehouse.issuer);
  work = cliWorkDir();
  database = { MONGODB_URI: gatehouse.config.mongodbUri!, MASTER_KEY: gatehouse.config.masterKey! };
  await services.classes.add({ name: 'HALFHOUR', password_reset: { must_change_minutes: 30 } });
  await services.classes.add({ name: 'NOLIMIT', password_reset: { must_change_minutes: 999 } });
  await services.persons.add({ name: 'PEPE', default_user_id: 'pepe', class: 'HALFHOUR', password: firstPassword });
  await services.persons.add({ name: 'ANA', default_user_id: 'ana', class: 'NOLIMIT', password: firstPassword });
  await services.persons.add({ name: 'LUIS', default_user_id: 'luis', class: 'HALFHOUR', password: firstPassword });
}, 120_000);

afterAll(async () => {
  work?.remove();
  await services?.store.close();
  await gatehouse?.stop();
});

const gatehouseCli = (args: string[], input?: string) => runGatehouse(work.path, database, args, { input });
const setPassword = (name: string, body: unknown) => callAdminApi(gatehouse.issuer, `/persons/${name}/password`, { token, method: 'PUT', body });
const auditOf = async (name: string) => services.audit.list({ entity: 'person', entityId: (await services.persons.show(name)).sub, limit: 1000 });

/** An ISO time about `minutes` after `from` (the issue happened between `from` and now). */
function expectExpiry(expiresAt: string, from: number, minutes: number): void {
  const at = Date.parse(expiresAt);
  expect(at).toBeGreaterThanOrEqual(from + minutes * minute - 1000);
  expect(at).toBeLessThanOrEqual(Date.now() + minutes * minute);
}

/** The person as shown and how many audit entries are about them: what a refusal must leave as it was. */
async function snapshot(name: string) {
  return { person: await services.persons.show(name), audit: (await auditOf(name)).length };
}

describe('CLI: gatehouse person passwd NAME --temporary', () => {
  test('--json gives the password once and when it expires (the class\'s 30 minutes); the person view, the sign-in and the audit log agree', async () => {
    const before = Date.now();
    const result = await gatehouseCli(['person', 'passwd', 'pepe', '--temporary', '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const issued = JSON.parse(result.stdout);
    expect(Object.keys(issued).toSorted()).toEqual(['expires_at', 'password']);
    expect(issued.password).toMatch(/^[a-zA-Z2-9]{4}(-[a-zA-Z2-9]{4}){3}$/);
    issuedPasswords.push(issued.password);
    expectExpiry(issued.expires_at, before, 30);

    const shown = await services.persons.show('PEPE');
    expect(shown.temporary_password).toEqual({ issued_at: expect.any(String), expires_at: issued.expires_at });
    expect(Date.parse(shown.temporary_password!.issued_at)).toBe(Date.parse(issued.expires_at) - 30 * minute);
    await expect(services.persons.authenticate('pepe', firstPassword)).resolves.toBeUndefined();
    await expect(services.persons.authenticate('pepe', issued.password)).resolves.toMatchObject({ name: 'PEPE' });

    const [entry] = await auditOf('PEPE');
    expect(entry).toMatchObject({ action: 'temporary-password', actor: { kind: 'cli' }, after: { name: 'PEPE', reason: 'admin', expires_at: issued.expires_at } });

    // `person show` tells it too, in words and as JSON.
    expect((await gatehouseCli(['person', 'show', 'PEPE'])).stdout).toMatch(new RegExp(`Password\\s+temporary, signs in until ${issued.expires_at.slice(0, 16).replace('T', ' ')} UTC`));
  });

  test('in words: the password on a line of its own, until when, and to give it by a safe way; --minutes and 999 (no time limit)', async () => {
    const before = Date.now();
    const result = await gatehouseCli(['person', 'passwd', 'PEPE', '--temporary', '--minutes', '5']);
    expect(result.code).toBe(0);
    const password = /^ {2}(\S+)$/m.exec(result.stdout)?.[1];
    expect(password).toBeDefined();
    issuedPasswords.push(password!);
    expect(result.stdout).toContain('Temporary password of "PEPE" (shown only this once):');
    expect(result.stdout).toContain('by a safe way');
    const { temporary_password: temporary } = await services.persons.show('PEPE');
    expectExpiry(temporary!.expires_at!, before, 5);
    expect(result.stdout).toContain(`It signs in until ${temporary!.expires_at!.slice(0, 16).replace('T', ' ')} UTC`);
    await expect(services.persons.authenticate('pepe', password!)).resolves.toMatchObject({ name: 'PEPE' });

    // ANA's class gives 999: no time limit; so does --minutes 999 for anyone.
    const ana = await gatehouseCli(['person', 'passwd', 'ANA', '--temporary', '--json']);
    const anaIssued = JSON.parse(ana.stdout);
    issuedPasswords.push(anaIssued.password);
    expect(anaIssued.expires_at).toBeNull();
    expect((await services.persons.show('ANA')).temporary_password).toEqual({ issued_at: expect.any(String) });
    const words = await gatehouseCli(['person', 'passwd', 'LUIS', '--temporary', '--minutes', '999']);
    issuedPasswords.push(/^ {2}(\S+)$/m.exec(words.stdout)![1]!);
    expect(words.stdout).toContain('It has no time limit.');
    expect((await services.persons.show('LUIS')).temporary_password?.expires_at).toBeUndefined();
  });

  test('minutes 0, 1000 and "x", --minutes without --temporary, --temporary with --password-stdin and an unknown person are refused; nothing changes', async () => {
    const before = await snapshot('PEPE');
    for (const value of ['0', '1000', 'x', '1.5', '']) {
      const refused = await gatehouseCli(['person', 'passwd', 'PEPE', '--temporary', '--minutes', value]);
      expect({ value, code: refused.code, stderr: refused.stderr.trim(), stdout: refused.stdout }).toEqual({ value, code: 1, stderr: minutesRefusal('--minutes', JSON.stringify(value)), stdout: '' });
    }
    const json = await gatehouseCli(['person', 'passwd', 'PEPE', '--temporary', '--minutes', '0', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ error: minutesRefusal('--minutes', '"0"') });

    const alone = await gatehouseCli(['person', 'passwd', 'PEPE', '--minutes', '10', '--password-stdin'], 'a typed long password');
    expect(alone.code).toBe(2);
    expect(alone.stderr.trim()).toBe('person passwd: --minutes goes with --temporary (how long the temporary password signs in).');
    const both = await gatehouseCli(['person', 'passwd', 'PEPE', '--temporary', '--password-stdin'], 'a typed long password');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--temporary or --password-stdin, not both');
    const nobody = await gatehouseCli(['person', 'passwd', 'NOBODY', '--temporary']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr.trim()).toBe('There is no person "NOBODY".');
    await expect(services.persons.authenticate('pepe', 'a typed long password')).resolves.toBeUndefined();
    expect(await snapshot('PEPE')).toEqual(before);
  });

  test('the help says how', async () => {
    const help = await gatehouseCli(['person', 'passwd', '--help']);
    expect(help.stdout).toContain('--temporary');
    expect(help.stdout).toContain('--minutes <n>');
  });
});

describe('admin API: PUT /persons/{name}/password with {"temporary": true}', () => {
  test('200 with the password and when it expires, once; the view shows temporary_password; audited with the client, never the password', async () => {
    const before = Date.now();
    const answer = await setPassword('pepe', { temporary: true });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).toSorted()).toEqual(['expires_at', 'password']);
    issuedPasswords.push(answer.body.password);
    expectExpiry(answer.body.expires_at, before, 30);
    const shown = await callAdminApi(gatehouse.issuer, '/persons/PEPE', { token });
    expect(shown.body.temporary_password).toEqual({ issued_at: expect.any(String), expires_at: answer.body.expires_at });
    expect(JSON.stringify(shown.body)).not.toContain(answer.body.password);
    await expect(services.persons.authenticate('pepe', answer.body.password)).resolves.toMatchObject({ name: 'PEPE' });
    expect((await auditOf('PEPE'))[0]).toMatchObject({ action: 'temporary-password', actor: { kind: 'api-client', id: 'ops-script' }, after: { expires_at: answer.body.expires_at } });

    // Another one replaces it: the first stops working at once.
    const minutes = await setPassword('PEPE', { temporary: true, minutes: 90 });
    expect(minutes.status).toBe(200);
    issuedPasswords.push(minutes.body.password);
    expectExpiry(minutes.body.expires_at, before, 90);
    await expect(services.persons.authenticate('pepe', answer.body.password)).resolves.toBeUndefined();
    const noLimit = await setPassword('PEPE', { temporary: true, minutes: 999 });
    issuedPasswords.push(noLimit.body.password);
    expect(noLimit.body.expires_at).toBeNull();
    expect((await services.persons.show('PEPE')).temporary_password).toEqual({ issued_at: expect.any(String) });
  });

  test('bad minutes and bodies that are not exactly one of password / temporary are refused with 400 naming the field; nothing changes', async () => {
    const before = await snapshot('PEPE');
    const refusals: [unknown, string][] = [
      [{ temporary: true, minutes: 0 }, minutesRefusal('minutes', '0')],
      [{ temporary: true, minutes: 1000 }, minutesRefusal('minutes', '1000')],
      [{ temporary: true, minutes: 1.5 }, minutesRefusal('minutes', '1.5')],
      [{ temporary: true, minutes: 'x' }, 'minutes: a number of minutes from 1 to 999 (999 = no limit); got "x".'],
      [{ temporary: true, minutes: '60' }, 'minutes: a number of minutes from 1 to 999 (999 = no limit); got "60".'],
      [{ temporary: true, password: 'a long password of mine' }, 'password: not with "temporary": true; give either a password or "temporary": true.'],
      [{ temporary: false }, 'temporary: true, or left out to give a password; got false.'],
      [{ minutes: 30 }, 'minutes: only with "temporary": true.'],
      [{ password: 'a long password of mine', minutes: 30 }, 'minutes: only with "temporary": true.'],
      [{}, 'password: required, a text (or "temporary": true for a password made by Gatehouse).'],
      [{ temporary: true, days: 1 }, 'days: not a field of this request (known: password, temporary, minutes).'],
    ];
    for (const [body, message] of refusals) {
      const answer = await setPassword('PEPE', body);
      expect({ body, status: answer.status, answer: answer.body }).toEqual({ body, status: 400, answer: { error: 'invalid_request', error_description: message } });
    }
    await expect(services.persons.authenticate('pepe', 'a long password of mine')).resolves.toBeUndefined();
    expect(await snapshot('PEPE')).toEqual(before);
    expect(await setPassword('NOBODY', { temporary: true })).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  test('a password of the admin\'s choosing is still 204, and ends the temporary one', async () => {
    const answer = await setPassword('PEPE', { password: 'an admin chosen password' });
    expect(answer.status).toBe(204);
    const shown = await services.persons.show('PEPE');
    expect(shown.temporary_password).toBeUndefined();
    await expect(services.persons.authenticate('pepe', 'an admin chosen password')).resolves.toMatchObject({ name: 'PEPE' });
  });

  test('the OpenAPI document describes both answers and the temporary_password of the person view', async () => {
    const document = (await callAdminApi(gatehouse.issuer, '/openapi.json')).body;
    const operation = document.paths['/persons/{name}/password'].put;
    expect(operation.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/TemporaryPassword' });
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '204', '400', '404']));
    expect(document.components.schemas.TemporaryPassword.required).toEqual(['password', 'expires_at']);
    expect(document.components.schemas.PersonView.properties.temporary_password.properties).toEqual({ issued_at: expect.any(Object), expires_at: expect.any(Object) });
  });
});

describe('sign-in with a temporary password', () => {
  test('it authenticates before it expires and is refused after, as a wrong password', async () => {
    const luis = (await services.persons.findByUserId('luis'))!;
    const actor = { kind: 'cli' as const, id: 'test' };
    const fresh = await services.temporaryPasswords.issue(luis, { minutes: 1, actor, reason: 'admin' });
    issuedPasswords.push(fresh.password);
    await expect(services.persons.authenticate('luis', fresh.password)).resolves.toMatchObject({ name: 'LUIS' });

    const past = await services.temporaryPasswords.issue(luis, { minutes: 1, actor, reason: 'admin', now: Date.now() - 2 * minute });
    issuedPasswords.push(past.password);
    expect(Date.parse((await services.persons.show('LUIS')).temporary_password!.expires_at!)).toBeLessThan(Date.now());
    await expect(services.persons.authenticate('luis', past.password)).resolves.toBeUndefined();
    await expect(services.persons.authenticate('luis', fresh.password)).resolves.toBeUndefined();
  });
});

test('no temporary password issued by this file appears anywhere in the audit log', async () => {
  expect(issuedPasswords).toHaveLength(9);
  const everything = JSON.stringify(await services.audit.list({ limit: 1000 }));
  expect(everything).toContain('temporary-password');
  for (const password of issuedPasswords) {
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(password.replaceAll('-', ''));
  }
});

test('the person is told by email that an administrator issued a temporary password, never what it is', async () => {
  await services.persons.add({ name: 'MAILED', default_user_id: 'mailed', class: 'HALFHOUR', password: firstPassword, email: 'mailed@example.com', preferred_language: 'SPA' });
  const response = await setPassword('MAILED', { temporary: true });
  expect(response.status).toBe(200);
  const { password } = response.body as { password: string };
  issuedPasswords.push(password);
  const mail = (await services.devOutbox.list()).find((message) => message.to === 'mailed@example.com');
  expect(mail).toBeDefined();
  expect(JSON.stringify(mail)).toMatch(/contraseña temporal/);
  expect(JSON.stringify(mail)).toMatch(/administrador/);
  expect(JSON.stringify(mail)).not.toContain(password);
});
