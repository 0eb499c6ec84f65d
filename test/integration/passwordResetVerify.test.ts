import { generate } from 'otplib';
import type * as oidc from 'openid-client';
import type { Actor } from '../../src/security/createAuditLog.ts';
import { addRelyingParty, startMailedGatehouse } from '../support/mailedGatehouse.ts';
import { oauthErrorOf, redirectUri, signIn } from '../support/relyingParty.ts';
import { mailText, resetFromSignIn, temporaryPasswordIn, waitFor } from '../support/resetSupport.ts';
import { startSmsCatcher } from '../support/smsCatcher.ts';

// "Verify user by" × "Get new password by", each through the pages from a relying party's
// sign-in: the reset ends back at that sign-in, with the new password, and a token.

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let sms: Awaited<ReturnType<typeof startSmsCatcher>>;
let rp: oidc.Configuration;
const admin: Actor = { kind: 'api-person', id: 'admin-sub', name: 'ADMIN' };
const oldPassword = 'first password here';
const newPassword = 'violet kettle sunrise';
const totpSecret: Record<string, string> = {};
const base = { mfa_device: 'S', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 600 } as const;
const reset = (verify_by: string, new_password_by: string, reset_by = '1', must_change_minutes = 30) => ({ password_reset: { verify_by, new_password_by, reset_by, must_change_minutes } });

beforeAll(async () => {
  sms = await startSmsCatcher();
  started = await startMailedGatehouse({ config: { sms: { webhook: { url: sms.url } } } });
  rp = await addRelyingParty(started, redirectUri, 'app', { grant_types: ['authorization_code', 'refresh_token'] });
  const { services } = started;
  await services.classes.add({ ...base, name: 'BYSMS', factors: { MFA: {} }, ...reset('C', 'N') });
  await services.classes.add({ ...base, name: 'BYMAIL', factors: { MFA: {} }, ...reset('E', 'N') });
  await services.classes.add({ ...base, name: 'BYAPP', factors: { MFA: { TOTP: 1 }, 'P-R': { TOTP: 1 } }, ...reset('M', 'S') });
  await services.classes.add({ ...base, name: 'BYQSTN', question_count: 2, factors: { MFA: {}, 'P-R': { Qstn: 1 } }, ...reset('M', 'C') });
  await services.classes.add({ ...base, name: 'NOVERIFY', factors: { MFA: {} }, ...reset('N', 'E', '1', 1) });
  await services.persons.add({ name: 'CARLA', cell_phone: '+34600100200', email: 'carla@example.com', class: 'BYSMS', password: oldPassword });
  await services.persons.add({ name: 'EVA', email: 'eva@example.com', class: 'BYMAIL', password: oldPassword, preferred_language: 'SPA' });
  await services.persons.add({ name: 'TOMAS', email: 'tomas@example.com', class: 'BYAPP', password: oldPassword });
  await services.persons.add({ name: 'QUIQUE', email: 'quique@example.com', cell_phone: '+34600300400', class: 'BYQSTN', password: oldPassword });
  await services.persons.add({ name: 'NINA', email: 'nina@example.com', class: 'NOVERIFY', password: oldPassword });
  const tomas = (await services.persons.show('TOMAS')).sub;
  totpSecret.TOMAS = services.totp.generateSecret();
  await services.totp.setKey(tomas, { secret: totpSecret.TOMAS, state: 'active' }, {});
  await services.questions.setAnswers((await services.persons.show('QUIQUE')).sub, [
    { question: 'First pet?', answer: 'Rex' },
    { question: 'Birth town?', answer: 'Soria' },
  ], { actor: admin });
});

afterAll(async () => {
  await started?.stop();
  await sms?.close();
});

const totpCode = (name: string, steps = 0) => generate({ secret: totpSecret[name]!, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
const auditActions = async (name: string) => (await started.services.audit.list({ entityId: (await started.services.persons.show(name)).sub })).map((entry) => entry.action);
const noticeTo = (address: string, after: number) => waitFor(() => started.mail.messages.slice(after).find((m) => m.to.includes(address) && /password/i.test(mailText(m.raw)) && !/\b\d{6}\b/.test(mailText(m.raw).split('\n\n').slice(1).join(' ').replace(/\d{4}-\d{2}-\d{2}|\d{2}:\d{2}/g, ''))), `the notice to ${address}`);

test('verify by C, new password typed: an SMS code, two passwords, and back at the sign-in; the old refresh token is revoked', async () => {
  const before = await signIn(rp, 'carla', oldPassword, { scope: 'openid offline_access', prompt: 'consent' });
  expect(before.tokens.refresh_token).toBeDefined();
  const mails = started.mail.messages.length;
  const flow = await resetFromSignIn(rp, 'carla');
  expect(flow.browser.lastPage).toContain('action="/reset/verify"');
  const code = await waitFor(() => sms.lastCodeTo('+34600100200'), 'the reset code by SMS');
  expect(sms.messages.at(-1)!.text).toContain('password reset code');

  await flow.browser.submit(flow.browser.formAction('/reset/verify'), { code: String((Number(code) + 1) % 1_000_000).padStart(6, '0') });
  expect(flow.browser.lastStatus).toBe(401);
  await flow.browser.submit(flow.browser.formAction('/reset/verify'), { code });
  expect(flow.browser.lastPage).toMatch(/autocomplete="new-password"/);
  await flow.browser.submit(flow.browser.formAction('/reset/password'), { password: 'carla', confirm: 'carla' });
  expect(flow.browser.lastStatus).toBe(422);
  await flow.browser.submit(flow.browser.formAction('/reset/password'), { password: newPassword, confirm: newPassword });
  expect(flow.browser.lastPage).toContain('Your new password is saved');
  // "Sign in" leads back to the relying party's sign-in, which the new password passes.
  const back = /href="(\/interaction\/[^"]+)"/.exec(flow.browser.lastPage)![1]!;
  await flow.browser.open(new URL(back, flow.browser.lastUrl).toString());
  const at = await flow.browser.submit(flow.browser.formAction('/login'), { username: 'carla', password: newPassword });
  expect((await flow.finish(at)).claims()!.sub).toBe((await started.services.persons.show('CARLA')).sub);

  expect(await oauthErrorOf(import('openid-client').then((client) => client.refreshTokenGrant(rp, before.tokens.refresh_token!)))).toBe('invalid_grant');
  expect((await signIn(rp, 'carla', oldPassword).catch((error: Error) => error)) instanceof Error).toBe(true);
  const notice = mailText((await noticeTo('carla@example.com', mails)).raw);
  expect(notice).toMatch(/SMS/);
  expect(notice).not.toContain(newPassword);
  expect(await auditActions('CARLA')).toEqual(expect.arrayContaining(['password-reset']));
});

test('verify by E, new password typed, in the person\'s language for the messages and the browser\'s for the pages', async () => {
  const mails = started.mail.messages.length;
  const flow = await resetFromSignIn(rp, 'eva');
  const codeMail = await waitFor(() => started.mail.messages.slice(mails).find((m) => m.to.includes('eva@example.com')), 'the reset code by email');
  expect(mailText(codeMail.raw)).toMatch(/restablec/i);
  expect(flow.browser.lastPage).toContain('Verify it is you');
  await flow.browser.submit(flow.browser.formAction('/reset/verify'), { code: started.mail.lastCodeTo('eva@example.com')! });
  await flow.browser.submit(flow.browser.formAction('/reset/password'), { password: newPassword, confirm: newPassword });
  expect(flow.browser.lastPage).toContain('Your new password is saved');
  await signIn(rp, 'eva', newPassword);
  // The code was used once: the same code again starts nothing.
  const again = await resetFromSignIn(rp, 'eva');
  await again.browser.submit(again.browser.formAction('/reset/verify'), { code: mailText(codeMail.raw).match(/\b(\d{6})\b/)![1]! });
  expect(again.browser.lastStatus).toBe(401);
});

test('verify by M with TOTP, new password on screen: the code, the temporary password shown once, then the forced change at sign-in', async () => {
  const flow = await resetFromSignIn(rp, 'tomas');
  expect(flow.browser.lastPage).toMatch(/name="code"/);
  await flow.browser.submit(flow.browser.formAction('/reset/verify'), { code: await totpCode('TOMAS') });
  const shown = /<code id="temporary-password">([^<]+)<\/code>/.exec(flow.browser.lastPage)?.[1];
  expect(shown).toMatch(/^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}$/);
  expect(flow.browser.lastHeaders.get('cache-control')).toBe('no-store');
  // Reloading the page does not show it again.
  await flow.browser.open(new URL('/reset/step', flow.browser.lastUrl).toString());
  expect(flow.browser.lastPage).not.toContain(shown!);

  const back = /href="(\/interaction\/[^"]+)"/.exec(flow.browser.lastPage)![1]!;
  await flow.browser.open(new URL(back, flow.browser.lastUrl).toString());
  await flow.browser.submit(flow.browser.formAction('/login'), { username: 'tomas', password: shown! });
  expect(flow.browser.lastPage).toContain('Choose your own password');
  await flow.browser.submit(flow.browser.formAction('/password'), { password: newPassword, confirm: newPassword });
  // Then the class's TOTP at sign-in (the next step's code: the reset's was used).
  const at = await flow.browser.submit(flow.browser.formAction('/verify'), { code: await totpCode('TOMAS', 1) });
  expect((await flow.finish(at)).claims()!.amr).toEqual(expect.arrayContaining(['pwd', 'otp']));
});

test('verify by M with TOTP: "try another way" offers the emergency tokens, and one of them verifies', async () => {
  const { services } = started;
  const tomas = (await services.persons.show('TOMAS')).sub;
  const [token] = await services.emergencyTokens.recreate(tomas, { actor: admin });
  const flow = await resetFromSignIn(rp, 'tomas');
  await flow.browser.submit(flow.browser.formAction('/reset/another-way'), {});
  expect(flow.browser.lastPage).toMatch(/name="token"/);
  await flow.browser.submit(flow.browser.formAction('/reset/verify'), { token: 'aaaa-bbbb-cccc-dddd' });
  expect(flow.browser.lastStatus).toBe(401);
  await flow.browser.submit(flow.browser.formAction('/reset/verify'), { token: token! });
  expect(flow.browser.lastPage).toContain('id="temporary-password"');
  expect(await services.emergencyTokens.countLeft(tomas)).toBe(9);
});

test('verify by M with questions, new password by SMS: the answers, then the temporary password by SMS, which signs in to the new-password page', async () => {
  const texts = sms.messages.length;
  const flow = await resetFromSignIn(rp, 'quique');
  const fields = [...flow.browser.lastPage.matchAll(/<label for="(answer_[^"]+)">([^<]+)<\/label>/g)];
  expect(fields).toHaveLength(2);
  const answers = Object.fromEntries(fields.map(([, name, question]) => [name!, question === 'First pet?' ? 'rex' : 'soria']));
  await flow.browser.submit(flow.browser.formAction('/reset/verify'), answers);
  expect(flow.browser.lastPage).toContain('on its way to the cell phone');
  const text = await waitFor(() => sms.messages.slice(texts).find((m) => m.to === '+34600300400')?.text, 'the temporary password by SMS');
  const temporary = temporaryPasswordIn(text)!;
  expect(temporary).toBeDefined();
  const view = await started.services.persons.show('QUIQUE');
  expect(view.temporary_password?.expires_at).toBeDefined();
  const back = /href="(\/interaction\/[^"]+)"/.exec(flow.browser.lastPage)![1]!;
  await flow.browser.open(new URL(back, flow.browser.lastUrl).toString());
  await flow.browser.submit(flow.browser.formAction('/login'), { username: 'quique', password: temporary });
  const at = await flow.browser.submit(flow.browser.formAction('/password'), { password: newPassword, confirm: newPassword });
  await flow.finish(at);
  expect(JSON.stringify(await started.services.audit.list({ entityId: view.sub }))).not.toContain(temporary);
});

test('verify by N, new password by email: nothing asked, the temporary password goes to the address on file and lasts the class\'s minutes', async () => {
  const mails = started.mail.messages.length;
  const flow = await resetFromSignIn(rp, 'nina');
  expect(flow.browser.lastPage).toContain('on its way to the email address');
  const mail = await waitFor(() => started.mail.messages.slice(mails).find((m) => m.to.includes('nina@example.com') && temporaryPasswordIn(mailText(m.raw))), 'the temporary password by email');
  const temporary = temporaryPasswordIn(mailText(mail.raw))!;
  expect(mailText(mail.raw)).toMatch(/works until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  const view = await started.services.persons.show('NINA');
  expect(new Date(view.temporary_password!.expires_at!).getTime() - new Date(view.temporary_password!.issued_at).getTime()).toBe(60_000);
  // The old password stops at once (the reset replaced it); the temporary one works for its minute.
  expect((await signIn(rp, 'nina', oldPassword).catch((error: Error) => error)) instanceof Error).toBe(true);
  const back = /href="(\/interaction\/[^"]+)"/.exec(flow.browser.lastPage)![1]!;
  await flow.browser.open(new URL(back, flow.browser.lastUrl).toString());
  await flow.browser.submit(flow.browser.formAction('/login'), { username: 'nina', password: temporary });
  expect(flow.browser.lastPage).toContain('Choose your own password');
});
