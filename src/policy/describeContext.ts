import type { PolicyContext } from './types.ts';

const contextNames: Record<PolicyContext, string> = {
  MFA: 'sign-in',
  AOD: 'elevated access',
  'P-R': 'password reset',
};

/** What a context is for, in words: "sign-in", "elevated access", "password reset". */
export function describeContext(context: PolicyContext): string {
  return contextNames[context];
}
