import type { FactorMetadata } from '../Factor.ts';

/** Private questions: knowledge-based authentication, `kba` in RFC 8176 terms. */
export const questionsMetadata: FactorMetadata = {
  id: 'Qstn',
  amr: ['kba'],
  displayName: 'factor.Qstn',
  enrollableDuringSignIn: false,
  autoSelectable: true,
};
