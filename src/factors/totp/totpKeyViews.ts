import type { TotpKeyCreated, TotpKeyDisplay, TotpKeyStatus, TotpLinkSent, TotpRemoved } from './createTotpKeyMenu.ts';

// The menu's answers as JSON (snake_case, like every JSON answer of the CLI and the admin API).

const parameters = (key: Partial<Pick<TotpKeyStatus, 'algorithm' | 'digits' | 'period'>>) => ({
  ...(key.algorithm ? { algorithm: key.algorithm } : {}),
  ...(key.digits ? { digits: key.digits } : {}),
  ...(key.period ? { period: key.period } : {}),
});

/** Never the key: `show` displays it, audited. */
/** A registration link sent: where (masked) and until when; never the link. */
export const totpLinkView = (link: TotpLinkSent) => ({ name: link.name, sent_to: link.sentTo, expires_at: link.expiresAt });

export const totpCreatedView = (created: TotpKeyCreated & { link?: TotpLinkSent }) => ({
  name: created.name,
  state: created.state,
  ...parameters(created),
  key_generated: created.generated,
  replaced: created.replaced,
  emergency_tokens_created: created.emergencyTokensCreated,
  tokens_left: created.tokensLeft,
  ...(created.link ? { link_sent_to: created.link.sentTo, link_expires_at: created.link.expiresAt } : {}),
});

export const totpStatusView = (status: TotpKeyStatus) => ({ name: status.name, state: status.state, ...parameters(status), tokens_left: status.tokensLeft });

export const totpDisplayView = (display: TotpKeyDisplay) => ({
  name: display.name,
  state: display.state,
  ...(display.key ? { key: display.key } : {}),
  ...parameters(display),
  ...(display.otpauthUri ? { otpauth_uri: display.otpauthUri } : {}),
  emergency_tokens: display.emergencyTokens,
  tokens_left: display.tokensLeft,
});

export const totpTokensView = (recreated: { name: string; tokensLeft: number }) => ({ name: recreated.name, tokens_left: recreated.tokensLeft });

export const totpRemovedView = (removed: TotpRemoved) => ({ name: removed.name, key_removed: removed.keyRemoved, emergency_tokens_removed: removed.emergencyTokensRemoved });
