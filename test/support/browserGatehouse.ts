import type * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { launchBrowser, startCallbackListener } from './browser.ts';
import { discoverRelyingParty } from './relyingParty.ts';
import { openTestServices, startTestGatehouse } from './testGatehouse.ts';

export type BrowserGatehouse = {
  browser: Browser;
  callback: Awaited<ReturnType<typeof startCallbackListener>>;
  gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
  services: Awaited<ReturnType<typeof openTestServices>>;
  /** The first-party client `app`, whose redirect URI is the callback listener. */
  rp: oidc.Configuration;
  stop(): Promise<void>;
};

/** What a browser test stands on: Chromium, a callback listener, a Gatehouse server and its first-party client `app`. */
export async function startBrowserGatehouse(): Promise<BrowserGatehouse> {
  const browser = await launchBrowser();
  const callback = await startCallbackListener();
  const gatehouse = await startTestGatehouse();
  const services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'app', redirect_uris: [callback.redirectUri], first_party: true });
  const rp = await discoverRelyingParty(gatehouse.issuer, 'app', clientSecret);
  return {
    browser, callback, gatehouse, services, rp,
    async stop() {
      await browser.close();
      await services.store.close();
      await gatehouse.stop();
      await callback.close();
    },
  };
}
