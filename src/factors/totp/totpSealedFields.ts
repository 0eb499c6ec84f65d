import { factorStateRepository } from '../../store/repositories/factorStateRepository.ts';
import { totpCandidateRepository } from '../../store/repositories/totpCandidateRepository.ts';
import type { SealedField } from '../../security/SealedField.ts';

// The contexts are those createTotpFactor.ts seals with. A value opened under the wrong
// context does not open, so a drift here shows as failures of the rotation, never as damage.

/** Where TOTP keys lie sealed: on the person, and (being set up) in an account session or a sign-in that offers enrolment. */
export const totpSealedFields: readonly SealedField[] = [
  {
    kind: 'totp-key',
    collection: (connection) => factorStateRepository(connection).collectionName,
    async *values(connection) {
      for await (const person of factorStateRepository(connection).eachSealedTotpKey()) {
        if (person.totp?.sealedSecret) yield { id: person._id, field: 'totp.sealedSecret', sealed: person.totp.sealedSecret, context: `totp-key:${person._id}` };
      }
    },
    async replace(connection, value, resealed) {
      return factorStateRepository(connection).replaceSealedTotpKey(value.id, value.sealed, resealed);
    },
  },
  {
    kind: 'account-setup-key',
    collection: (connection) => totpCandidateRepository(connection).accountSessionCollection,
    async *values(connection) {
      for await (const { id, personId, sealed } of totpCandidateRepository(connection).inAccountSessions()) yield { id, field: 'totpCandidate.sealedSecret', sealed, context: `totp-key:${personId}` };
    },
    replace: (connection, value, resealed) => totpCandidateRepository(connection).replaceInAccountSession(value.id, value.sealed, resealed),
  },
  {
    kind: 'sign-in-setup-key',
    collection: (connection) => totpCandidateRepository(connection).signInProgressCollection,
    async *values(connection) {
      for await (const { id, personId, sealed } of totpCandidateRepository(connection).inSignIns()) yield { id, field: 'enrolment.candidate.sealedSecret', sealed, context: `totp-key:${personId}` };
    },
    replace: (connection, value, resealed) => totpCandidateRepository(connection).replaceInSignIn(value.id, value.sealed, resealed),
  },
];
