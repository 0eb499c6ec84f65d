/**
 * What a bearer value in a URL looks like: every link token, session or artefact id that
 * Gatehouse or oidc-provider makes is at least 32 characters of base64url (or hex). Names,
 * user IDs, interaction uids (21 characters) and file names are shorter or shaped
 * otherwise, so they stay readable in the log.
 */
const secretSegment = /^[A-Za-z0-9_-]{32,}$/;

/**
 * A URL path as the log may show it: any segment shaped like a bearer value is replaced,
 * and a query string is dropped (query values carry codes and states). One rule for every
 * path, so a new kind of link (a registration link today, a password-reset link later) is
 * redacted without anyone having to remember it.
 */
export function redactPath(path: unknown): unknown {
  if (typeof path !== 'string') return path;
  const withoutQuery = path.split(/[?#]/, 1)[0]!;
  return withoutQuery
    .split('/')
    .map((segment) => (secretSegment.test(segment) ? '[redacted]' : segment))
    .join('/');
}
