import { addressKey, emailVerified, phoneVerified } from '../../src/directory/verifiedAddresses.ts';

describe('verified addresses: only the address that was proven', () => {
  test('an email compares ignoring case and spaces; a phone number by its digits', () => {
    expect(addressKey('email', ' Ana@Example.com ')).toBe('ana@example.com');
    expect(addressKey('sms', '+34 600-111 (222)')).toBe('+34600111222');
    expect(emailVerified({ email: 'ana@example.com', emailVerifiedFor: 'ANA@example.com' })).toBe(true);
    expect(emailVerified({ email: 'ana.new@example.com', emailVerifiedFor: 'ana@example.com' })).toBe(false);
    expect(emailVerified({ email: 'ana@example.com' })).toBe(false);
    expect(phoneVerified({ cellPhone: '+34 600 111 222', phoneVerifiedFor: '+34600111222' })).toBe(true);
    expect(phoneVerified({ cellPhone: '34600111222', phoneVerifiedFor: '+34600111222' })).toBe(false);
  });
});
