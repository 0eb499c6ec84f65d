import { accountSessionModel } from '../../store/models/firstPartySessionModel.ts';
import { signInProgressModel } from '../../store/models/signInProgressModel.ts';
import { factorStateRepository } from '../../store/repositories/factorStateRepository.ts';
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
    collection: (connection) => accountSessionModel(connection).collection.collectionName,
    async *values(connection) {
      for await (const session of accountSessionModel(connection).find({ 'totpCandidate.sealedSecret': { $exists: true } }, { sub: 1, totpCandidate: 1 }).lean().cursor()) {
        if (session.totpCandidate?.sealedSecret) yield { id: session._id, field: 'totpCandidate.sealedSecret', sealed: session.totpCandidate.sealedSecret, context: `totp-key:${session.sub}` };
      }
    },
    async replace(connection, value, resealed) {
      const { matchedCount } = await accountSessionModel(connection).updateOne({ _id: value.id, 'totpCandidate.sealedSecret': value.sealed }, { $set: { 'totpCandidate.sealedSecret': resealed } });
      return matchedCount === 1;
    },
  },
  {
    kind: 'sign-in-setup-key',
    collection: (connection) => signInProgressModel(connection).collection.collectionName,
    async *values(connection) {
      for await (const progress of signInProgressModel(connection).find({ 'enrolment.candidate.sealedSecret': { $exists: true } }, { personId: 1, enrolment: 1 }).lean().cursor()) {
        const sealed = progress.enrolment?.candidate.sealedSecret as string | undefined;
        if (sealed) yield { id: progress._id, field: 'enrolment.candidate.sealedSecret', sealed, context: `totp-key:${progress.personId}` };
      }
    },
    async replace(connection, value, resealed) {
      const { matchedCount } = await signInProgressModel(connection).updateOne({ _id: value.id, 'enrolment.candidate.sealedSecret': value.sealed }, { $set: { 'enrolment.candidate.sealedSecret': resealed } });
      return matchedCount === 1;
    },
  },
];
