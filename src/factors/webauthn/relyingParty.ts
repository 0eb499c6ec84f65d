/**
 * The WebAuthn relying party Gatehouse is: its ID is the issuer's hostname, and the
 * origin a ceremony must come from is the issuer's origin (config.issuer). A passkey
 * made for one issuer host does not sign in at another.
 */
export type RelyingParty = { id: string; origin: string; name: string };

export function relyingPartyOf(issuer: string): RelyingParty {
  const url = new URL(issuer);
  return { id: url.hostname, origin: url.origin, name: url.hostname };
}
