import * as oidc from 'openid-client';
import { discoverRelyingParty, redirectUri, signIn } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let rp: oidc.Configuration;
const admin = { kind: 'cli', id: 'tester' } as const;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'app', redirect_uris: [redirectUri], first_party: true });
  rp = await discoverRelyingParty(gatehouse.issuer, 'app', clientSecret);
  await services.classes.add({ name: 'TOTP', text: 'USE TOTP IN MFA', mfa_device: 'E', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', factors: { MFA: { TOTP: 1 } }, question_count: 0, max_retries: 3, wait_seconds: 60 });
  await services.persons.add(
    { name: 'PEPE', default_user_id: 'PEPE', class: 'TOTP', first_name: 'PEPINO', family_name: 'CUEVAS', cell_phone: '444444444', employee_number: '5555', id_number: '555', preferred_language: 'ENG', password: 'pepino cuevas 1' },
    { actor: admin },
  );
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

test('every "Modify Person" field is stored and shown back; a bad value names the field and changes nothing', async () => {
  const updated = await services.persons.update('pepe', { birth_date: '2001-01-01', email: 'pepe@example.com', office_phone: '+34 91 555 0101', external_id: 'HR-77', ip_group: null }, { actor: admin });
  expect(updated).toMatchObject({ name: 'PEPE', class: 'TOTP', birth_date: '2001-01-01', email: 'pepe@example.com', office_phone: '+34 91 555 0101', external_id: 'HR-77', preferred_language: 'ENG', cell_phone: '444444444' });
  const before = await services.persons.show('PEPE');
  for (const [change, message] of [
    [{ birth_date: '010101' }, 'birth_date: a date as YYYY-MM-DD'],
    [{ email: 'VV' }, 'email: "VV" is not an email address'],
    [{ class: 'NOPE' }, 'class: there is no class "NOPE"'],
    [{ ip_group: 'NOPE' }, 'ip_group: there is no IP group "NOPE"'],
    [{ cell_phone: 'call me' }, 'cell_phone: a phone number'],
    [{ preferred_language: 'klingon' }, 'preferred_language: a language'],
    [{ name: 'OTHER' }, 'name: use rename'],
  ] as const) {
    await expect(services.persons.update('PEPE', change, { actor: admin })).rejects.toThrow(message);
  }
  expect(await services.persons.show('PEPE')).toEqual(before);
});

test('rename keeps the sub, the user IDs and the tokens already issued', async () => {
  // PEPE has no TOTP key yet: class *NEVER lets the password alone sign in for this test.
  await services.persons.update('PEPE', { class: '*NEVER' });
  const { tokens } = await signIn(rp, 'pepe', 'pepino cuevas 1');
  const sub = tokens.claims()!.sub;
  const renamed = await services.persons.rename('PEPE', 'PEPE2', { actor: admin });
  expect(renamed.sub).toBe(sub);
  expect(renamed.default_user_id).toBe('PEPE');
  await expect(services.persons.show('PEPE')).rejects.toThrow('There is no person "PEPE"');
  const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, sub);
  expect(userinfo.sub).toBe(sub);
  const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
  expect(refreshed.access_token).toBeTruthy();
  // The old name is free again; the new one is taken.
  await services.persons.add({ name: 'PEPE', default_user_id: 'pepe-new' });
  await expect(services.persons.rename('PEPE', 'pepe2')).rejects.toThrow('name: a person named "PEPE2" already exists');
  await services.persons.delete('PEPE');
  await services.persons.rename('PEPE2', 'PEPE', { actor: admin });
  await services.persons.update('PEPE', { class: 'TOTP' }, { actor: admin });
});

test('delete revokes the person\'s sessions, grants and tokens', async () => {
  await services.persons.add({ name: 'LOLA', password: 'lola flores 12' });
  const { tokens } = await signIn(rp, 'lola', 'lola flores 12');
  expect((await oidc.tokenIntrospection(rp, tokens.access_token)).active).toBe(true);
  await services.persons.delete('lola', { actor: admin });
  expect((await oidc.tokenIntrospection(rp, tokens.access_token)).active).toBe(false);
  await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  const left = await Promise.all(
    ['oidc_session', 'oidc_grant', 'oidc_access_token', 'oidc_refresh_token'].map((name) =>
      services.store.connection.collection(name).countDocuments({ 'payload.accountId': tokens.claims()!.sub }),
    ),
  );
  expect(left).toEqual([0, 0, 0, 0]);
  // Its user ID is free again.
  await services.persons.add({ name: 'LOLA2', default_user_id: 'lola' });
});

test('option 9: the plan of the source example is the TOTP challenge, or a denial without a key', async () => {
  const { plan, text } = await services.persons.plan('pepe', 'MFA');
  expect(plan).toMatchObject({ secondFactorRequired: true, denied: { reason: 'no-usable-factor' } });
  expect(text).toContain('class TOTP');
  await services.store.connection.collection('persons').updateOne({ nameKey: 'pepe' }, { $set: { totp: { state: 'active' } } });
  const active = await services.persons.plan('pepe', 'mfa');
  expect(active.plan.challenge).toEqual({ factor: 'TOTP', amr: ['otp'] });
  expect(active.plan.alternatives).toEqual([]);
  expect((await services.persons.plan('pepe', 'AOD')).plan.secondFactorRequired).toBe(false);
  await expect(services.persons.plan('pepe', 'XYZ')).rejects.toThrow('context: one of MFA, AOD, P-R');
});

test('"Work with Persons": free text, user ID, TOTP, MFA required, paging, sorted by name', async () => {
  for (const name of ['ZOE', 'ANNA', 'MARTA']) await services.persons.add({ name, default_user_id: `${name.toLowerCase()}-id`, class: '*NEVER', family_name: 'Smith' });
  const all = await services.persons.list({ pageSize: 500 });
  const names = all.items.map((p) => p.name);
  expect(names).toEqual(names.toSorted((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  expect((await services.persons.list({ q: 'smi' })).items.map((p) => p.name)).toEqual(['ANNA', 'MARTA', 'ZOE']);
  expect((await services.persons.list({ userId: 'MARTA-ID' })).items.map((p) => p.name)).toEqual(['MARTA']);
  expect((await services.persons.list({ totp: true })).items.map((p) => p.name)).toEqual(['PEPE']);
  const mfa = await services.persons.list({ mfa: true });
  expect(mfa.items.map((p) => p.name)).toContain('PEPE');
  expect(mfa.items.map((p) => p.name)).not.toContain('ZOE');
  expect((await services.persons.list({ mfa: false })).items.map((p) => p.name)).toEqual(expect.arrayContaining(['ANNA', 'MARTA', 'ZOE']));
  const page2 = await services.persons.list({ q: 'smith', page: 2, pageSize: 2 });
  expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
  expect(page2.items.map((p) => p.name)).toEqual(['ZOE']);
  await expect(services.persons.list({ pageSize: 501 })).rejects.toThrow('page_size');
  await expect(services.persons.list({ q: '.*' })).resolves.toMatchObject({ total: 0 });
});

test('every change is audited with its actor, and no password hash reaches the audit log', async () => {
  const sub = (await services.persons.show('PEPE')).sub;
  const entries = await services.audit.list({ entity: 'person', entityId: sub });
  expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['create', 'update', 'rename']));
  expect(entries.find((e) => e.action === 'create')!.actor).toEqual(admin);
  expect(JSON.stringify(entries)).not.toContain('$argon2');
});
