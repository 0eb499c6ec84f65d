import type { TotpAlgorithm } from '../../store/repositories/factorStateRepository.ts';

/** What an authenticator app needs to add the key: Google's Key Uri Format. */
export type OtpauthKey = { issuer: string; account: string; secret: string; algorithm: TotpAlgorithm; digits: 6 | 8; period: number };

/** The issuer when the configured one cannot serve (see otpauthIssuerFor). */
export const defaultOtpauthIssuer = 'Gatehouse';

/**
 * The issuer shown in the authenticator app: the host name of the provider's issuer URL
 * (ISSUER), so a person with accounts on two deployments tells them apart. The key URI
 * format forbids a colon in the issuer (it separates issuer and account in the label),
 * so an IPv6 literal, or an issuer that is not a URL, falls back to "Gatehouse".
 */
export function otpauthIssuerFor(issuerUrl: string): string {
  try {
    const { hostname } = new URL(issuerUrl);
    return hostname && !hostname.includes(':') ? hostname : defaultOtpauthIssuer;
  } catch {
    return defaultOtpauthIssuer;
  }
}

/**
 * `otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=…&digits=…&period=…`. Each
 * part is percent-encoded on its own (encodeURIComponent: a space is %20, never "+", which
 * apps would show as a plus; a colon inside a part is %3A, so only the separator is one).
 * The issuer is in the label and the parameter, as the format recommends; the algorithm,
 * digits and period are always written, even at their defaults.
 */
export function otpauthUri(key: OtpauthKey): string {
  const label = `${encodeURIComponent(key.issuer)}:${encodeURIComponent(key.account)}`;
  const query = [
    ['secret', key.secret],
    ['issuer', key.issuer],
    ['algorithm', key.algorithm],
    ['digits', String(key.digits)],
    ['period', String(key.period)],
  ]
    .map(([name, value]) => `${name}=${encodeURIComponent(value!)}`)
    .join('&');
  return `otpauth://totp/${label}?${query}`;
}

/** The key as shown for typing: groups of four characters (`ABCD EFGH …`). */
export function groupKey(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(' ') ?? '';
}

/** QR codes of an otpauth URI: medium error correction and the standard quiet zone of four modules, which phone cameras need. */
export const qrCodeOptions = { errorCorrectionLevel: 'M', margin: 4 } as const;
