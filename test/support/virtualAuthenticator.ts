import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/** A credential as Chromium's virtual authenticator gives it (CDP WebAuthn.Credential). */
export type VirtualCredential = { credentialId: string; isResidentCredential: boolean; rpId?: string; privateKey: string; userHandle?: string; signCount: number };

/**
 * A CTAP2 authenticator built into the device (a platform passkey) that verifies the user,
 * on one page through the Chrome DevTools Protocol (WebAuthn domain): the real browser's
 * WebAuthn code, with no dialog to answer.
 */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page, { isUserVerified = true }: { /** false: the authenticator signs without verifying the user (no PIN, no fingerprint). */ isUserVerified?: boolean } = {}) {
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified, automaticPresenceSimulation: true },
  });
  return {
    async credentials(): Promise<VirtualCredential[]> {
      return ((await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as { credentials: VirtualCredential[] }).credentials;
    },
    async addCredential(credential: VirtualCredential): Promise<void> {
      await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
    },
  };
}
