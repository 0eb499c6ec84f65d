import { ConflictError, InvalidInputError, NotFoundError } from '../../src/errors/GatehouseError.ts';
import type { Services } from '../../src/services.ts';
import { personModel } from '../../src/store/models/personModel.ts';
import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

let services: Services;

beforeAll(async () => {
  services = await openTestServices(testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey() }));
});
afterAll(async () => services?.store.close());
beforeEach(async () => {
  const { connection } = services.store;
  await Promise.all(['classes', 'settings', 'persons', 'person_keys', 'audit'].map((name) => connection.collection(name).deleteMany({})));
});

const actor = { kind: 'cli' as const, id: 'tester' };

/** The "Add New Class" example of the source document. */
const totpClass = {
  name: 'TOTP',
  text: 'USE TOTP IN MFA',
  mfa_device: 'E',
  no_screen_channel: 'E',
  allow_otp_instead_of_totp: 'N',
  factors: { MFA: { TOTP: 1 } },
  question_count: 0,
  max_retries: 3,
  wait_seconds: 60,
  password_reset: { reset_by: '1', must_change_minutes: 10 },
};

/** Every field set away from its default. */
const everyField = {
  name: 'full_1',
  text: 'Every field of the screen',
  mfa_device: 's',
  no_screen_channel: 'C',
  email_domain: '@Example.COM',
  allow_otp_instead_of_totp: true,
  factors: { MFA: { Qstn: 2, TOTP: 1, OTP: 3 }, AOD: { TOTP: 1, API: 2 }, 'P-R': { OTP: 1, Qstn: 9, Radius: 4, App: 5, DeviceAuth: 6 } },
  api_provider: 'okta',
  question_count: 10,
  max_retries: 0,
  wait_seconds: 999,
  password_reset: { verify_by: 'M', new_password_by: 'E', reset_by: 9, must_change_minutes: 999 },
};

describe('a class is stored with every field of the screen', () => {
  test('fields left out take the documented defaults', async () => {
    const added = await services.classes.add({ name: 'plain' });
    expect(added).toEqual({
      name: 'PLAIN',
      text: '',
      mfa_device: 'N',
      no_screen_channel: 'E',
      allow_otp_instead_of_totp: 'N',
      factors: { MFA: {}, AOD: {}, 'P-R': {} },
      question_count: 0,
      max_retries: 3,
      wait_seconds: 60,
      password_reset: { verify_by: 'N', new_password_by: 'N', reset_by: '1', must_change_minutes: 10 },
      last_update: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  test('every field, normalised: name and codes upper-case, domain lower-case without @, booleans and numbers as codes', async () => {
    await services.classes.add(everyField);
    const { last_update: _, ...shown } = await services.classes.show('FULL_1');
    expect(shown).toEqual({
      name: 'FULL_1',
      text: 'Every field of the screen',
      mfa_device: 'S',
      no_screen_channel: 'C',
      email_domain: 'example.com',
      allow_otp_instead_of_totp: 'Y',
      factors: { MFA: { OTP: 3, TOTP: 1, Qstn: 2 }, AOD: { TOTP: 1, API: 2 }, 'P-R': { OTP: 1, Qstn: 9, App: 5, DeviceAuth: 6, Radius: 4 } },
      api_provider: 'OKTA',
      question_count: 10,
      max_retries: 0,
      wait_seconds: 999,
      password_reset: { verify_by: 'M', new_password_by: 'E', reset_by: '9', must_change_minutes: 999 },
    });
    // The stored form is the planner's ClassPolicy.
    expect(await services.classes.findPolicy('full_1')).toEqual({
      name: 'FULL_1',
      text: 'Every field of the screen',
      mfaDevice: 'S',
      noScreenChannel: 'C',
      emailDomain: 'example.com',
      allowOtpInsteadOfTotp: true,
      priorities: { MFA: { OTP: 3, TOTP: 1, Qstn: 2 }, AOD: { TOTP: 1, API: 2 }, 'P-R': { OTP: 1, Qstn: 9, App: 5, DeviceAuth: 6, Radius: 4 } },
      apiProvider: 'OKTA',
      questionCount: 10,
      maxRetries: 0,
      waitSeconds: 999,
      passwordReset: { verifyBy: 'M', newPasswordBy: 'E', resetBy: '9', mustChangeMinutes: 999 },
    });
    expect(await services.classes.exportAll()).toEqual([shown]);
  });

  test('findPolicy: unknown names, *DFT and *NEVER have none', async () => {
    await services.classes.add(totpClass);
    expect((await services.classes.findPolicy('totp'))?.priorities.MFA).toEqual({ TOTP: 1 });
    expect(await services.classes.findPolicy('NOPE')).toBeUndefined();
    expect(await services.classes.findPolicy('*DFT')).toBeUndefined();
    expect(await services.classes.findPolicy('*NEVER')).toBeUndefined();
  });

  test('names are unique ignoring case, also when added at the same moment', async () => {
    await services.classes.add(totpClass);
    await expect(services.classes.add({ name: 'totp' })).rejects.toThrow(new ConflictError('name: a class "TOTP" already exists (names are compared ignoring case).'));
    const racers = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => services.classes.add({ name: 'Racer', text: `racer ${i}` })));
    expect(racers.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await services.classes.list()).map((c) => c.name)).toEqual(['RACER', 'TOTP']);
  });
});

describe('invalid classes are refused with the field named, and nothing is stored', () => {
  const base = { name: 'BAD' };
  test.each([
    [{ name: '' }, /^name: the name of a class is 1 to 10 characters A–Z, 0–9 or _; got ""\.$/],
    [{ name: 'ELEVEN_CHAR' }, /^name: /],
    [{ name: 'TWO WORDS' }, /^name: /],
    [{ name: 'MINUS-SIGN' }, /^name: /],
    [{ name: 7 }, /^name: /],
    [{}, /^name: /],
    [{ name: '*DFT' }, /^name: \*DFT is reserved/],
    [{ name: '*never' }, /^name: \*NEVER is reserved/],
    [{ ...base, text: 'x'.repeat(51) }, /^text: a text of at most 50 characters on one line\.$/],
    [{ ...base, text: 'two\nlines' }, /^text: /],
    [{ ...base, mfa_device: 'X' }, /^mfa_device: one of N \(no second factor at sign-in\), C .*; got "X"\.$/],
    [{ ...base, mfa_device: 1 }, /^mfa_device: /],
    [{ ...base, no_screen_channel: 'S' }, /^no_screen_channel: one of C .*, E .*; got "S"\.$/],
    [{ ...base, allow_otp_instead_of_totp: 'maybe' }, /^allow_otp_instead_of_totp: one of Y \(yes\), N \(no\); got "maybe"\.$/],
    [{ ...base, email_domain: 'not a domain' }, /^email_domain: a domain such as example\.com; got "not a domain"\.$/],
    [{ ...base, email_domain: 'localhost' }, /^email_domain: /],
    [{ ...base, email_domain: 'pepe@example.com' }, /^email_domain: /],
    [{ ...base, email_domain: '-bad.example.com' }, /^email_domain: /],
    [{ ...base, email_domain: 'example.c0m' }, /^email_domain: /],
    [{ ...base, factors: { MFA: { TOTP: 0 } } }, /^factors\.MFA\.TOTP: a priority from 1 to 9\.$/],
    [{ ...base, factors: { MFA: { TOTP: 10 } } }, /^factors\.MFA\.TOTP: a priority from 1 to 9\.$/],
    [{ ...base, factors: { AOD: { OTP: 1.5 } } }, /^factors\.AOD\.OTP: a priority from 1 to 9\.$/],
    [{ ...base, factors: { 'P-R': { OTP: '1' } } }, /^factors\.P-R\.OTP: a priority from 1 to 9\.$/],
    [{ ...base, factors: { MFA: { OTP: 1, TOTP: 1 } } }, /^factors\.MFA: priority 1 is given to both OTP and TOTP\.$/],
    [{ ...base, factors: { MFA: { SMS: 1 } } }, /^factors\.MFA\.SMS: not a factor \(known: OTP, TOTP, Qstn, App, API, DeviceAuth, Radius\)\.$/],
    [{ ...base, factors: { MFA: { totp: 1 } } }, /^factors\.MFA\.totp: not a factor/],
    [{ ...base, factors: { LOGIN: { TOTP: 1 } } }, /^factors\.LOGIN: not a context \(known: MFA, AOD, P-R\)\.$/],
    [{ ...base, factors: { MFA: [1] } }, /^factors\.MFA: an object of factor priorities/],
    [{ ...base, factors: 'TOTP' }, /^factors: an object with the contexts MFA, AOD and P-R/],
    [{ ...base, question_count: 11 }, /^question_count: a whole number from 0 to 10; got 11\.$/],
    [{ ...base, question_count: -1 }, /^question_count: /],
    [{ ...base, max_retries: 100 }, /^max_retries: a whole number from 0 to 99 \(0 = no maximum\); got 100\.$/],
    [{ ...base, max_retries: '3' }, /^max_retries: /],
    [{ ...base, wait_seconds: 1000 }, /^wait_seconds: a whole number from 1 to 999 \(999 = no retry until an admin unlocks\); got 1000\.$/],
    [{ ...base, wait_seconds: 0 }, /^wait_seconds: .*; got 0\.$/],
    [{ ...base, password_reset: { verify_by: 'X' } }, /^password_reset\.verify_by: one of N \(no verification\), C .*, E .*, M .*; got "X"\.$/],
    [{ ...base, password_reset: { new_password_by: 'M' } }, /^password_reset\.new_password_by: /],
    [{ ...base, password_reset: { reset_by: 3 } }, /^password_reset\.reset_by: one of 1 .*, 2 .*, 9 .*; got 3\.$/],
    [{ ...base, password_reset: { must_change_minutes: 0 } }, /^password_reset\.must_change_minutes: a whole number from 1 to 999 \(999 = no limit\); got 0\.$/],
    [{ ...base, password_reset: { must_change_minutes: 1000 } }, /^password_reset\.must_change_minutes: /],
    [{ ...base, password_reset: { expires: 1 } }, /^password_reset\.expires: not a password reset field/],
    [{ ...base, password_reset: 'E' }, /^password_reset: an object with verify_by, new_password_by, reset_by, must_change_minutes\.$/],
    // A reset is as safe as the sign-in it replaces: no verification only with the new password sent to the person's own channel.
    [{ ...base, password_reset: { verify_by: 'N', new_password_by: 'S' } }, /^password_reset\.verify_by: N \(no verification\) would show a new password to whoever types a user ID; with new_password_by S, verify by C, E or M\.$/],
    [{ ...base, password_reset: { verify_by: 'N', new_password_by: 'E', reset_by: '2' } }, /^password_reset\.reset_by: 2 offers re-enabling the account, which sends nothing to the person's own channel; with verify_by N only 1 \(a new password sent by E\) is safe\.$/],
    [{ ...base, password_reset: { verify_by: 'N', new_password_by: 'C', reset_by: '9' } }, /^password_reset\.reset_by: 9 offers re-enabling/],
    [{ ...base, password_reset: { verify_by: 'M', new_password_by: 'N' } }, /^password_reset\.verify_by: M asks the P-R factors, but none has a priority in factors\.P-R/],
    [{ ...base, colour: 'blue' }, /^colour: not a class field \(known: name, text, /],
    [{ ...base, api_provider: 'DUO' }, /^api_provider: only used with the API factor/],
    [{ ...base, factors: { AOD: { API: 1 } } }, /^api_provider: required with the API factor \(used in factors\.AOD\)/],
    [{ ...base, factors: { AOD: { API: 1 } }, api_provider: 'has space' }, /^api_provider: the name of an MFA provider/],
    [{ ...base, factors: { MFA: { Qstn: 1 } } }, /^question_count: the Qstn factor is used \(factors\.MFA\.Qstn\), so at least 1 question must be asked\.$/],
    ['TOTP', /^A class must be an object\.$/],
  ])('%j', async (input, message) => {
    const error = await services.classes.add(input).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(message);
    expect(await services.classes.list()).toEqual([]);
    expect(await services.audit.list({ entity: 'class' })).toEqual([]);
  });

  test('put and update refuse the same way and change nothing', async () => {
    await services.classes.add(totpClass);
    const before = await services.classes.show('TOTP');
    await expect(services.classes.put({ ...totpClass, wait_seconds: 1000 })).rejects.toThrow(/^wait_seconds: /);
    await expect(services.classes.update('TOTP', { question_count: 11 })).rejects.toThrow(/^question_count: /);
    await expect(services.classes.update('TOTP', { factors: { MFA: { OTP: 1 } } })).rejects.toThrow('factors.MFA: priority 1 is given to both OTP and TOTP.');
    await expect(services.classes.update('TOTP', { colour: 'blue' })).rejects.toThrow(/^colour: not a class field/);
    await expect(services.classes.update('TOTP', { name: 'OTHER' })).rejects.toThrow(/^name: a class cannot be renamed/);
    await expect(services.classes.update('TOTP', 'text')).rejects.toThrow('A change to a class must be an object.');
    await expect(services.classes.update('NOPE', { text: 'x' })).rejects.toThrow(new NotFoundError('There is no class "NOPE".'));
    expect(await services.classes.show('totp')).toEqual(before);
    expect((await services.audit.list({ entity: 'class' })).map((e) => e.action)).toEqual(['create']);
  });
});

describe('update changes only what it is given', () => {
  test('password_reset field by field, factors factor by factor, null removes', async () => {
    await services.classes.add({ ...totpClass, email_domain: 'example.com', factors: { MFA: { TOTP: 1, OTP: 2 }, AOD: { TOTP: 1 } } });
    const updated = await services.classes.update('totp', {
      text: 'CHANGED',
      email_domain: null,
      factors: { MFA: { OTP: null, Qstn: 2 }, 'P-R': { OTP: 1 } },
      question_count: 2,
      password_reset: { verify_by: 'M' },
    }, { actor });
    expect(updated).toMatchObject({
      name: 'TOTP',
      text: 'CHANGED',
      factors: { MFA: { TOTP: 1, Qstn: 2 }, AOD: { TOTP: 1 }, 'P-R': { OTP: 1 } },
      question_count: 2,
      password_reset: { verify_by: 'M', new_password_by: 'N', reset_by: '1', must_change_minutes: 10 },
    });
    expect(updated.email_domain).toBeUndefined();
    // Swapping two priorities in one change is accepted: the result is checked as a whole.
    expect((await services.classes.update('TOTP', { factors: { MFA: { TOTP: 2, Qstn: 1 } } })).factors.MFA).toEqual({ TOTP: 2, Qstn: 1 });
    // Verify M needs a P-R factor: removing them all is refused while the reset asks them.
    await expect(services.classes.update('TOTP', { factors: null })).rejects.toThrow(/^password_reset\.verify_by: M asks the P-R factors/);
    expect((await services.classes.update('TOTP', { factors: null, password_reset: { verify_by: 'E' } })).factors).toEqual({ MFA: {}, AOD: {}, 'P-R': {} });
  });

  test('put creates, replaces every field, or reports unchanged', async () => {
    expect((await services.classes.put(totpClass)).status).toBe('created');
    expect((await services.classes.put(totpClass)).status).toBe('unchanged');
    expect((await services.classes.put({ ...totpClass, name: 'totp', text: 'USE TOTP IN MFA' })).status).toBe('unchanged');
    const replaced = await services.classes.put({ name: 'Totp', mfa_device: 'S' });
    expect(replaced.status).toBe('updated');
    expect(replaced.class).toMatchObject({ name: 'TOTP', text: '', mfa_device: 'S', factors: { MFA: {}, AOD: {}, 'P-R': {} } });
    expect((await services.classes.list()).map((c) => c.name)).toEqual(['TOTP']);
  });
});

describe('delete', () => {
  test('a class in use by a person cannot be deleted; the count is named; case does not matter', async () => {
    await services.classes.add(totpClass);
    await services.persons.add({ name: 'PEPE', class: 'totp' });
    await expect(services.classes.delete('TOTP')).rejects.toThrow(new ConflictError('The class "TOTP" is the class of 1 person; give that person another class first.'));
    // A record written before names were upper-cased still counts.
    await personModel(services.store.connection).create({
      _id: 'legacy-sub', name: 'OLD', nameKey: 'old', defaultUserId: 'OLD', userIds: ['OLD'], userIdKeys: ['old'], enabled: true, roles: [], className: 'Totp', lastUpdate: new Date(),
    });
    await expect(services.classes.delete('totp')).rejects.toThrow('The class "TOTP" is the class of 2 persons; give them another class first.');
    expect(await services.classes.findPolicy('TOTP')).toBeDefined();

    await services.persons.update('PEPE', { class: '*NEVER' });
    await personModel(services.store.connection).deleteOne({ _id: 'legacy-sub' });
    await services.classes.delete('totp', { actor });
    expect(await services.classes.list()).toEqual([]);
    await expect(services.classes.delete('TOTP')).rejects.toThrow(new NotFoundError('There is no class "TOTP".'));
  });

  test('the name of a class is not matched as a pattern', async () => {
    await services.classes.add({ name: 'A_B' });
    await services.classes.add({ name: 'A_BC' });
    await services.persons.add({ name: 'ANA', class: 'A_BC' });
    await services.classes.delete('A_B');
    expect((await services.classes.list()).map((c) => c.name)).toEqual(['A_BC']);
  });
});

describe('the default class', () => {
  test('set, shown, cleared; an unknown class is refused; the default class cannot be deleted', async () => {
    await services.classes.add(totpClass);
    expect(await services.settings.defaultClass()).toBeUndefined();
    await expect(services.settings.setDefaultClass('NOPE')).rejects.toThrow(new InvalidInputError('default_class: there is no class "NOPE".'));
    await expect(services.settings.setDefaultClass('*NEVER')).rejects.toThrow('default_class: there is no class "*NEVER".');

    expect(await services.settings.setDefaultClass('totp', { actor })).toEqual({ default_class: 'TOTP', status: 'updated' });
    expect(await services.settings.defaultClass()).toBe('TOTP');
    expect(await services.settings.setDefaultClass('TOTP')).toEqual({ default_class: 'TOTP', status: 'unchanged' });
    await expect(services.classes.delete('TOTP')).rejects.toThrow(
      new ConflictError('The class "TOTP" is the default class (persons with class *DFT use it); set another default class or clear it first.'),
    );

    expect(await services.settings.setDefaultClass(undefined, { actor })).toEqual({ status: 'updated' });
    expect(await services.settings.defaultClass()).toBeUndefined();
    await services.classes.delete('TOTP');

    const audit = await services.audit.list({ entity: 'settings' });
    const changes = audit.map(({ action, entityId, actor: who, before, after }) => ({ action, entityId, who, before, after }));
    expect(changes).toHaveLength(2);
    expect(changes).toContainEqual({ action: 'update', entityId: 'default_class', who: actor, before: {}, after: { default_class: 'TOTP' } });
    expect(changes).toContainEqual({ action: 'update', entityId: 'default_class', who: actor, before: { default_class: 'TOTP' }, after: {} });
  });
});

describe('audit', () => {
  test('create, update and delete are recorded with the actor, before and after; an unchanged update is not', async () => {
    await services.classes.add(totpClass, { actor });
    await services.classes.update('TOTP', { max_retries: 5 }, { actor });
    await services.classes.update('TOTP', { max_retries: 5 }, { actor });
    await services.classes.put({ ...totpClass, max_retries: 5, password_reset: { must_change_minutes: 20 } });
    await services.classes.delete('TOTP', { actor });

    // Entries of the same millisecond have no order: each is found by what it is.
    const entries = await services.audit.list({ entity: 'class', entityId: 'totp' });
    expect(entries.map((entry) => `${entry.action} by ${entry.actor.kind}`).toSorted()).toEqual(['create by cli', 'delete by cli', 'update by cli', 'update by system']);
    const find = (action: string, kind: string) => entries.find((entry) => entry.action === action && entry.actor.kind === kind)!;
    const [created, updated, replaced, deleted] = [find('create', 'cli'), find('update', 'cli'), find('update', 'system'), find('delete', 'cli')];
    expect(created.actor).toEqual(actor);
    expect(created.before).toBeUndefined();
    expect(created.after).toMatchObject({ name: 'TOTP', max_retries: 3, factors: { MFA: { TOTP: 1 } } });
    expect(updated.before).toMatchObject({ max_retries: 3 });
    expect(updated.after).toMatchObject({ max_retries: 5 });
    expect(replaced.before).toMatchObject({ password_reset: { must_change_minutes: 10 } });
    expect(replaced.after).toMatchObject({ password_reset: { must_change_minutes: 20 } });
    expect(deleted.before).toMatchObject({ name: 'TOTP', max_retries: 5 });
    expect(deleted.after).toBeUndefined();
  });
});
