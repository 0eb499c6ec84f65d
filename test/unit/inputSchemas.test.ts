import { z } from 'zod';
import { classSchema } from '../../src/directory/schemas/classSchema.ts';
import { clientSchema } from '../../src/directory/schemas/clientSchema.ts';
import { importDocumentSchema } from '../../src/directory/schemas/importDocumentSchema.ts';
import { ipGroupSchema } from '../../src/directory/schemas/ipGroupSchema.ts';
import { asSentence, fieldOfMessage, parseInput } from '../../src/directory/schemas/parseInput.ts';
import { personSchema } from '../../src/directory/schemas/personSchema.ts';
import { settingsSchema } from '../../src/directory/schemas/settingsSchema.ts';
import { factorIds } from '../../src/policy/types.ts';

const refusal = (schema: z.ZodType, input: unknown): string => {
  try {
    parseInput(schema, input);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
};

// Each refusal names the field (its path) first, as the CLI, the API and import show it.
test.each([
  ['class', 5, 'A class must be an object.', classSchema],
  ['class', { name: 'STD', colour: 'red' }, 'colour: not a class field (known: name, text, mfa_device, no_screen_channel, email_domain, allow_otp_instead_of_totp, factors, api_provider, question_count, max_retries, wait_seconds, password_reset).', classSchema],
  ['class', { name: '*dft' }, "name: *DFT is reserved (a person's class may be *DFT, the default class, or *NEVER, no second factor).", classSchema],
  ['class', { name: 'TOO_LONG_NAME' }, 'name: the name of a class is 1 to 10 characters A–Z, 0–9 or _; got "TOO_LONG_NAME".', classSchema],
  ['class', { name: 'STD', mfa_device: 'X' }, 'mfa_device: one of N (no second factor at sign-in), C (code by SMS to the cell phone), E (code by email), S (on screen: a TOTP code or questions); got "X".', classSchema],
  ['class', { name: 'STD', factors: { MFA: { SMS: 1 } } }, `factors.MFA.SMS: not a factor (known: ${factorIds.join(', ')}).`, classSchema],
  ['class', { name: 'STD', factors: { XYZ: {} } }, 'factors.XYZ: not a context (known: MFA, AOD, P-R).', classSchema],
  ['class', { name: 'STD', factors: { 'P-R': { TOTP: 10 } } }, 'factors.P-R.TOTP: a priority from 1 to 9.', classSchema],
  ['class', { name: 'STD', factors: { MFA: { TOTP: 1, OTP: 1 } } }, 'factors.MFA: priority 1 is given to both OTP and TOTP.', classSchema],
  ['class', { name: 'STD', password_reset: { verify: 'N' } }, 'password_reset.verify: not a password reset field (known: verify_by, new_password_by, reset_by, must_change_minutes).', classSchema],
  ['class', { name: 'STD', password_reset: { must_change_minutes: 0 } }, 'password_reset.must_change_minutes: a whole number from 1 to 999 (999 = no limit); got 0.', classSchema],
  ['class', { name: 'STD', wait_seconds: 1000 }, 'wait_seconds: a whole number from 1 to 999 (999 = no retry until an admin unlocks); got 1000.', classSchema],
  ['class', { name: 'STD', email_domain: 'nodot' }, 'email_domain: a domain such as example.com; got "nodot".', classSchema],
  ['class', { name: 'STD', factors: { MFA: { Qstn: 1 } } }, 'question_count: the Qstn factor is used (factors.MFA.Qstn), so at least 1 question must be asked.', classSchema],
  ['class', { name: 'STD', factors: { AOD: { API: 1 } } }, 'api_provider: required with the API factor (used in factors.AOD): the MFA provider to call, such as DUO, OKTA or PINGID.', classSchema],
  ['IP group', { name: 'OFFICE', ranges: [] }, 'ranges: at least one range, such as ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"].', ipGroupSchema],
  ['IP group', { name: 'OFFICE', ranges: ['10.0.0.0/8', '10.1.0.0/8'] }, 'ranges[1]: "10.1.0.0/8" has address bits set after the first 8: the range is 10.0.0.0/8, or give the address alone for just that address.', ipGroupSchema],
  ['IP group', { name: 'OFFICE', ranges: [7] }, 'ranges[0]: a range such as 10.0.0.0/8, 2001:db8::/32 or 192.0.2.7; got 7.', ipGroupSchema],
  ['person', { name: 'pe pe' }, 'name: 1 to 64 letters, digits or . _ @ + - (no spaces); got "pe pe".', personSchema],
  ['person', { name: 'PEPE', user_ids: ['ok', 'not ok'] }, 'user_ids: 1 to 64 letters, digits or . _ @ + - (no spaces); got "not ok".', personSchema],
  ['person', { name: 'PEPE', password: 12_345_678_901_234 }, 'password: a text is needed.', personSchema],
  ['person', { name: 'PEPE', password: 'long enough', password_hash: 'x' }, 'password_hash: not an argon2id hash in the form $argon2id$v=19$m=…,t=…,p=…$salt$hash (other algorithms, argon2i and argon2d are not accepted).', personSchema],
  ['person', { name: 'PEPE', email: 'x' }, 'email: "x" is not an email address.', personSchema],
  ['person', { name: 'PEPE', birth_date: '2001-02-30' }, 'birth_date: a date as YYYY-MM-DD (e.g. 2001-01-01); got "2001-02-30".', personSchema],
  ['person', { name: 'PEPE', ip_group: 'off ice' }, 'ip_group: the name of an IP group is 1 to 10 characters A–Z, 0–9 or _; got "off ice".', personSchema],
  ['person', { name: 'PEPE', roles: ['Admin'] }, 'roles: a list of role names in lower case, such as ["admin"].', personSchema],
  ['person', { name: 'PEPE', phone_verified: true }, 'phone_verified: there is no cell_phone to mark as verified.', personSchema],
  ['client', { client_id: 'app', grant_types: ['implicit'] }, 'grant_types: a non-empty list of authorization_code, refresh_token, client_credentials.', clientSchema],
  ['client', { client_id: 'app', redirect_uris: ['http://app.example/cb'] }, 'redirect_uris: "http://app.example/cb" must use https (http is accepted only for localhost).', clientSchema],
  ['client', { client_id: 'app', redirect_uris: ['https://app.example/cb'], admin_api: true }, 'admin_api: only a confidential client with the client_credentials grant may use the admin API.', clientSchema],
  ['settings', { default_class: '' }, 'default_class: the name of a class, or null for none.', settingsSchema],
  ['settings', { colour: 'red' }, 'colour: not a setting (known: default_class).', settingsSchema],
  ['import document', { persons: {} }, 'persons: a list of persons.', importDocumentSchema],
])('%s: %j is refused naming the field', (_kind, input, message, schema) => {
  expect(refusal(schema, input)).toBe(message);
});

test('a class is made into the class as stored: codes upper-cased, defaults filled in, factors in the screen\'s order', () => {
  expect(parseInput(classSchema, { name: 'std', mfa_device: 's', allow_otp_instead_of_totp: 'y', factors: { MFA: { Qstn: 2, TOTP: 1, OTP: null } }, question_count: 2, email_domain: '@Example.COM' })).toEqual({
    name: 'STD',
    text: '',
    mfaDevice: 'S',
    noScreenChannel: 'E',
    allowOtpInsteadOfTotp: true,
    priorities: { MFA: { TOTP: 1, Qstn: 2 }, AOD: {}, 'P-R': {} },
    questionCount: 2,
    maxRetries: 3,
    waitSeconds: 60,
    passwordReset: { verifyBy: 'N', newPasswordBy: 'N', resetBy: '1', mustChangeMinutes: 10 },
    emailDomain: 'example.com',
  });
});

test('an IP group\'s ranges come out in their normal form, each once', () => {
  expect(parseInput(ipGroupSchema, { name: 'office', ranges: ['10.0.0.0/8', '::ffff:10.0.0.0/104', '192.0.2.7'] })).toEqual({ name: 'OFFICE', text: '', ranges: ['10.0.0.0/8', '192.0.2.7/32'] });
});

test('the JSON Schema of a class names the factors of policy/types.ts, and the codes of each coded field', () => {
  const document = z.toJSONSchema(classSchema, { io: 'input' }) as unknown as { $defs: { ClassInput: { properties: Record<string, any>; required: string[] } } };
  const { properties, required } = document.$defs.ClassInput;
  expect(required).toEqual(['name']);
  expect(properties.mfa_device.enum).toEqual(['N', 'C', 'E', 'S']);
  expect(properties.factors.anyOf[0].properties.MFA.anyOf[0].propertyNames.enum).toEqual([...factorIds]);
});

test('a message of the shared schemas gives back the field it names, whole and by its first name; a sentence names none', () => {
  expect(fieldOfMessage('factors.MFA.TOTP: a priority from 1 to 9; got 12.')).toEqual({ path: 'factors.MFA.TOTP', root: 'factors', detail: 'a priority from 1 to 9; got 12.' });
  expect(fieldOfMessage('ranges[1]: "10.0.0.1/99" is not a range.')).toEqual({ path: 'ranges[1]', root: 'ranges', detail: '"10.0.0.1/99" is not a range.' });
  expect(fieldOfMessage('password_reset.verify_by: N needs a new password sent by C or E.')?.root).toBe('password_reset');
  expect(fieldOfMessage('There is no person "PEPE".')).toBeUndefined();
  expect(fieldOfMessage('Nothing was changed: try again.')).toBeUndefined();
  expect(asSentence('a priority from 1 to 9.')).toBe('A priority from 1 to 9.');
  expect(asSentence('"x" is not an email address.')).toBe('"x" is not an email address.');
});
