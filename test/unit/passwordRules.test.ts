import { InvalidInputError } from '../../src/errors/GatehouseError.ts';
import { en } from '../../src/i18n/messages.en.ts';
import { es } from '../../src/i18n/messages.es.ts';
import { commonPasswords, isCommonPassword } from '../../src/security/commonPasswords.ts';
import { createPasswordRules, maximumPasswordLength, passwordOwnerOf, type PasswordOwner } from '../../src/security/passwordRules.ts';

const rules = createPasswordRules();
const pepe: PasswordOwner = passwordOwnerOf({ name: 'PEPE', userIds: ['pepe.cuevas', 'pcuevas'], firstName: 'José', familyName: 'Cuevas Ñúñez' });
const ruleOf = (password: unknown, owner: PasswordOwner = pepe) => rules.problemOf(password, owner)?.rule;

/** The error `check` throws; fails the test when it does not throw. */
function refusal(password: unknown, owner: PasswordOwner = pepe, field?: string): InvalidInputError {
  try {
    rules.check(password, owner, field);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('the password was accepted');
}

describe('length, in Unicode code points of the NFC form', () => {
  test('the default minimum is 12: 11 characters are refused, 12 accepted', () => {
    expect(rules.minimumLength).toBe(12);
    expect(ruleOf('qzvbnmxkwpr')).toBe('tooShort');
    expect(ruleOf('qzvbnmxkwprt')).toBeUndefined();
    const error = refusal('qzvbnmxkwpr');
    expect(error.message).toBe('password: at least 12 characters are needed; this one has 11.');
    expect(error.status).toBe(400);
    expect(error.messageKey).toBe('password.rule.tooShort');
    expect(error.messageParams).toEqual({ min: 12, length: 11 });
  });

  test('256 characters are accepted, 257 refused', () => {
    const long = 'qzvbnmxkwprt'.repeat(22).slice(0, maximumPasswordLength);
    expect([...long].length).toBe(256);
    expect(ruleOf(long)).toBeUndefined();
    expect(ruleOf(`${long}q`)).toBe('tooLong');
    expect(refusal(`${long}q`).message).toBe('password: at most 256 characters are allowed; this one has 257.');
    expect(refusal(`${long}q`).messageParams).toEqual({ max: 256, length: 257 });
  });

  test('accented letters count once, typed composed or decomposed; emoji count once', () => {
    const composed = 'ñandú árbol é'; // 13 code points
    const decomposed = composed.normalize('NFD');
    expect(decomposed.length).toBeGreaterThan(13);
    expect(ruleOf(composed)).toBeUndefined();
    expect(ruleOf(decomposed)).toBeUndefined();
    expect(ruleOf('ñandúárboléé'.slice(0, 11))).toBe('tooShort');
    expect(refusal('🐴🔋📎🐴🔋📎🐴🔋📎🐴🔋').messageParams).toEqual({ min: 12, length: 11 });
    expect(ruleOf('🐴🔋📎🐴🔋📎🐴🔋📎🐴🔋📎')).toBeUndefined();
    // 256 accented letters decomposed are 512 UTF-16 units, and still allowed.
    expect(ruleOf('é'.normalize('NFD').repeat(256))).toBeUndefined();
    expect(ruleOf('é'.normalize('NFD').repeat(257))).toBe('tooLong');
  });

  test('the minimum is configurable from 8 to 256', () => {
    const eight = createPasswordRules({ minimumLength: 8 });
    expect(eight.problemOf('qzvbnmxk', pepe)).toBeUndefined();
    expect(eight.problemOf('qzvbnmx', pepe)?.rule).toBe('tooShort');
    expect(eight.problemOf('qzvbnmx', pepe)?.message).toBe('at least 8 characters are needed; this one has 7.');
    expect(createPasswordRules({ minimumLength: 256 }).problemOf('q'.repeat(255), pepe)?.rule).toBe('tooShort');
    for (const bad of [7, 257, 12.5]) expect(() => createPasswordRules({ minimumLength: bad })).toThrow('from 8 to 256');
  });

  test('a password that is not a text is refused', () => {
    expect(ruleOf(undefined)).toBe('text');
    expect(refusal(12_345_678_901_234, pepe).message).toBe('password: a text is needed.');
  });
});

describe('not a user ID or the person\'s name', () => {
  test('a user ID in another case, or with spaces around it, is refused', () => {
    const owner = passwordOwnerOf({ name: 'ALICE', userIds: ['alice.wonderland'] });
    expect(ruleOf('Alice.Wonderland', owner)).toBe('userId');
    expect(ruleOf('  ALICE.WONDERLAND ', owner)).toBe('userId');
    expect(ruleOf('alice.wonderland2', owner)).toBeUndefined();
    const error = refusal('ALICE.wonderland', owner, 'new_password');
    expect(error.message).toBe('new_password: it must not be a user ID of the person.');
    expect(error.messageKey).toBe('password.rule.userId');
  });

  test('every user ID counts, not only the default one', () => {
    const owner = passwordOwnerOf({ name: 'BOB', userIds: ['bob', 'robert.tables.42'] });
    expect(ruleOf('Robert.Tables.42', owner)).toBe('userId');
  });

  test('the name, the first name, the family name and the full name are refused, accents compared in NFC', () => {
    const owner = passwordOwnerOf({ name: 'MARIAJOSEFINA', userIds: ['mj'], firstName: 'María Josefina', familyName: 'Hernández' });
    expect(ruleOf('mariajosefina', owner)).toBe('name');
    expect(ruleOf('MARÍA JOSEFINA', owner)).toBe('name');
    expect(ruleOf('maría josefina'.normalize('NFD'), owner)).toBe('name');
    expect(ruleOf('María Josefina Hernández', owner)).toBe('name');
    expect(ruleOf('hernández maría josefina', owner)).toBe('name');
    expect(ruleOf('María Josefina Hernández!', owner)).toBeUndefined();
    expect(refusal('María Josefina', owner).message).toBe('password: it must not be the person\'s name.');
  });

  test('a name shorter than the minimum fails the length rule first', () => {
    expect(ruleOf('José')).toBe('tooShort');
    expect(ruleOf('Cuevas Ñúñez')).toBe('name');
  });
});

describe('not on the list of common and breached passwords', () => {
  test('the shipped list has at least 100,000 distinct entries, loaded once', () => {
    const list = commonPasswords();
    expect(list.size).toBe(104_907);
    expect(commonPasswords()).toBe(list);
  });

  test('a breached password of 12 characters or more is refused, ignoring case', () => {
    expect(isCommonPassword('password1234')).toBe(true);
    expect(ruleOf('password1234')).toBe('common');
    expect(ruleOf('PassWord1234')).toBe('common');
    expect(ruleOf('qazwsxedcrfv')).toBe('common');
    expect(ruleOf('LeaveMeAlone')).toBe('common');
    const error = refusal('Password1234');
    expect(error.message).toBe('password: it is on the list of common and breached passwords; choose another.');
    expect(error.messageKey).toBe('password.rule.common');
  });

  test('with a lower minimum, shorter common passwords and common words are refused too', () => {
    const eight = createPasswordRules({ minimumLength: 8 });
    expect(eight.problemOf('iloveyou', pepe)?.rule).toBe('common');
    expect(eight.problemOf('sunshine', pepe)?.rule).toBe('common');
    expect(eight.problemOf('Football', pepe)?.rule).toBe('common');
    expect(eight.problemOf('zq8#vLm2', pepe)).toBeUndefined();
  });

  test('a long passphrase is accepted', () => {
    expect(ruleOf('correct horse battery')).toBeUndefined();
    expect(ruleOf('a long passphrase')).toBeUndefined();
  });
});

test('each rule has a page message in English and Spanish with its placeholders', () => {
  for (const rule of ['text', 'tooShort', 'tooLong', 'userId', 'name', 'common'] as const) {
    const key = `password.rule.${rule}` as const;
    expect(en[key]).toBeTruthy();
    expect(es[key]).toBeTruthy();
    expect(es[key]).not.toBe(en[key]);
  }
  expect(en['password.rule.tooShort']).toContain('{min}');
  expect(es['password.rule.tooShort']).toContain('{min}');
  expect(es['password.rule.tooLong']).toContain('{max}');
});
