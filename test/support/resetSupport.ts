import * as oidc from 'openid-client';
import { FormBrowser } from './formBrowser.ts';
import { redirectUri, startAuthorization } from './relyingParty.ts';

/** Polls `read` until it gives a value (messages of a reset go out in the background). */
export async function waitFor<T>(read: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A mail's text with quoted-printable soft breaks and escapes undone (enough for the tests' ASCII). */
export const mailText = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** The temporary password in a reset's message. */
export const temporaryPasswordIn = (text: string) => /password is ([A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3,})/.exec(text)?.[1];

/**
 * A sign-in at the relying party whose person follows "Forgot your password?" and types
 * `userId`: the browser stands at the reset's next page; `finish` exchanges the code once
 * the browser reaches the callback.
 */
export async function resetFromSignIn(rp: oidc.Configuration, userId: string, browser = new FormBrowser(redirectUri)) {
  const request = await startAuthorization(rp);
  await browser.open(request.url.toString());
  const link = /href="(\/reset\?interaction=[^"]+)"/.exec(browser.lastPage)?.[1];
  if (!link) throw new Error(`no "Forgot your password?" link:\n${browser.lastPage.slice(0, 1500)}`);
  await browser.open(new URL(link.replace(/&amp;/g, '&'), browser.lastUrl).toString());
  await browser.submit(browser.formAction('/reset'), { username: userId });
  return {
    browser,
    request,
    async finish(at: string) {
      if (!at.startsWith(redirectUri)) throw new Error(`no callback (HTTP ${browser.lastStatus} at ${at}):\n${browser.lastPage.slice(0, 1500)}`);
      return oidc.authorizationCodeGrant(rp, new URL(at), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });
    },
  };
}

/** The page's visible text without its CSRF token and reset-specific values: what tells two answers apart. */
export const pageShape = (html: string) => html.replace(/name="csrf" value="[^"]*"/g, 'name="csrf" value=""');
