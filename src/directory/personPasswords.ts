import { hashPassword, verifyPassword } from '../factors/password/passwordHasher.ts';
import { normalizePassword, passwordOwnerOf, type PasswordRules } from '../security/passwordRules.ts';
import { validatePersonInput } from './personInput.ts';

/** Passwords are hashed in their NFC form, the form the rules count (security/passwordRules.ts). */
export const hashNewPassword = (password: string) => hashPassword(normalizePassword(password));

/** Whether `password` matches: in NFC, or as typed for a password set in another form before the rules normalised them. */
export async function passwordMatches(hash: string, password: string): Promise<boolean> {
  const typed = typeof password === 'string' ? normalizePassword(password) : password;
  return (await verifyPassword(hash, typed)) || (typed !== password && verifyPassword(hash, password));
}

/** A person document checked by the shared schema, and its password (if any) by the password rules. */
export function validatePersonWithPassword(rules: PasswordRules, input: unknown): ReturnType<typeof validatePersonInput> {
  const checked = validatePersonInput(input);
  if (checked.password !== undefined) rules.check(checked.password, passwordOwnerOf(checked.person));
  return checked;
}
