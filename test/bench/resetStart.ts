import { FormBrowser } from '../support/formBrowser.ts';
import { redirectUri } from '../support/relyingParty.ts';

/**
 * One password-reset start (GET /reset, then the user ID posted): returns how long the
 * POST took (ms). Throws unless it led to the code page, so a refusal cannot pass for a
 * fast answer.
 */
export async function timeResetStart(issuer: string, userId: string): Promise<number> {
  const browser = new FormBrowser(redirectUri);
  await browser.open(`${issuer}/reset`);
  const action = browser.formAction('/reset');
  const started = performance.now();
  await browser.submit(action, { username: userId });
  const ms = performance.now() - started;
  if (browser.lastStatus !== 200 || !browser.lastPage.includes('action="/reset/verify"')) throw new Error(`A reset for ${userId} answered HTTP ${browser.lastStatus} at ${browser.lastUrl}, not the code page.`);
  return ms;
}
