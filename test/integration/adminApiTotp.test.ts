import { generate } from 'otplib';
import QRCode from 'qrcode';
import { adminScriptToken, callAdminApi, type AdminAnswer } from '../support/adminApi.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';
import { decodeQrPng } from '../support/decodeQrPng.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let token: string;
let pepe: string;

const opsActor = { kind: 'api-client', id: 'ops-script' };

const api = (path: string, options: Parameters<typeof callAdminApi>[2] = {}) => callAdminApi(gatehouse.issuer, path, { token, ...options });
const send = (method: string, path: string, body?: unknown) => api(path, { method, ...(body === undefined ? {} : { body }) });
const refusal = ({ status, body }: AdminAnswer) => ({ status, error: body?.error, error_description: body?.error_description });
/** An image answer: fetched raw (callAdminApi reads JSON). */
const fetchImage = (path: string) => fetch(`${gatehouse.issuer}/admin/api${path}`, { headers: { authorization: `Bearer ${token}` } });
const totpAudit = async (action: string) => (await services.audit.list({ entity: 'totp', entityId: pepe })).filter((entry) => entry.action === action);

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  token = await adminScriptToken(services, gatehouse.issuer);
  pepe = (await services.persons.add({ name: 'PEPE', default_user_id: 'pepe@example.com' })).sub;
  await services.persons.add({ name: 'ANA' });
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

test('POST /persons/{name}/totp without a body: 201, a generated pending key, never in the answer; audited with the API client', async () => {
  const answer = await api('/persons/pepe/totp', { method: 'POST' });
  expect(answer.status).toBe(201);
  expect(answer.headers.get('location')).toBe('/admin/api/persons/PEPE/totp');
  expect(answer.body).toEqual({ name: 'PEPE', state: 'pending', algorithm: 'SHA1', digits: 6, period: 30, key_generated: true, replaced: 'none', emergency_tokens_created: true, tokens_left: 10 });
  expect((await totpAudit('totp-create'))[0]).toMatchObject({ actor: opsActor, after: { state: 'pending' } });
  const { key } = (await send('GET', '/persons/PEPE/totp')).body;
  expect(JSON.stringify(answer.body)).not.toContain(key.replace(/ /g, ''));
});

test('POST with a typed key replaces the key (200); bad input is 400 naming the field and changes nothing; unknown person 404', async () => {
  const replaced = await send('POST', '/persons/PEPE/totp', { key: 'gezd gnbv gy3t qojq gezd gnbv gy3t qojq', algorithm: 'SHA512', digits: 8, period: 30 });
  expect(replaced.status).toBe(200);
  expect(replaced.headers.get('location')).toBeNull();
  expect(replaced.body).toMatchObject({ state: 'pending', algorithm: 'SHA512', digits: 8, key_generated: false, replaced: 'pending', emergency_tokens_created: false });

  const before = (await services.audit.list({ entity: 'totp', entityId: pepe })).length;
  for (const [body, message] of [
    [{ key: 'JBSWY3DPEHPK3PXP' }, 'key: 16 characters carry 80 bits; a key needs at least 128 bits (26 Base32 characters).'],
    [{ key: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PX8' }, expect.stringMatching(/^key: character 32 is not Base32/)],
    [{ digits: '8' }, 'digits: 6 or 8; got "8".'],
    [{ algorithm: 'MD5' }, 'algorithm: one of SHA1, SHA256, SHA512; got "MD5".'],
    [{ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' }, 'secret: not a field of this request (known: key, algorithm, digits, period, email).'],
  ] as const) {
    expect(refusal(await send('POST', '/persons/PEPE/totp', body))).toEqual({ status: 400, error: 'invalid_request', error_description: message });
  }
  expect(await services.audit.list({ entity: 'totp', entityId: pepe })).toHaveLength(before);
  expect(refusal(await send('POST', '/persons/NOBODY/totp', {}))).toEqual({ status: 404, error: 'not_found', error_description: 'There is no person "NOBODY".' });
});

test('GET /persons/{name}/totp displays the key, the URI and the tokens; audited with the API client; a code confirms the key', async () => {
  const answer = await send('GET', '/persons/PEPE/totp');
  expect(answer.status).toBe(200);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  const host = new URL(gatehouse.issuer).hostname;
  expect(answer.body).toEqual({
    name: 'PEPE',
    state: 'pending',
    key: 'GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ',
    algorithm: 'SHA512',
    digits: 8,
    period: 30,
    otpauth_uri: `otpauth://totp/${host}:pepe%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=${host}&algorithm=SHA512&digits=8&period=30`,
    emergency_tokens: expect.any(Array),
    tokens_left: 10,
  });
  expect(answer.body.emergency_tokens).toHaveLength(10);
  expect((await totpAudit('totp-display'))[0]).toMatchObject({ actor: opsActor, after: { name: 'PEPE', shown: ['key', 'emergency-tokens'] } });

  const code = await generate({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', algorithm: 'sha512', digits: 8 });
  expect(await services.totp.confirmPending({ _id: pepe }, code)).toEqual({ outcome: 'success', amr: ['otp'] });
  expect((await send('GET', '/persons/PEPE/totp')).body.state).toBe('active');
});

test('GET …/totp/qr.png and qr.svg: images of the otpauth URI, never cached, audited as displays', async () => {
  const { otpauth_uri: uri } = (await send('GET', '/persons/PEPE/totp')).body;

  const png = await fetchImage('/persons/PEPE/totp/qr.png');
  expect(png.status).toBe(200);
  expect(png.headers.get('content-type')).toBe('image/png');
  expect(png.headers.get('cache-control')).toBe('no-store');
  expect(decodeQrPng(Buffer.from(await png.arrayBuffer()))).toBe(uri);

  const svg = await fetchImage('/persons/pepe/totp/qr.svg');
  expect(svg.status).toBe(200);
  expect(svg.headers.get('content-type')).toBe('image/svg+xml');
  expect(svg.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  expect(await svg.text()).toBe(await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));

  expect((await totpAudit('totp-display')).slice(0, 2).map((entry) => [entry.actor, entry.after?.format])).toEqual([
    [opsActor, 'svg'],
    [opsActor, 'png'],
  ]);

  // Without a key: a JSON 404, nothing displayed.
  const none = await fetchImage('/persons/ANA/totp/qr.png');
  expect(none.status).toBe(404);
  expect(await none.json()).toEqual({ error: 'not_found', error_description: 'The person "ANA" has no TOTP key.' });
  const anonymous = await fetch(`${gatehouse.issuer}/admin/api/persons/PEPE/totp/qr.png`);
  expect(anonymous.status).toBe(401);
});

test('POST …/totp/tokens: a new set of 10, never in the answer; the old tokens stop working; no body fields', async () => {
  const old = (await send('GET', '/persons/PEPE/totp')).body.emergency_tokens as string[];
  const answer = await api('/persons/PEPE/totp/tokens', { method: 'POST' });
  expect(answer).toMatchObject({ status: 200, body: { name: 'PEPE', tokens_left: 10 } });
  expect(await services.emergencyTokens.consume(pepe, old[0]!)).toEqual({ outcome: 'retry', reason: 'wrong-code' });
  const fresh = (await send('GET', '/persons/PEPE/totp')).body.emergency_tokens as string[];
  expect((await services.emergencyTokens.consume(pepe, fresh[0]!)).outcome).toBe('success');
  expect((await totpAudit('recreate-emergency-tokens'))[0]).toMatchObject({ actor: opsActor });
  expect(refusal(await send('POST', '/persons/PEPE/totp/tokens', { count: 20 }))).toEqual({ status: 400, error: 'invalid_request', error_description: 'count: not a field of this request (it takes no body).' });
});

test('DELETE /persons/{name}/totp: 204, key and tokens gone; again 404', async () => {
  expect((await send('DELETE', '/persons/PEPE/totp')).status).toBe(204);
  expect((await send('GET', '/persons/PEPE/totp')).body).toEqual({ name: 'PEPE', state: 'none', emergency_tokens: [], tokens_left: 0 });
  expect((await totpAudit('remove-key'))[0]).toMatchObject({ actor: opsActor });
  expect(refusal(await send('DELETE', '/persons/PEPE/totp'))).toEqual({ status: 404, error: 'not_found', error_description: 'The person "PEPE" has no TOTP key and no emergency tokens.' });
});
