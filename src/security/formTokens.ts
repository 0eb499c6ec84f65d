import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens for forms whose page is bound to a value in its URL (an interaction's uid):
 * an HMAC of that value under a key of the server, so that only a page Gatehouse rendered
 * for it can hold the token. Never stored; a changed master key only fails forms that were
 * open at the moment of the change.
 */
export function createFormTokens(key: Buffer) {
  const tokenFor = (binding: string) => createHmac('sha256', key).update(binding).digest('base64url');
  return {
    tokenFor,
    /** Whether a submitted token is the one of `binding`, compared in constant time. */
    matches(binding: string, submitted: unknown): boolean {
      if (typeof submitted !== 'string') return false;
      const expected = Buffer.from(tokenFor(binding));
      const given = Buffer.from(submitted);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

export type FormTokens = ReturnType<typeof createFormTokens>;
