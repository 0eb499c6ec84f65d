import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

/** The most a browser's JSON answer may be (a large attestation stays far below). */
const maximumLength = 32_000;
const base64url = /^[A-Za-z0-9_-]+$/;

/**
 * The hidden field the page's script filled with the browser's answer, as the library's
 * JSON shape; undefined for anything else (empty, not JSON, not a public-key credential),
 * which the step treats as a slip, not a guess.
 */
export function parseCeremonyResponse<T extends AuthenticationResponseJSON | RegistrationResponseJSON>(text: string): T | undefined {
  if (!text || text.length > maximumLength) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, rawId, type, response } = value as Record<string, unknown>;
  if (typeof id !== 'string' || !base64url.test(id) || typeof rawId !== 'string' || type !== 'public-key') return undefined;
  if (typeof response !== 'object' || response === null || typeof (response as Record<string, unknown>).clientDataJSON !== 'string') return undefined;
  return value as T;
}
