import { jest } from '@jest/globals';
import * as oidc from 'openid-client';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot } from '../support/browser.ts';
import { addRelyingParty } from '../support/mailedGatehouse.ts';
import { startAdminConsole, type AdminConsole } from '../support/adminConsole.ts';
import { discoverRelyingParty, oauthErrorOf, redirectUri, signIn as relyingPartySignIn } from '../support/relyingParty.ts';

// The clients screen of the admin view, in a real browser: the list with Gatehouse's own
// clients marked built in, adding a client (its secret shown once, and working at /token),
// a refused redirect URI at its field, modifying, rotating the secret (the old one refused),
// and removing a client with its grants and tokens.

jest.setTimeout(180_000);

let admin: AdminConsole;
let context: BrowserContext;
let page: Page;
let adaSub: string;

beforeAll(async () => {
  admin = await startAdminConsole();
  adaSub = (await admin.services.persons.show('ADA')).sub;
  ({ context, page } = await admin.signIn('ADA', '/admin/clients'));
});

afterAll(async () => {
  await context?.close();
  await admin?.stop();
});

const basic = (clientId: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** A client-credentials token request, as a service makes it. */
async function clientCredentials(clientId: string, secret: string) {
  const response = await fetch(`${admin.url}/token`, {
    method: 'POST',
    headers: { authorization: basic(clientId, secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Clicks `selector` and waits for the page it leads to; returns that page's HTTP status. */
async function follow(selector: string): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response!.status();
}

const auditOf = async (clientId: string) => admin.services.audit.list({ entity: 'client', entityId: clientId });

test('the list shows every client, Gatehouse\'s own marked built in', async () => {
  await page.goto(`${admin.url}/admin/clients`);
  await screenshot(page, 'admin-clients-list');
  await expect(page.textContent('h1')).resolves.toBe('Clients');
  const rows = await page.locator('table.clients tbody tr').allTextContents();
  expect(rows.find((row) => row.includes('gatehouse-admin'))).toContain('Built in');
  expect(rows.find((row) => row.includes('gatehouse-account'))).toContain('Built in');
  expect(rows.find((row) => row.includes('gatehouse-admin'))).toContain('Secret in header (client_secret_basic)');
});

test('a redirect URI that is not a URL is shown at its field, and nothing is stored', async () => {
  await page.goto(`${admin.url}/admin/clients/new`);
  await page.fill('#client_id', 'crm');
  await page.fill('#client_name', 'CRM');
  await page.fill('#redirect_uris', 'https://crm.example.com/callback\nnot a url');
  expect(await follow('button[type="submit"].primary')).toBe(400);
  await screenshot(page, 'admin-clients-new-error');

  await expect(page.getAttribute('#redirect_uris', 'aria-invalid')).resolves.toBe('true');
  await expect(page.getAttribute('#redirect_uris', 'aria-describedby')).resolves.toContain('redirect_uris-error');
  await expect(page.textContent('#redirect_uris-error')).resolves.toContain('"not a url" is not an absolute URL.');
  await expect(page.textContent('.alert')).resolves.toContain('Redirect URIs: "not a url" is not an absolute URL.');
  // What was typed is kept.
  await expect(page.inputValue('#redirect_uris')).resolves.toBe('https://crm.example.com/callback\nnot a url');
  await expect(page.inputValue('#client_id')).resolves.toBe('crm');
  expect((await admin.services.clients.list()).map((client) => client.client_id)).not.toContain('crm');
  expect(await auditOf('crm')).toEqual([]);
});

let reportsSecret: string;

test('adding a service client shows its secret once, as the answer; the secret works at /token and appears nowhere else', async () => {
  await page.goto(`${admin.url}/admin/clients/new`);
  await page.fill('#client_id', 'reports');
  await page.fill('#client_name', 'Reports');
  await page.uncheck('#grant_authorization_code');
  await page.uncheck('#grant_refresh_token');
  await page.check('#grant_client_credentials');
  expect(await follow('button[type="submit"].primary')).toBe(201);
  await screenshot(page, 'admin-clients-secret');

  expect(new URL(page.url()).pathname).toBe('/admin/clients/new');
  reportsSecret = await page.inputValue('#client_secret');
  expect(reportsSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await expect(page.textContent('.warning')).resolves.toContain('shown only this once');
  expect(page.url()).not.toContain(reportsSecret);

  const stored = await admin.services.clients.show('reports');
  expect(stored).toMatchObject({ client_name: 'Reports', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic', has_secret: true, first_party: false, admin_api: false });
  const token = await clientCredentials('reports', reportsSecret);
  expect(token.status).toBe(200);
  expect(token.body.access_token).toEqual(expect.any(String));

  await page.goto(`${admin.url}/admin/clients/reports`);
  expect(await page.content()).not.toContain(reportsSecret);
  await page.goto(`${admin.url}/admin/clients`);
  expect(await page.content()).not.toContain(reportsSecret);
  await expect(page.textContent('table.clients')).resolves.toContain('reports');

  const [created] = await auditOf('reports');
  expect(created).toMatchObject({ action: 'create', actor: { kind: 'admin-view', id: adaSub, name: 'ADA' } });
  expect(JSON.stringify(created)).not.toContain(reportsSecret);
});

test('the client\'s page modifies what update allows; a refused combination is shown at its field and changes nothing', async () => {
  await page.goto(`${admin.url}/admin/clients/reports`);
  await page.fill('#client_name', 'Monthly reports');
  await page.check('#admin_api');
  expect(await follow('form[action="/admin/clients/reports"] button[type="submit"].primary')).toBe(200);
  expect(new URL(page.url()).search).toBe('?done=clientSaved');
  await expect(page.textContent('.notice')).resolves.toBe('The client was saved.');
  expect(await admin.services.clients.show('reports')).toMatchObject({ client_name: 'Monthly reports', admin_api: true, has_secret: true });
  expect((await auditOf('reports'))[0]).toMatchObject({ action: 'update', actor: { kind: 'admin-view', id: adaSub } });

  // The admin API needs the client credentials grant.
  await page.uncheck('#grant_client_credentials');
  await page.check('#grant_authorization_code');
  await page.fill('#redirect_uris', 'https://reports.example.com/callback');
  expect(await follow('form[action="/admin/clients/reports"] button[type="submit"].primary')).toBe(400);
  await expect(page.getAttribute('#admin_api', 'aria-invalid')).resolves.toBe('true');
  await expect(page.textContent('#admin_api-error')).resolves.toContain('only a confidential client with the client_credentials grant may use the admin API');
  expect(await admin.services.clients.show('reports')).toMatchObject({ grant_types: ['client_credentials'], redirect_uris: [] });
});

test('rotating the secret shows a new one once: the old one is refused at /token, the new one accepted', async () => {
  await page.goto(`${admin.url}/admin/clients/reports`);
  await follow('a[href="/admin/clients/reports/rotate-secret"]');
  await expect(page.textContent('h1')).resolves.toBe('Rotate the secret of reports');
  expect(await follow('button[type="submit"].primary')).toBe(200);
  const rotated = await page.inputValue('#client_secret');
  expect(rotated).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(rotated).not.toBe(reportsSecret);
  expect(page.url()).not.toContain(rotated);

  const old = await clientCredentials('reports', reportsSecret);
  expect(old.status).toBe(401);
  expect(old.body.error).toBe('invalid_client');
  expect((await clientCredentials('reports', rotated)).status).toBe(200);

  const [entry] = await auditOf('reports');
  expect(entry).toMatchObject({ action: 'update', actor: { kind: 'admin-view', id: adaSub }, after: { secret_changed: true } });
  expect(JSON.stringify(entry)).not.toContain(rotated);
});

test('removing a client revokes its grants and tokens: its refresh token is refused, even for a client added again under its client_id', async () => {
  const rp = await addRelyingParty(admin, redirectUri, 'webapp', { client_name: 'Web app' });
  await admin.services.persons.add({ name: 'CARL', default_user_id: 'carl', password: 'another long passphrase' });
  const { tokens } = await relyingPartySignIn(rp, 'carl', 'another long passphrase');
  expect(tokens.refresh_token).toEqual(expect.any(String));
  const { clientSecret: apiSecret } = await admin.services.clients.add({ client_id: 'orders-api', redirect_uris: [], grant_types: ['client_credentials'], resource_server: true });
  const api = await discoverRelyingParty(admin.gatehouse.issuer, 'orders-api', apiSecret);
  expect(await oidc.tokenIntrospection(api, tokens.refresh_token!)).toMatchObject({ active: true, client_id: 'webapp' });

  await page.goto(`${admin.url}/admin/clients/webapp`);
  await follow('a[href="/admin/clients/webapp/remove"]');
  await expect(page.textContent('.warning')).resolves.toContain('every grant, code and token');
  expect(await follow('button[type="submit"].danger')).toBe(200);
  expect(new URL(page.url()).pathname).toBe('/admin/clients');
  await expect(page.textContent('.notice')).resolves.toBe('The client was removed, with its grants and tokens.');
  await expect(page.textContent('table.clients')).resolves.not.toContain('webapp');

  expect((await admin.services.clients.list()).map((client) => client.client_id)).not.toContain('webapp');
  expect(await oidc.tokenIntrospection(api, tokens.refresh_token!)).toMatchObject({ active: false });
  expect(await oauthErrorOf(oidc.refreshTokenGrant(rp, tokens.refresh_token!))).toBe('invalid_client');
  // The same client_id registered again does not inherit the removed client's tokens.
  const again = await addRelyingParty(admin, redirectUri, 'webapp');
  expect(await oauthErrorOf(oidc.refreshTokenGrant(again, tokens.refresh_token!))).toBe('invalid_grant');

  const removal = (await auditOf('webapp')).find((entry) => entry.action === 'delete');
  expect(removal).toMatchObject({ actor: { kind: 'admin-view', id: adaSub }, before: { client_id: 'webapp' } });
});

test('built-in clients cannot be changed or removed here, and the page says why', async () => {
  await page.goto(`${admin.url}/admin/clients/gatehouse-admin`);
  await expect(page.textContent('.warning')).resolves.toContain('registers it again at every start');
  expect(await page.locator('form[action="/admin/clients/gatehouse-admin"]').count()).toBe(0);
  expect(await page.locator('a[href$="/remove"]').count()).toBe(0);

  const refused = await page.goto(`${admin.url}/admin/clients/gatehouse-admin/remove`);
  expect(refused!.status()).toBe(403);
  await expect(page.textContent('.alert')).resolves.toContain('cannot be changed or removed');

  // Even a well-formed form of this session is refused, for removal and for a change.
  await page.goto(`${admin.url}/admin/clients`);
  const csrf = await page.inputValue('input[name="csrf"]');
  const before = await admin.services.clients.show('gatehouse-account');
  for (const action of ['/admin/clients/gatehouse-account/remove', '/admin/clients/gatehouse-account']) {
    const answer = await page.request.post(`${admin.url}${action}`, { form: { csrf, return_to: action, client_name: 'Renamed' }, headers: { origin: admin.url } });
    expect(answer.status()).toBe(403);
  }
  expect(await admin.services.clients.show('gatehouse-account')).toEqual(before);
  expect((await auditOf('gatehouse-account')).filter((entry) => entry.actor.kind === 'admin-view')).toEqual([]);
});

test('at phone size: the list, the form with an error, the secret page, a client', async () => {
  const phone = await admin.signIn('ADA', '/admin/clients', 'phone');
  try {
    await screenshot(phone.page, 'admin-clients-list-phone');
    await phone.page.goto(`${admin.url}/admin/clients/new`);
    await phone.page.fill('#client_id', 'x');
    await Promise.all([phone.page.waitForNavigation(), phone.page.click('button[type="submit"].primary')]);
    await expect(phone.page.getAttribute('#client_id', 'aria-invalid')).resolves.toBe('true');
    await screenshot(phone.page, 'admin-clients-new-error-phone');
    await phone.page.fill('#client_id', 'mobile-app');
    await phone.page.fill('#redirect_uris', 'com.example.mobile:/callback');
    await Promise.all([phone.page.waitForNavigation(), phone.page.click('button[type="submit"].primary')]);
    await screenshot(phone.page, 'admin-clients-secret-phone');
    await phone.page.goto(`${admin.url}/admin/clients/mobile-app`);
    await screenshot(phone.page, 'admin-clients-show-phone');
    // In Spanish, the longest words of the screen.
    await admin.services.persons.update('ADA', { preferred_language: 'SPA' });
    await phone.page.goto(`${admin.url}/admin/clients/new`);
    await phone.page.fill('#redirect_uris', 'http://crm.example.com/callback');
    await Promise.all([phone.page.waitForNavigation(), phone.page.click('button[type="submit"].primary')]);
    await expect(phone.page.textContent('.alert')).resolves.toContain('No se ha guardado nada');
    await screenshot(phone.page, 'admin-clients-new-error-phone-es');
    await page.goto(`${admin.url}/admin/clients`);
    await screenshot(page, 'admin-clients-list-es');
    await page.goto(`${admin.url}/admin/clients/mobile-app`);
    await screenshot(page, 'admin-clients-show');
    // Nothing at 390 px is wider than the page but the tables, which scroll in their own box.
    const overflow = await phone.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
  } finally {
    await admin.services.persons.update('ADA', { preferred_language: 'ENG' });
    await phone.context.close();
  }
});
