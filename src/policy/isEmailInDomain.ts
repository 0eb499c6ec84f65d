/**
 * Whether an email address belongs to a domain: the part after the last "@" equals the
 * domain, ignoring case. A subdomain is a different domain ("mail.example.com" is not
 * "example.com"), so a class restricted to a domain cannot leak codes to a sibling host.
 * A leading "@" in the configured domain is tolerated.
 */
export function isEmailInDomain(email: string, domain: string): boolean {
  const at = email.lastIndexOf('@');
  if (at < 0) return false;
  const wanted = domain.trim().replace(/^@/, '').toLowerCase();
  return wanted !== '' && email.slice(at + 1).trim().toLowerCase() === wanted;
}
