import { emergencyTokenRepository } from '../../store/repositories/emergencyTokenRepository.ts';
import { factorStateRepository } from '../../store/repositories/factorStateRepository.ts';
import type { SealedField } from '../../security/SealedField.ts';

// The contexts are those createEmergencyTokens.ts seals with.

/** Where emergency tokens lie sealed: the set's lookup key on the person, and each token in a document of its own. */
export const emergencySealedFields: readonly SealedField[] = [
  {
    kind: 'emergency-lookup-key',
    collection: (connection) => factorStateRepository(connection).collectionName,
    async *values(connection) {
      for await (const person of factorStateRepository(connection).eachSealedLookupKey()) {
        const sealed = person.emergencyTokens?.sealedLookupKey;
        if (sealed) yield { id: person._id, field: 'emergencyTokens.sealedLookupKey', sealed, context: `emergency-lookup:${person._id}` };
      }
    },
    async replace(connection, value, resealed) {
      return factorStateRepository(connection).replaceSealedLookupKey(value.id, value.sealed, resealed);
    },
  },
  {
    kind: 'emergency-token',
    collection: (connection) => emergencyTokenRepository(connection).collectionName,
    async *values(connection) {
      for await (const token of emergencyTokenRepository(connection).eachSealed()) {
        yield { id: token._id, field: 'sealed', sealed: token.sealed, context: `emergency-token:${token.personId}` };
      }
    },
    async replace(connection, value, resealed) {
      return emergencyTokenRepository(connection).replaceSealed(value.id, value.sealed, resealed);
    },
  },
];
