import { acrRequestOf, aimOf, asksOnlyUnknownAcr, meetsAcrRequest } from '../../src/oidc/acr.ts';

const pwd = 'urn:gatehouse:acr:pwd';
const mfa = 'urn:gatehouse:acr:mfa';
const aod = 'urn:gatehouse:acr:aod';
const claims = (acr: Record<string, unknown>) => ({ claims: JSON.stringify({ id_token: { acr } }) });

describe('acrRequestOf: what the relying party asks of the acr', () => {
  test.each([
    ['nothing', {}, { elevated: false }],
    ['acr_values (never essential)', { acr_values: `${mfa} ${aod}` }, { elevated: true }],
    ['a voluntary acr claim', claims({ values: [aod] }), { elevated: true }],
    ['an essential value', claims({ essential: true, value: mfa }), { essential: [mfa], elevated: false }],
    ['essential values, in order', claims({ essential: true, values: [aod, pwd] }), { essential: [aod, pwd], elevated: true }],
    ['an unreadable claims parameter', { claims: '{' }, { elevated: false }],
  ])('%s', (_name, params, expected) => {
    expect(acrRequestOf(params)).toEqual(expected);
  });
});

describe('aimOf: what a sign-in aims at for an essential acr', () => {
  const none = { mfa: false, aod: false };
  const signInFactor = { mfa: true, aod: false };
  const both = { mfa: true, aod: true };
  test.each([
    ['no essential acr: what was asked', { elevated: true }, none, { elevated: true }],
    ['essential aod with an AOD factor', { essential: [aod], elevated: true }, both, { elevated: true }],
    ['essential aod without an AOD factor', { essential: [aod], elevated: true }, signInFactor, { unmet: "The person's class cannot reach any of the requested acr values." }],
    ['essential mfa without a sign-in factor', { essential: [mfa], elevated: false }, none, { unmet: "The person's class cannot reach any of the requested acr values." }],
    ['essential pwd with a sign-in factor (the acr would be mfa)', { essential: [pwd], elevated: false }, signInFactor, { unmet: "The person's class cannot reach any of the requested acr values." }],
    ['the first reachable value, in the relying party\'s order', { essential: [aod, mfa], elevated: true }, signInFactor, { elevated: false }],
    ['only unknown values', { essential: ['urn:example:other'], elevated: false }, both, { unmet: 'None of the requested acr values is supported.' }],
  ])('%s', (_name, request, reach, expected) => {
    expect(aimOf(request, reach)).toEqual(expected);
  });

  test('asksOnlyUnknownAcr and meetsAcrRequest', () => {
    expect(asksOnlyUnknownAcr({ essential: ['urn:example:other'], elevated: false })).toBe(true);
    expect(asksOnlyUnknownAcr({ essential: ['urn:example:other', pwd], elevated: false })).toBe(false);
    expect(asksOnlyUnknownAcr({ elevated: false })).toBe(false);
    expect(meetsAcrRequest({ elevated: true }, pwd)).toBe(true);
    expect(meetsAcrRequest({ essential: [mfa], elevated: false }, pwd)).toBe(false);
  });
});
