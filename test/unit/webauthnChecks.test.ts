import { credentialName } from '../../src/factors/webauthn/createWebauthnCredentials.ts';
import { parseCeremonyResponse } from '../../src/factors/webauthn/parseCeremonyResponse.ts';
import { relyingPartyOf } from '../../src/factors/webauthn/relyingParty.ts';
import { counterWentBack } from '../../src/factors/webauthn/checkAssertion.ts';
import { webauthnAmr } from '../../src/factors/webauthn/webauthnMetadata.ts';

// The pure parts of the Device Auth factor's verification; the ceremonies themselves run
// in Chromium with its virtual authenticator (test/e2e/webauthn.test.ts).

test.each([
  { stored: 0, received: 0, back: false, why: 'an authenticator that keeps no counter' },
  { stored: 0, received: 1, back: false, why: 'the first count' },
  { stored: 5, received: 6, back: false, why: 'counted up' },
  { stored: 5, received: 5, back: true, why: 'the same count again' },
  { stored: 5, received: 2, back: true, why: 'counted down (a clone)' },
  { stored: 5, received: 0, back: true, why: 'a counter that stopped counting' },
])('counter $stored then $received: went back $back ($why)', ({ stored, received, back }) => {
  expect(counterWentBack(stored, received)).toBe(back);
});

test('amr: hwk, and user when the authenticator verified the user', () => {
  expect(webauthnAmr(false)).toEqual(['hwk']);
  expect(webauthnAmr(true)).toEqual(['hwk', 'user']);
});

test('the relying party is the issuer: its hostname the RP ID, its origin the origin', () => {
  expect(relyingPartyOf('https://login.example.com/')).toEqual({ id: 'login.example.com', origin: 'https://login.example.com', name: 'login.example.com' });
  expect(relyingPartyOf('http://localhost:3000')).toMatchObject({ id: 'localhost', origin: 'http://localhost:3000' });
});

const answer = { id: 'abc_-1', rawId: 'abc_-1', type: 'public-key', response: { clientDataJSON: 'e30' }, clientExtensionResults: {} };

test('the browser answer: JSON of a public-key credential with a base64url id; anything else is no answer', () => {
  expect(parseCeremonyResponse(JSON.stringify(answer))).toEqual(answer);
  for (const text of ['', 'not json', 'null', '[]', '"text"', JSON.stringify({ ...answer, type: 'password' }), JSON.stringify({ ...answer, id: 'a b' }), JSON.stringify({ ...answer, response: {} }), JSON.stringify({ ...answer, rawId: 1 }), 'x'.repeat(40_000)]) {
    expect(parseCeremonyResponse(text)).toBeUndefined();
  }
});

test('a credential name: trimmed, 1 to 60 characters, no control characters', () => {
  expect(credentialName('  Work laptop ')).toBe('Work laptop');
  expect(credentialName('x'.repeat(60))).toBe('x'.repeat(60));
  for (const typed of ['', '   ', 'x'.repeat(61), 'a\nb', 'tab\there', undefined, 42, ['a']]) expect(credentialName(typed)).toBeUndefined();
});
