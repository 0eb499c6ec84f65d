import { emergencyTokenModel } from '../../store/models/emergencyTokenModel.ts';
import { personModel } from '../../store/models/personModel.ts';
import type { SealedField } from '../../security/SealedField.ts';

// The contexts are those createEmergencyTokens.ts seals with.

/** Where emergency tokens lie sealed: the set's lookup key on the person, and each token in a document of its own. */
export const emergencySealedFields: readonly SealedField[] = [
  {
    kind: 'emergency-lookup-key',
    collection: (connection) => personModel(connection).collection.collectionName,
    async *values(connection) {
      const found = personModel(connection).find({ 'emergencyTokens.sealedLookupKey': { $exists: true } }, { emergencyTokens: 1 }).lean().cursor();
      for await (const person of found) {
        const sealed = person.emergencyTokens?.sealedLookupKey;
        if (sealed) yield { id: person._id, field: 'emergencyTokens.sealedLookupKey', sealed, context: `emergency-lookup:${person._id}` };
      }
    },
    async replace(connection, value, resealed) {
      const { matchedCount } = await personModel(connection).updateOne(
        { _id: value.id, 'emergencyTokens.sealedLookupKey': value.sealed },
        { $set: { 'emergencyTokens.sealedLookupKey': resealed } },
      );
      return matchedCount === 1;
    },
  },
  {
    kind: 'emergency-token',
    collection: (connection) => emergencyTokenModel(connection).collection.collectionName,
    async *values(connection) {
      for await (const token of emergencyTokenModel(connection).find({}, { personId: 1, sealed: 1 }).lean().cursor()) {
        yield { id: token._id, field: 'sealed', sealed: token.sealed, context: `emergency-token:${token.personId}` };
      }
    },
    async replace(connection, value, resealed) {
      const { matchedCount } = await emergencyTokenModel(connection).updateOne({ _id: value.id, sealed: value.sealed }, { $set: { sealed: resealed } });
      return matchedCount === 1;
    },
  },
];
