import type * as oidc from 'openid-client';
import { FormBrowser } from '../support/formBrowser.ts';
import { addRelyingParty, startMailedGatehouse } from '../support/mailedGatehouse.ts';
import { redirectUri, signIn, startAuthorization } from '../support/relyingParty.ts';
import { waitFor } from '../support/resetSupport.ts';

// RESET_KEEP_CURRENT_DEVICE=true: the browser that made the reset stays signed in; every
// other device of the person is signed out.

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let rp: oidc.Configuration;
const password = 'first password here';
const newPassword = 'violet kettle sunrise';

beforeAll(async () => {
  started = await startMailedGatehouse({ config: { passwordReset: { keepCurrentDevice: true } } });
  rp = await addRelyingParty(started, redirectUri);
  await started.services.classes.add({
    name: 'MAIL', mfa_device: 'S', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60, factors: { MFA: {} },
    password_reset: { verify_by: 'E', new_password_by: 'N', reset_by: '1', must_change_minutes: 30 },
  });
  await started.services.persons.add({ name: 'KEEPER', email: 'keeper@example.com', class: 'MAIL', password });
});

afterAll(async () => {
  await started?.stop();
});

/** Whether the browser's session still signs in without a page (prompt=none reaches the callback with a code). */
async function stillSignedIn(browser: FormBrowser): Promise<boolean> {
  const at = await browser.open((await startAuthorization(rp, { prompt: 'none' })).url.toString());
  return new URL(at).searchParams.has('code');
}

test('the reset\'s own browser keeps its session; the other device is signed out', async () => {
  const here = (await signIn(rp, 'keeper', password)).browser;
  const elsewhere = (await signIn(rp, 'keeper', password)).browser;
  expect(await stillSignedIn(here)).toBe(true);
  expect(await stillSignedIn(elsewhere)).toBe(true);

  await here.open(`${started.gatehouse.issuer}/reset`);
  await here.submit(here.formAction('/reset'), { username: 'keeper' });
  const code = await waitFor(() => started.mail.lastCodeTo('keeper@example.com'), 'the reset code');
  await here.submit(here.formAction('/reset/verify'), { code });
  await here.submit(here.formAction('/reset/password'), { password: newPassword, confirm: newPassword });
  expect(here.lastPage).toContain('signed out on every other device');

  expect(await stillSignedIn(here)).toBe(true);
  expect(await stillSignedIn(elsewhere)).toBe(false);
});
