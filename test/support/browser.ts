import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as oidc from 'openid-client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { listenOnLoopback } from './listenOnLoopback.ts';

/** Debian's Chromium (installed by .ci/run); playwright-core never downloads a browser. */
export const chromiumPath = '/usr/bin/chromium';

export const screenshotDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'e2e', 'screenshots');

/** A headless Chromium for end-to-end tests; launch in beforeAll, close in afterAll. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Saves a full-page PNG as test/e2e/screenshots/<name>.png (the folder is git-ignored) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * A relying party's redirect URI that a real browser can land on: an HTTP listener on
 * 127.0.0.1 that answers 200 "ok" and keeps the URLs it received.
 */
export async function startCallbackListener() {
  const received: string[] = [];
  const server: Server = createServer((request, response) => {
    received.push(`http://127.0.0.1:${port}${request.url ?? '/'}`);
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  const port = await listenOnLoopback(server);
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

type CallbackListener = Awaited<ReturnType<typeof startCallbackListener>>;
type AuthorizationRequest = { codeVerifier: string; state: string; nonce: string };

/**
 * Clicks `selector` (the button that ends the sign-in), waits until the browser lands on
 * the callback listener, and exchanges that callback's code with openid-client: the
 * relying party's side of a browser sign-in. Returns the URL landed on and the tokens.
 */
export async function landAtCallback(page: Page, selector: string, { rp, callback, request }: { rp: oidc.Configuration; callback: CallbackListener; request: AuthorizationRequest }) {
  await Promise.all([page.waitForURL((url) => url.toString().startsWith(callback.redirectUri)), page.click(selector)]);
  // The browser also asks the listener for /favicon.ico: take the callback itself.
  const landed = callback.received.findLast((url) => url.startsWith(`${callback.redirectUri}?`))!;
  const tokens = await oidc.authorizationCodeGrant(rp, new URL(landed), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });
  return { landed, tokens };
}
