const scopeDescriptions: Record<string, string> = {
  openid: 'Know who you are (your account identifier)',
  profile: 'Your name, user ID, birth date and language',
  email: 'Your email address',
  phone: 'Your cell phone number',
  roles: 'Your roles in the organisation',
  offline_access: 'Stay connected when you are not using it',
  admin: 'Manage Gatehouse as an administrator: persons, classes, clients and settings',
};

/** What a consent page lists: each missing scope as a sentence a person understands. */
export function describeScopes(details: Record<string, unknown>): string[] {
  const scopes = Array.isArray(details.missingOIDCScope) ? (details.missingOIDCScope as string[]) : [];
  const claims = Array.isArray(details.missingOIDCClaims) ? (details.missingOIDCClaims as string[]) : [];
  return [
    ...scopes.map((scope) => scopeDescriptions[scope] ?? scope),
    ...claims.map((claim) => `The ${claim.replace(/_/g, ' ')} claim`),
  ];
}
