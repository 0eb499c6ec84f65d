import { groupKey, otpauthIssuerFor, otpauthUri } from '../../src/factors/totp/otpauthUri.ts';

const key = { issuer: 'login.example.com', account: 'PEPE', secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', algorithm: 'SHA1', digits: 6, period: 30 } as const;

test('the Key Uri Format: label ISSUER:ACCOUNT, then secret, issuer, algorithm, digits and period', () => {
  expect(otpauthUri(key)).toBe('otpauth://totp/login.example.com:PEPE?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=login.example.com&algorithm=SHA1&digits=6&period=30');
  expect(otpauthUri({ ...key, algorithm: 'SHA512', digits: 8, period: 60 })).toMatch(/&algorithm=SHA512&digits=8&period=60$/);
});

test('each part is percent-encoded on its own: a space is %20 (never +), a colon inside a part %3A, + and @ encoded', () => {
  const uri = otpauthUri({ ...key, issuer: 'ACME Corp: Staff', account: 'pepe+mfa@example.com' });
  expect(uri).toBe(
    'otpauth://totp/ACME%20Corp%3A%20Staff:pepe%2Bmfa%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME%20Corp%3A%20Staff&algorithm=SHA1&digits=6&period=30',
  );
  // What an app reads back: the label splits at the one literal colon; the parameters decode to the originals.
  const parsed = new URL(uri);
  const [issuer, account] = parsed.pathname.slice(1).split(':').map(decodeURIComponent);
  expect({ issuer, account, issuerParameter: parsed.searchParams.get('issuer') }).toEqual({ issuer: 'ACME Corp: Staff', account: 'pepe+mfa@example.com', issuerParameter: 'ACME Corp: Staff' });
});

test('the issuer is the host name of ISSUER (no port); an IPv6 literal or a bad URL gives "Gatehouse"', () => {
  expect(otpauthIssuerFor('https://login.example.com')).toBe('login.example.com');
  expect(otpauthIssuerFor('https://login.example.com:8443/gatehouse')).toBe('login.example.com');
  expect(otpauthIssuerFor('http://127.0.0.1:3000')).toBe('127.0.0.1');
  expect(otpauthIssuerFor('http://[::1]:3000')).toBe('Gatehouse');
  expect(otpauthIssuerFor('not a url')).toBe('Gatehouse');
});

test('a key is shown in groups of four', () => {
  expect(groupKey('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
  expect(groupKey('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
  expect(groupKey('')).toBe('');
});
