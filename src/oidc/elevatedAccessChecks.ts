import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { acrValues } from './acr.ts';

const { Check } = interactionPolicy;

/**
 * Whether the relying party asks for elevated access: acr_values, or the acr claim
 * (essential or not). An essential acr claim that the session's acr already meets with a
 * value below elevated access (values `mfa` or `aod`, a session at `mfa`) asks nothing more.
 */
export function elevatedAccessRequested(ctx: KoaContextWithOIDC): boolean {
  const { oidc } = ctx;
  const acrParam = oidc.params?.acr_values;
  const fromParams = typeof acrParam === 'string' ? acrParam.split(' ') : [];
  const claim = (oidc.claims as { id_token?: { acr?: { essential?: boolean; value?: string; values?: string[] } } } | undefined)?.id_token?.acr;
  const claimed = [...(claim?.value ? [claim.value] : []), ...(claim?.values ?? [])];
  const sessionAcr = oidc.session?.acr;
  if (claim?.essential && sessionAcr && sessionAcr !== acrValues.elevated && claimed.includes(sessionAcr)) return false;
  return [...fromParams, ...claimed].includes(acrValues.elevated);
}

/** The session holds elevated access that has not yet run out. */
function elevatedNow(ctx: KoaContextWithOIDC, ttlSeconds: number): boolean {
  const session = ctx.oidc.session;
  return session?.acr === acrValues.elevated && typeof session.loginTs === 'number' && Date.now() / 1000 - session.loginTs <= ttlSeconds;
}

/**
 * Step-up (product.md AOD) as login-prompt checks, since acr_values is not essential to
 * oidc-provider: asking for elevated access prompts unless the session has it now; and an
 * elevated session whose time ran out prompts too, so that its acr falls back (the sign-in
 * routes then finish at once with the sign-in level).
 */
export function elevatedAccessChecks(ttlSeconds: number) {
  return [
    new Check('elevated_access_requested', 'the relying party asks for elevated access (AOD)', (ctx) =>
      elevatedAccessRequested(ctx) && !elevatedNow(ctx, ttlSeconds) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
    ),
    new Check('elevated_access_expired', 'the elevated access of the session ran out', (ctx) =>
      ctx.oidc.session?.acr === acrValues.elevated && !elevatedNow(ctx, ttlSeconds) && !elevatedAccessRequested(ctx)
        ? Check.REQUEST_PROMPT
        : Check.NO_NEED_TO_PROMPT,
    ),
  ];
}

/** oidc-provider's default policy with the step-up checks added to its login prompt. */
export function interactionPolicyWithStepUp(ttlSeconds: number) {
  const policy = interactionPolicy.base();
  const login = policy.get('login')!;
  for (const check of elevatedAccessChecks(ttlSeconds)) login.checks.add(check);
  return policy;
}
