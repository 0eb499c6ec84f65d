import type * as oidc from 'openid-client';
import { FormBrowser } from '../support/formBrowser.ts';
import { redirectUri, startAuthorization } from '../support/relyingParty.ts';

/**
 * One sign-in attempt with a wrong password, from a fresh authorization request: returns
 * how long the POST of the sign-in form took (ms). Throws unless it was refused as a wrong
 * password (401), so a lock or a throttle cannot pass for a fast answer.
 */
export async function timeWrongPassword(rp: oidc.Configuration, userId: string): Promise<number> {
  const browser = new FormBrowser(redirectUri);
  await browser.open((await startAuthorization(rp)).url.toString());
  const action = browser.formAction('/login');
  const started = performance.now();
  await browser.submit(action, { username: userId, password: 'bench wrong password' });
  const ms = performance.now() - started;
  if (browser.lastStatus !== 401) throw new Error(`A wrong password for ${userId} answered HTTP ${browser.lastStatus}, not 401.`);
  return ms;
}
