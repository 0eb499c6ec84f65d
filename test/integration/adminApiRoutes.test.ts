import { adminScriptToken, callAdminApi, type AdminAnswer } from '../support/adminApi.ts';
import { discoverRelyingParty, redirectUri, signIn } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let token: string;

const password = 'correct horse battery';
const opsActor = { kind: 'api-client', id: 'ops-script' };

const api = (path: string, options: Parameters<typeof callAdminApi>[2] = {}) => callAdminApi(gatehouse.issuer, path, { token, ...options });
const send = (method: string, path: string, body?: unknown) => api(path, { method, ...(body === undefined ? {} : { body }) });

/** A 4xx answer: its status, error code and description. */
const refusal = ({ status, body }: AdminAnswer) => ({ status, error: body?.error, error_description: body?.error_description });
const invalid = (field: string) => ({ status: 400, error: 'invalid_request', error_description: expect.stringMatching(new RegExp(`^${field}: `)) });

const auditOf = (entity: 'person' | 'class' | 'ipgroup' | 'client' | 'settings', entityId: string) => services.audit.list({ entity, entityId });

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  token = await adminScriptToken(services, gatehouse.issuer);
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

describe('persons', () => {
  test('POST /persons creates the person (201), stored and audited with the API client as actor', async () => {
    const answer = await send('POST', '/persons', { name: 'PEPE', password, first_name: 'PEPINO', email: 'pepe@example.com', roles: ['admin'] });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('location')).toBe('/admin/api/persons/PEPE');
    expect(answer.body).toMatchObject({ name: 'PEPE', first_name: 'PEPINO', email: 'pepe@example.com', has_password: true, sub: expect.any(String) });
    expect(JSON.stringify(answer.body)).not.toContain(password);

    const stored = await services.persons.show('pepe');
    expect(stored).toMatchObject({ sub: answer.body.sub, email: 'pepe@example.com' });
    expect(await services.persons.authenticate('PEPE', password)).toMatchObject({ _id: answer.body.sub });
    const [entry] = await auditOf('person', answer.body.sub);
    expect(entry).toMatchObject({ action: 'create', actor: opsActor });
  });

  test('an invalid body is refused with 400 naming the field, and nothing is stored', async () => {
    const before = (await services.audit.list({ entity: 'person' })).length;
    expect(refusal(await send('POST', '/persons', { name: 'ZED', email: 'not an address' }))).toEqual(invalid('email'));
    expect(refusal(await send('POST', '/persons', { name: 'ZED', password: 'short' }))).toEqual(invalid('password'));
    expect(refusal(await send('POST', '/persons', { name: 'ZED', default_user_id: 'zed.zimmermann', password: 'ZED.Zimmermann' }))).toEqual({
      status: 400,
      error: 'invalid_request',
      error_description: 'password: it must not be a user ID of the person.',
    });
    expect(refusal(await send('POST', '/persons', { name: 'ZED', colour: 'blue' }))).toEqual(invalid('colour'));
    expect(refusal(await send('POST', '/persons', { email: 'zed@example.com' }))).toEqual(invalid('name'));
    await expect(services.persons.show('ZED')).rejects.toMatchObject({ status: 404 });
    expect((await services.persons.list({ q: 'zed' })).total).toBe(0);
    expect(await services.audit.list({ entity: 'person' })).toHaveLength(before);
  });

  test('a name that is taken: 409', async () => {
    await send('POST', '/persons', { name: 'TAKEN' });
    expect(refusal(await send('POST', '/persons', { name: 'taken' }))).toMatchObject({ status: 409, error: 'conflict' });
  });

  test('GET /persons filters and pages; bad or unknown parameters are refused', async () => {
    for (const name of ['LIST1', 'LIST2', 'LIST3']) await send('POST', '/persons', { name, default_user_id: `${name.toLowerCase()}.id`, family_name: 'LISTER' });
    const all = await api('/persons?q=lister');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, page: 1, page_size: 50 });
    expect(all.body.items.map((p: { name: string }) => p.name)).toEqual(['LIST1', 'LIST2', 'LIST3']);
    const second = await api('/persons?q=lister&page=2&page_size=2');
    expect(second.body).toMatchObject({ total: 3, page: 2, page_size: 2 });
    expect(second.body.items.map((p: { name: string }) => p.name)).toEqual(['LIST3']);
    expect((await api('/persons?user_id=LIST2.ID')).body.items.map((p: { name: string }) => p.name)).toEqual(['LIST2']);
    expect((await api('/persons?q=lister&totp=N&questions=n&mfa=N')).body.total).toBe(3);
    expect((await api('/persons?q=lister&totp=Y')).body.total).toBe(0);

    expect(refusal(await api('/persons?totp=maybe'))).toEqual(invalid('totp'));
    expect(refusal(await api('/persons?page=0'))).toEqual(invalid('page'));
    expect(refusal(await api('/persons?page_size=100000'))).toEqual(invalid('page_size'));
    expect(refusal(await api('/persons?colour=blue'))).toEqual(invalid('colour'));
    expect(refusal(await api('/persons?q=a&q=b'))).toEqual(invalid('q'));
  });

  test('GET, PATCH, rename, password, plan and DELETE of one person', async () => {
    const { sub } = (await send('POST', '/persons', { name: 'ANA', password, email: 'ana@example.com' })).body;
    expect((await api('/persons/ana')).body).toMatchObject({ sub, name: 'ANA' });
    expect(refusal(await api('/persons/NOBODY'))).toMatchObject({ status: 404, error: 'not_found' });

    const patched = await send('PATCH', '/persons/ANA', { first_name: 'ANITA', email: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ sub, first_name: 'ANITA' });
    expect(patched.body.email).toBeUndefined();
    expect(refusal(await send('PATCH', '/persons/ANA', { email: 'nope' }))).toEqual(invalid('email'));
    expect(refusal(await send('PATCH', '/persons/NOBODY', { first_name: 'X' }))).toMatchObject({ status: 404 });
    expect((await services.persons.show('ANA')).first_name).toBe('ANITA');

    const renamed = await send('POST', '/persons/ana/rename', { new_name: 'ANNA' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ sub, name: 'ANNA' });
    expect(refusal(await send('POST', '/persons/ANNA/rename', {}))).toEqual(invalid('new_name'));
    expect(refusal(await send('POST', '/persons/ANNA/rename', { new_name: 'B', extra: 1 }))).toEqual(invalid('extra'));
    expect(refusal(await send('POST', '/persons/ANNA/rename', { new_name: 'has space' }))).toEqual(invalid('new_name'));

    expect(refusal(await send('PUT', '/persons/ANNA/password', { password: 'short' }))).toEqual(invalid('password'));
    expect(refusal(await send('PUT', '/persons/ANNA/password', {}))).toEqual(invalid('password'));
    // Each password rule refuses with its own sentence, and the password stays as it was.
    const refusedPasswords: [unknown, string][] = [
      ['short', 'password: at least 12 characters are needed; this one has 5.'],
      ['ñ'.repeat(257), 'password: at most 256 characters are allowed; this one has 257.'],
      ['Password1234', 'password: it is on the list of common and breached passwords; choose another.'],
    ];
    for (const [refusedPassword, description] of refusedPasswords) {
      expect(refusal(await send('PUT', '/persons/ANNA/password', { password: refusedPassword }))).toEqual({ status: 400, error: 'invalid_request', error_description: description });
    }
    expect(await services.persons.authenticate('ANA', password)).toMatchObject({ _id: sub });
    expect((await auditOf('person', sub)).filter((entry) => entry.action === 'set-password')).toEqual([]);
    const newPassword = 'a brand new passphrase';
    expect((await send('PUT', '/persons/ANNA/password', { password: newPassword })).status).toBe(204);
    expect(await services.persons.authenticate('ANA', newPassword)).toMatchObject({ _id: sub });

    const plan = await api('/persons/ANNA/plan?context=MFA');
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({ plan: { context: 'MFA' }, text: expect.any(String) });
    expect((await api('/persons/ANNA/plan')).body.plan.context).toBe('MFA');
    expect((await api('/persons/ANNA/plan?context=P-R')).body.plan.context).toBe('P-R');
    expect(refusal(await api('/persons/ANNA/plan?context=XYZ'))).toEqual(invalid('context'));

    expect((await send('DELETE', '/persons/ANNA')).status).toBe(204);
    await expect(services.persons.show('ANNA')).rejects.toMatchObject({ status: 404 });
    expect(refusal(await send('DELETE', '/persons/ANNA'))).toMatchObject({ status: 404, error: 'not_found' });

    const actions = (await auditOf('person', sub)).map((entry) => [entry.action, entry.actor]);
    expect(actions).toEqual([
      ['delete', opsActor],
      ['set-password', opsActor],
      ['rename', opsActor],
      ['update', opsActor],
      ['create', opsActor],
    ]);
  });

  test('a person with the admin role calling the API is the actor of its changes', async () => {
    await services.persons.add({ name: 'ADA', password, roles: ['admin'] });
    const { clientSecret } = await services.clients.add({ client_id: 'console', redirect_uris: [redirectUri], first_party: true });
    const rp = await discoverRelyingParty(gatehouse.issuer, 'console', clientSecret);
    const { tokens } = await signIn(rp, 'ADA', password, { scope: 'openid admin' });
    const created = await callAdminApi(gatehouse.issuer, '/persons', { token: tokens.access_token, method: 'POST', body: { name: 'BY_ADA' } });
    expect(created.status).toBe(201);
    const [entry] = await auditOf('person', created.body.sub);
    expect(entry!.actor).toEqual({ kind: 'api-person', id: tokens.claims()!.sub, name: 'ADA' });
  });
});

describe('clients', () => {
  test('POST returns the secret once; GET lists without secrets; DELETE removes', async () => {
    const created = await send('POST', '/clients', { client_id: 'shop', client_name: 'Shop', redirect_uris: ['https://shop.example.com/cb'] });
    expect(created.status).toBe(201);
    expect(created.body.client).toMatchObject({ client_id: 'shop', admin_api: false, first_party: false });
    expect(created.body.client_secret).toEqual(expect.any(String));
    expect((await services.clients.providerMetadata('shop'))!.client_secret).toBe(created.body.client_secret);

    const listed = await api('/clients');
    const ids = () => services.clients.list().then((clients) => clients.map((c) => c.client_id));
    const before = await ids();
    expect(listed.body.items.map((c: { client_id: string }) => c.client_id)).toEqual(before);
    expect(before).toContain('shop');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.client_secret);

    expect(refusal(await send('POST', '/clients', { client_id: 'shop', redirect_uris: ['https://shop.example.com/cb'] }))).toMatchObject({ status: 409, error: 'conflict' });
    expect(refusal(await send('POST', '/clients', { client_id: 'bad', redirect_uris: ['http://shop.example.com/cb'] }))).toEqual(invalid('redirect_uris'));
    expect(refusal(await send('POST', '/clients', { client_id: 'spa', redirect_uris: ['https://spa.example.com/cb'], token_endpoint_auth_method: 'none', admin_api: true }))).toEqual(invalid('admin_api'));
    expect(refusal(await send('POST', '/clients', { client_id: 'web', redirect_uris: ['https://web.example.com/cb'], admin_api: true }))).toEqual(invalid('admin_api'));
    expect(await ids()).toEqual(before);

    const robot = await send('POST', '/clients', { client_id: 'robot', grant_types: ['client_credentials'], admin_api: true });
    expect(robot.body.client).toMatchObject({ admin_api: true, grant_types: ['client_credentials'] });

    expect((await send('DELETE', '/clients/shop')).status).toBe(204);
    expect(refusal(await send('DELETE', '/clients/shop'))).toMatchObject({ status: 404, error: 'not_found' });
    expect((await auditOf('client', 'shop')).map((entry) => [entry.action, entry.actor])).toEqual([['delete', opsActor], ['create', opsActor]]);
  });
});

describe('classes and the default class', () => {
  test('add, show, list, change, replace and delete a class', async () => {
    const created = await send('POST', '/classes', { name: 'staff', text: 'Staff', mfa_device: 'S', factors: { MFA: { TOTP: 1, OTP: 2 } } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/admin/api/classes/STAFF');
    expect(created.body).toMatchObject({ name: 'STAFF', mfa_device: 'S', factors: { MFA: { TOTP: 1, OTP: 2 } } });
    expect(refusal(await send('POST', '/classes', { name: 'STAFF' }))).toMatchObject({ status: 409 });
    expect(refusal(await send('POST', '/classes', { name: 'BAD', mfa_device: 'X' }))).toEqual(invalid('mfa_device'));
    await expect(services.classes.show('BAD')).rejects.toMatchObject({ status: 404 });

    expect((await api('/classes/Staff')).body).toMatchObject({ name: 'STAFF', text: 'Staff' });
    expect((await api('/classes')).body.items.map((c: { name: string }) => c.name)).toEqual(['STAFF']);
    expect((await send('PATCH', '/classes/STAFF', { max_retries: 5 })).body).toMatchObject({ max_retries: 5, mfa_device: 'S' });
    expect(refusal(await send('PATCH', '/classes/STAFF', { max_retries: -1 }))).toEqual(invalid('max_retries'));

    const replaced = await send('PUT', '/classes/STAFF', { text: 'Replaced' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ name: 'STAFF', text: 'Replaced', mfa_device: 'N', max_retries: 3 });
    const fresh = await send('PUT', '/classes/GUESTS', { name: 'guests', mfa_device: 'E' });
    expect(fresh.status).toBe(201);
    expect(fresh.body).toMatchObject({ name: 'GUESTS', mfa_device: 'E' });
    expect(refusal(await send('PUT', '/classes/GUESTS', { name: 'OTHER' }))).toEqual(invalid('name'));
    expect((await services.classes.show('OTHER').catch((error: { status: number }) => error.status))).toBe(404);

    expect((await send('DELETE', '/classes/GUESTS')).status).toBe(204);
    expect(refusal(await api('/classes/GUESTS'))).toMatchObject({ status: 404, error: 'not_found' });
    expect((await auditOf('class', 'staff')).map((entry) => entry.actor)).toEqual([opsActor, opsActor, opsActor]);
  });

  test('a class in use cannot be deleted: 409', async () => {
    await send('POST', '/classes', { name: 'USED' });
    await send('POST', '/persons', { name: 'USER1', class: 'USED' });
    expect(refusal(await send('DELETE', '/classes/USED'))).toMatchObject({ status: 409, error: 'conflict' });
  });

  test('the default class: set, read, clear; an unknown class is refused naming the field', async () => {
    await send('POST', '/classes', { name: 'DEFAULT1' });
    expect((await api('/settings/default-class')).body).toEqual({ name: null });
    expect((await send('PUT', '/settings/default-class', { name: 'default1' })).body).toEqual({ name: 'DEFAULT1' });
    expect((await api('/settings/default-class')).body).toEqual({ name: 'DEFAULT1' });
    expect(await services.settings.defaultClass()).toBe('DEFAULT1');
    expect(refusal(await send('PUT', '/settings/default-class', { name: 'NOPE' }))).toEqual(invalid('name'));
    expect(refusal(await send('PUT', '/settings/default-class', {}))).toEqual(invalid('name'));
    expect(refusal(await send('PUT', '/settings/default-class', { name: 3 }))).toEqual(invalid('name'));
    expect(await services.settings.defaultClass()).toBe('DEFAULT1');
    expect((await send('PUT', '/settings/default-class', { name: null })).body).toEqual({ name: null });
    expect(await services.settings.defaultClass()).toBeUndefined();
    expect((await auditOf('settings', 'default_class')).map((entry) => entry.actor)).toEqual([opsActor, opsActor]);
  });
});

describe('IP groups', () => {
  test('add, show, list, change, replace and delete an IP group', async () => {
    const created = await send('POST', '/ipgroups', { name: 'office', text: 'Office', ranges: ['10.0.0.0/8'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'OFFICE', ranges: ['10.0.0.0/8'] });
    expect(refusal(await send('POST', '/ipgroups', { name: 'BAD', ranges: ['10.0.0.300'] }))).toEqual(invalid('ranges\\[0\\]'));
    expect((await api('/ipgroups/OFFICE')).body).toMatchObject({ text: 'Office' });
    expect((await api('/ipgroups')).body.items.map((g: { name: string }) => g.name)).toEqual(['OFFICE']);
    expect((await send('PATCH', '/ipgroups/OFFICE', { ranges: ['192.168.0.0/16'] })).body).toMatchObject({ text: 'Office', ranges: ['192.168.0.0/16'] });
    expect((await send('PUT', '/ipgroups/OFFICE', { ranges: ['172.16.0.0/12'] })).body).toMatchObject({ text: '', ranges: ['172.16.0.0/12'] });
    expect((await send('PUT', '/ipgroups/VPN', { ranges: ['2001:db8::/32'] })).status).toBe(201);
    expect((await send('DELETE', '/ipgroups/VPN')).status).toBe(204);
    expect(refusal(await api('/ipgroups/VPN'))).toMatchObject({ status: 404 });
    expect((await auditOf('ipgroup', 'office')).map((entry) => entry.actor)).toEqual([opsActor, opsActor, opsActor]);
  });
});

describe('audit', () => {
  test('GET /audit lists changes newest first, filtered', async () => {
    const { sub } = (await send('POST', '/persons', { name: 'AUDITED' })).body;
    await send('PATCH', '/persons/AUDITED', { first_name: 'AUDREY' });
    const answer = await api(`/audit?entity=person&entity_id=${sub}`);
    expect(answer.status).toBe(200);
    expect(answer.body.items).toEqual([
      expect.objectContaining({ action: 'update', entity: 'person', entity_id: sub, actor: opsActor, at: expect.any(String), after: expect.objectContaining({ first_name: 'AUDREY' }) }),
      expect.objectContaining({ action: 'create', entity: 'person', entity_id: sub, actor: opsActor }),
    ]);
    expect((await api('/audit?limit=1')).body.items).toHaveLength(1);
    expect(refusal(await api('/audit?entity=spaceship'))).toEqual(invalid('entity'));
    expect(refusal(await api('/audit?limit=0'))).toEqual(invalid('limit'));
  });
});

describe('requests that are not understood', () => {
  test('a body that is not JSON: 415; JSON that does not parse or is not an object: 400; too large: 413', async () => {
    expect(refusal(await api('/persons', { method: 'POST', raw: 'name=X', contentType: 'application/x-www-form-urlencoded' }))).toMatchObject({ status: 415, error: 'invalid_request' });
    expect(refusal(await api('/persons', { method: 'POST', raw: '{"name": ', contentType: 'application/json' }))).toMatchObject({ status: 400, error: 'invalid_request', error_description: expect.stringContaining('not valid JSON') });
    expect(refusal(await api('/persons', { method: 'POST', raw: '[{"name": "X"}]', contentType: 'application/json' }))).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(refusal(await api('/persons', { method: 'POST', body: { name: 'HUGE', first_name: 'x'.repeat(70_000) } }))).toMatchObject({ status: 413, error: 'invalid_request' });
    await expect(services.persons.show('HUGE')).rejects.toMatchObject({ status: 404 });
  });

  test('an unknown path: 404; a method a path does not have: 405 with Allow; both JSON and never cached', async () => {
    const unknown = await api('/nothing-here');
    expect(refusal(unknown)).toMatchObject({ status: 404, error: 'not_found' });
    expect(unknown.headers.get('cache-control')).toBe('no-store');
    expect(refusal(await callAdminApi(gatehouse.issuer, ''))).toMatchObject({ status: 404, error: 'not_found' });
    const wrong = await send('PUT', '/persons', {});
    expect(refusal(wrong)).toMatchObject({ status: 405, error: 'method_not_allowed' });
    expect(wrong.headers.get('allow')).toBe('HEAD, GET, POST');
    expect(wrong.headers.get('cache-control')).toBe('no-store');
  });
});
