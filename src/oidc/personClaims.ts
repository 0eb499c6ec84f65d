import { emailVerified, phoneVerified } from '../directory/verifiedAddresses.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';

/**
 * Which claims each scope releases (OIDC Core 5.4). `acr`, `amr` and `auth_time` come
 * with `openid`, so every ID token says how the person signed in.
 */
export const claimsByScope = {
  openid: ['sub', 'acr', 'amr', 'auth_time'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'birthdate', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  roles: ['roles'],
} as const;

const locales: Record<string, string> = { ENG: 'en', SPA: 'es', ESP: 'es', FRA: 'fr', DEU: 'de', ITA: 'it', POR: 'pt' };

/** The standard OIDC claims of a person; absent fields are left out, never sent empty. */
export function personClaims(person: StoredPerson): Record<string, unknown> {
  const fullName = [person.firstName, person.familyName].filter(Boolean).join(' ');
  const language = person.preferredLanguage?.trim();
  const claims: Record<string, unknown> = {
    sub: person._id,
    preferred_username: person.defaultUserId,
    updated_at: Math.floor(person.lastUpdate.getTime() / 1000),
    name: fullName || undefined,
    given_name: person.firstName,
    family_name: person.familyName,
    birthdate: person.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(person.birthDate) ? person.birthDate : undefined,
    locale: language ? (locales[language.toUpperCase()] ?? language.toLowerCase()) : undefined,
    email: person.email,
    // True only for the address Gatehouse proved or an admin marked (verifiedAddresses.ts).
    email_verified: person.email ? emailVerified(person) : undefined,
    phone_number: person.cellPhone,
    phone_number_verified: person.cellPhone ? phoneVerified(person) : undefined,
    // Always a list: an empty one says "no roles", which a relying party must not read as "not released".
    roles: [...person.roles],
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}
