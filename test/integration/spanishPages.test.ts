import * as oidc from 'openid-client';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, redirectUri, signIn, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

// The pages below the sign-in speak the person's language too: consent, logout, the error
// pages and the account page's refusals of private questions, in Spanish by ui_locales
// (where the flow goes through the provider) or by Accept-Language.

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let partner: oidc.Configuration;
let webApp: oidc.Configuration;

const password = 'correct horse battery';
const spanish = { 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' };
/** A URL the account page's browsers never reach: they follow every redirect back to /account. */
const never = 'http://127.0.0.1:9/never';

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const third = await services.clients.add({ client_id: 'partner-app', client_name: 'Partner App', redirect_uris: [redirectUri], first_party: false });
  const first = await services.clients.add({ client_id: 'web-app', client_name: 'Web App', redirect_uris: [redirectUri], first_party: true });
  for (const name of ['ANA', 'BEA', 'CARMEN', 'DARIO', 'ELENA']) await services.persons.add({ name, password, class: '*NEVER' });
  await services.persons.add({ name: 'PACO', password, class: '*NEVER', preferred_language: 'SPA' });
  partner = await discoverRelyingParty(gatehouse.issuer, 'partner-app', third.clientSecret);
  webApp = await discoverRelyingParty(gatehouse.issuer, 'web-app', first.clientSecret);
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

const listed = (page: string) => [...page.matchAll(/<li>([^<]+)<\/li>/g)].map((m) => m[1]!.trim());
const messageOf = (page: string) => /<p class="message">([^<]*)</.exec(page)?.[1];

const expectSpanishConsent = (page: string) => {
  expect(page).toContain('<html lang="es">');
  expect(page).toContain('<h1>Permitir el acceso</h1>');
  expect(page).toContain('<strong>Partner App</strong> pide permiso para:');
  expect(listed(page)).toEqual(['Saber quién es usted (el identificador de su cuenta)', 'Su nombre, usuario, fecha de nacimiento e idioma', 'Su dirección de correo electrónico']);
  expect(page).toContain('>Permitir</button>');
  expect(page).toContain('>Denegar</button>');
};

const alertOf = (browser: FormBrowser) => /<p class="alert"[^>]*>([^<]*)</.exec(browser.lastPage)?.[1];
const csrfOf = (browser: FormBrowser) => /name="csrf" value="([^"]+)"/.exec(browser.lastPage)?.[1] ?? '';

async function signInToAccount(name: string, headers: Record<string, string>) {
  const browser = new FormBrowser(never);
  browser.extraHeaders = headers;
  await browser.open(`${gatehouse.issuer}/account`);
  await browser.submit(browser.formAction('/login'), { username: name.toLowerCase(), password });
  expect({ status: browser.lastStatus, url: browser.lastUrl }).toEqual({ status: 200, url: `${gatehouse.issuer}/account` });
  return browser;
}

describe('the consent page', () => {
  test('with ui_locales=es from the relying party', async () => {
    const request = await startAuthorization(partner, { ui_locales: 'es' });
    const browser = new FormBrowser(redirectUri);
    await browser.open(request.url.toString());
    await browser.submit(browser.formAction('/login'), { username: 'ana', password });
    expect(browser.lastStatus).toBe(200);
    expectSpanishConsent(browser.lastPage);
    // And the Spanish page works: "Permitir" issues the code.
    const at = await browser.submit(browser.formAction('/confirm'), {});
    expect(new URL(at).searchParams.get('code')).toEqual(expect.any(String));
  });

  test('with Accept-Language: es from the browser', async () => {
    const request = await startAuthorization(partner);
    const browser = new FormBrowser(redirectUri);
    browser.extraHeaders = spanish;
    await browser.open(request.url.toString());
    await browser.submit(browser.formAction('/login'), { username: 'bea', password });
    expectSpanishConsent(browser.lastPage);
  });

  test('in the person\'s preferred language, whatever the browser asks for', async () => {
    const request = await startAuthorization(partner);
    const browser = new FormBrowser(redirectUri);
    browser.extraHeaders = { 'accept-language': 'en-GB,en;q=0.9' };
    await browser.open(request.url.toString());
    await browser.submit(browser.formAction('/login'), { username: 'paco', password });
    expectSpanishConsent(browser.lastPage);
  });

  test('still English for an English browser', async () => {
    const request = await startAuthorization(partner);
    const browser = new FormBrowser(redirectUri);
    browser.extraHeaders = { 'accept-language': 'en' };
    await browser.open(request.url.toString());
    await browser.submit(browser.formAction('/login'), { username: 'carmen', password });
    expect(browser.lastPage).toContain('<strong>Partner App</strong> asks to:');
    expect(listed(browser.lastPage)[0]).toBe('Know who you are (your account identifier)');
  });
});

describe('the logout and logged-out pages', () => {
  test('the logout page in the language of ui_locales=es; the logged-out page in the browser\'s', async () => {
    const browser = new FormBrowser(redirectUri);
    const { tokens } = await signIn(webApp, 'dario', password, {}, browser);
    await browser.open(oidc.buildEndSessionUrl(webApp, { id_token_hint: tokens.id_token!, ui_locales: 'es' }).toString());
    expect(browser.lastStatus).toBe(200);
    expect(browser.lastPage).toContain('<html lang="es">');
    expect(browser.lastPage).toContain('<h1>Cerrar sesión</h1>');
    expect(browser.lastPage).toMatch(/¿Quiere cerrar la sesión de Gatehouse en <strong>127\.0\.0\.1:\d+<\/strong>\?/);
    expect(browser.lastPage).toContain('Sí, cerrar la sesión');
    // The confirmation's redirect carries no ui_locales: the next page goes by Accept-Language.
    browser.extraHeaders = spanish;
    await browser.submit(browser.formAction('/session/end/confirm'), { ...browser.hiddenFields('op.logoutForm'), logout: 'yes' });
    expect(browser.lastUrl).toContain('/session/end/success');
    expect(browser.lastPage).toContain('<html lang="es">');
    expect(browser.lastPage).toContain('<h1>Ha cerrado la sesión</h1>');
    expect(browser.lastPage).toContain('Ha cerrado la sesión de Gatehouse.');
  });

  test('both pages by Accept-Language: es (answering "No": the page names the application)', async () => {
    const browser = new FormBrowser(redirectUri);
    const { tokens } = await signIn(webApp, 'elena', password, {}, browser);
    browser.extraHeaders = spanish;
    await browser.open(oidc.buildEndSessionUrl(webApp, { id_token_hint: tokens.id_token! }).toString());
    expect(browser.lastPage).toContain('<h1>Cerrar sesión</h1>');
    expect(browser.lastPage).toContain('No, mantener la sesión iniciada');
    await browser.submit(browser.formAction('/session/end/confirm'), browser.hiddenFields('op.logoutForm'));
    expect(browser.lastPage).toContain('Ha cerrado la sesión de <strong>Web App</strong> y de Gatehouse.');
    expect(browser.lastPage).toContain('Ya puede cerrar esta ventana.');
  });
});

describe('the error pages', () => {
  test('our error page: an expired sign-in page, in Spanish by Accept-Language, in English otherwise', async () => {
    const url = `${gatehouse.issuer}/interaction/no-such-interaction`;
    const inSpanish = await fetch(url, { headers: { accept: 'text/html', ...spanish } });
    expect(inSpanish.status).toBe(400);
    const page = await inSpanish.text();
    expect(page).toContain('<html lang="es">');
    expect(page).toContain('<h1>No se puede continuar</h1>');
    expect(messageOf(page)).toBe('Esta página de inicio de sesión ha caducado o ya se usó. Vuelva a la aplicación e inicie sesión de nuevo.');
    const inEnglish = await (await fetch(url, { headers: { accept: 'text/html' } })).text();
    expect(messageOf(inEnglish)).toBe('This sign-in page has expired or was already used. Go back to the application and sign in again.');
  });

  test('our error page: a form from another origin, in the language of ui_locales', async () => {
    const answer = await fetch(`${gatehouse.issuer}/interaction/any/login?ui_locales=es`, {
      method: 'POST',
      headers: { accept: 'text/html', origin: 'https://elsewhere.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=x',
    });
    expect(answer.status).toBe(403);
    expect(messageOf(await answer.text())).toBe('Este formulario solo se puede enviar desde las páginas de Gatehouse. Vuelva a la página, recárguela e inténtelo de nuevo.');
  });

  test('the provider\'s error page: an unknown client, in the language of ui_locales=es', async () => {
    const stranger = await discoverRelyingParty(gatehouse.issuer, 'no-such-app', 'whatever');
    const { url } = await startAuthorization(stranger, { ui_locales: 'es' });
    const answer = await fetch(url, { headers: { accept: 'text/html' } });
    expect(answer.status).toBe(400);
    const page = await answer.text();
    expect(page).toContain('<html lang="es">');
    expect(page).toContain('<h1>No se puede continuar</h1>');
    expect(messageOf(page)).toBe('La aplicación que le envió aquí no está registrada en Gatehouse. Avise al responsable de la aplicación.');
    expect(page).toContain('Código de error: <code>invalid_client</code>');
  });

  test('the provider\'s error page by Accept-Language: es', async () => {
    const stranger = await discoverRelyingParty(gatehouse.issuer, 'no-such-app', 'whatever');
    const { url } = await startAuthorization(stranger);
    const page = await (await fetch(url, { headers: { accept: 'text/html', ...spanish } })).text();
    expect(messageOf(page)).toBe('La aplicación que le envió aquí no está registrada en Gatehouse. Avise al responsable de la aplicación.');
  });
});

describe('the account page\'s refusal of private questions', () => {
  test('in Spanish by Accept-Language: the problem and the row it is in', async () => {
    const browser = await signInToAccount('ANA', spanish);
    const csrf = csrfOf(browser);
    await browser.submit('/account/questions', { csrf, question_1: '¿Primera mascota?', answer_1: 'Rex', question_2: '¿primera   MASCOTA?', answer_2: 'Fido' });
    expect(browser.lastStatus).toBe(400);
    expect(alertOf(browser)).toBe('No se ha cambiado nada. Pregunta 2: es la misma pregunta que Pregunta 1.');
    await browser.submit('/account/questions', { csrf, question_1: '¿Primer colegio?', answer_1: 'San José', question_3: '¿Sin respuesta?', answer_3: '   ' });
    expect(alertOf(browser)).toBe('No se ha cambiado nada. Respuesta 3: de 1 a 200 caracteres (sin contar los espacios de más); tiene 0.');
    await browser.submit('/account/questions', { csrf, question_1: 'Sí', answer_1: 'vale' });
    expect(alertOf(browser)).toBe('No se ha cambiado nada. Pregunta 1: de 3 a 200 caracteres; tiene 2.');
    expect(await services.questions.questionsOf((await services.persons.show('ANA')).sub)).toEqual([]);
  });

  test('in the person\'s preferred language, whatever the browser asks for', async () => {
    const browser = await signInToAccount('PACO', { 'accept-language': 'en-GB,en;q=0.9' });
    await browser.submit('/account/questions', { csrf: csrfOf(browser), question_1: '¿Ciudad?', answer_1: 'Lima', question_2: '¿ciudad?', answer_2: 'Quito' });
    expect(alertOf(browser)).toBe('No se ha cambiado nada. Pregunta 2: es la misma pregunta que Pregunta 1.');
  });
});

describe('a refused "send a new code" on the challenge page', () => {
  test('says how long to wait in Spanish, and the first code still signs in', async () => {
    await services.classes.add({ name: 'CORREO', text: 'Código por correo', mfa_device: 'E', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 3, wait_seconds: 60, factors: { MFA: { OTP: 1 } } });
    await services.persons.add({ name: 'FELIPE', password, class: 'CORREO', email: 'felipe@example.com' });
    const request = await startAuthorization(webApp, { ui_locales: 'es' });
    const browser = new FormBrowser(redirectUri);
    await browser.open(request.url.toString());
    await browser.submit(browser.formAction('/login'), { username: 'felipe', password });
    expect(browser.lastPage).toContain('<html lang="es">');
    await browser.submit(browser.formAction('/resend'), {});
    expect(browser.lastStatus).toBe(429);
    expect(alertOf(browser)).toMatch(/^Espere \d+ s antes de pedir un código nuevo\.$/);
    const sent = (await services.devOutbox.list()).find((message) => message.to === 'felipe@example.com');
    const code = /\b(\d{6})\b/.exec(sent!.text)![1]!;
    const at = await browser.submit(browser.formAction('/verify'), { code });
    expect(new URL(at).searchParams.get('code')).toEqual(expect.any(String));
  });
});
