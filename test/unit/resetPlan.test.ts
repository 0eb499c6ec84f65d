import { describe, expect, test } from '@jest/globals';
import { planReset } from '../../src/policy/resetPlan.ts';
import type { ClassPolicy, PasswordResetPolicy } from '../../src/policy/types.ts';

const classWith = (passwordReset: Partial<PasswordResetPolicy>): ClassPolicy => ({
  name: 'STD',
  text: '',
  mfaDevice: 'S',
  noScreenChannel: 'E',
  allowOtpInsteadOfTotp: false,
  priorities: { MFA: {}, AOD: {}, 'P-R': { TOTP: 1 } },
  questionCount: 0,
  maxRetries: 3,
  waitSeconds: 60,
  passwordReset: { verifyBy: 'N', newPasswordBy: 'N', resetBy: '1', mustChangeMinutes: 10, ...passwordReset },
});

describe('planReset: the class\'s Password-Reset block as codes', () => {
  test('no class (never, no default, missing): no self-service reset', () => {
    expect(planReset(undefined).verification).toEqual({ by: 'unavailable' });
  });

  test.each([
    [{ verifyBy: 'N', newPasswordBy: 'N' }, { by: 'unavailable' }],
    [{ verifyBy: 'N', newPasswordBy: 'S' }, { by: 'unavailable' }],
    [{ verifyBy: 'N', newPasswordBy: 'C' }, { by: 'none' }],
    [{ verifyBy: 'N', newPasswordBy: 'E' }, { by: 'none' }],
    [{ verifyBy: 'C' }, { by: 'code', channel: 'sms' }],
    [{ verifyBy: 'E' }, { by: 'code', channel: 'email' }],
    [{ verifyBy: 'M' }, { by: 'factors' }],
  ] as const)('verify %j → %j', (reset, verification) => {
    expect(planReset(classWith(reset)).verification).toEqual(verification);
  });

  test.each([
    ['1', 'new-password'],
    ['2', 're-enable'],
    ['9', 'choose'],
  ] as const)('reset by %s → %s', (resetBy, outcome) => {
    expect(planReset(classWith({ verifyBy: 'E', resetBy })).outcome).toBe(outcome);
  });

  test('with no verification only a new password is sent, whatever reset_by says', () => {
    expect(planReset(classWith({ verifyBy: 'N', newPasswordBy: 'E', resetBy: '9' })).outcome).toBe('new-password');
  });

  test.each([
    ['S', 'screen'],
    ['C', 'sms'],
    ['E', 'email'],
    ['N', 'typed'],
  ] as const)('new password by %s → %s', (newPasswordBy, by) => {
    expect(planReset(classWith({ verifyBy: 'M', newPasswordBy })).newPasswordBy).toBe(by);
  });

  test('must be changed in: minutes, 999 no limit', () => {
    expect(planReset(classWith({ mustChangeMinutes: 15 })).temporaryMinutes).toBe(15);
    expect(planReset(classWith({ mustChangeMinutes: 999 })).temporaryMinutes).toBeUndefined();
  });
});
