import type { MessageKey } from '../i18n/messages.en.ts';
import type { Translate } from '../i18n/translate.ts';

const scopeDescriptions: Record<string, MessageKey> = {
  openid: 'scope.openid',
  profile: 'scope.profile',
  email: 'scope.email',
  phone: 'scope.phone',
  roles: 'scope.roles',
  offline_access: 'scope.offline_access',
  admin: 'scope.admin',
};

/** What a consent page lists: each missing scope as a sentence a person understands, in the page's language. */
export function describeScopes(details: Record<string, unknown>, t: Translate): string[] {
  const scopes = Array.isArray(details.missingOIDCScope) ? (details.missingOIDCScope as string[]) : [];
  const claims = Array.isArray(details.missingOIDCClaims) ? (details.missingOIDCClaims as string[]) : [];
  return [
    ...scopes.map((scope) => (Object.hasOwn(scopeDescriptions, scope) ? t(scopeDescriptions[scope]!) : scope)),
    ...claims.map((claim) => t('scope.claim', { claim: claim.replace(/_/g, ' ') })),
  ];
}
