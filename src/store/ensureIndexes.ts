import type { Connection, Model } from 'mongoose';
import type { Logger } from 'pino';
import { attemptHeadModel } from './models/attemptHeadModel.ts';
import { attemptLockModel } from './models/attemptLockModel.ts';
import { attemptSlotModel } from './models/attemptSlotModel.ts';
import { auditModel } from './models/auditModel.ts';
import { classModel } from './models/classModel.ts';
import { clientModel } from './models/clientModel.ts';
import { emergencyTokenModel } from './models/emergencyTokenModel.ts';
import { devOutboxModel } from './models/devOutboxModel.ts';
import { ipGroupModel } from './models/ipGroupModel.ts';
import { keyringModel } from './models/keyringModel.ts';
import { oidcArtefactModel, oidcArtefactModelNames } from './models/oidcArtefactModel.ts';
import { oneTimeCodeModel } from './models/oneTimeCodeModel.ts';
import { personKeyModel } from './models/personKeyModel.ts';
import { personModel } from './models/personModel.ts';
import { registrationLinkModel } from './models/registrationLinkModel.ts';
import { settingModel } from './models/settingModel.ts';
import { signInProgressModel } from './models/signInProgressModel.ts';
import { signInTallyModel } from './models/signInTallyModel.ts';
import { totpStepModel } from './models/totpStepModel.ts';
import { unusedOneTimeCodeModel } from './models/unusedOneTimeCodeModel.ts';

/** Every model of the store, by collection: what ensureIndexes and the readiness of a fresh database need. */
export function allModels(connection: Connection): Model<any>[] {
  return [
    personModel(connection),
    personKeyModel(connection),
    clientModel(connection),
    classModel(connection),
    ipGroupModel(connection),
    settingModel(connection),
    keyringModel(connection),
    auditModel(connection),
    totpStepModel(connection),
    emergencyTokenModel(connection),
    oneTimeCodeModel(connection),
    unusedOneTimeCodeModel(connection),
    devOutboxModel(connection),
    attemptHeadModel(connection),
    attemptSlotModel(connection),
    attemptLockModel(connection),
    registrationLinkModel(connection),
    signInProgressModel(connection),
    signInTallyModel(connection),
    ...oidcArtefactModelNames.map((name) => oidcArtefactModel(connection, name)),
  ];
}

/**
 * Creates collections and indexes. A TTL index on oidc artefacts is asked for where the
 * server offers it (MongoDB); where it does not (the embedded database) the plain index
 * stays, and expiry is enforced by the adapter on every read and by a periodic sweep.
 */
export async function ensureIndexes(connection: Connection, logger: Logger): Promise<void> {
  for (const model of allModels(connection)) {
    await model.createCollection().catch((error: { code?: number }) => {
      if (error.code !== 48) throw error; // 48: NamespaceExists, a concurrent start created it
    });
    await model.createIndexes();
  }
  // Remembered consent looks up a person's latest grant for a client.
  await oidcArtefactModel(connection, 'Grant').collection.createIndex({ 'payload.accountId': 1, 'payload.clientId': 1 }, { name: 'accountId_clientId' });
  for (const name of oidcArtefactModelNames) {
    const collection = oidcArtefactModel(connection, name).collection;
    try {
      await collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });
    } catch (error) {
      logger.debug({ collection: collection.collectionName, reason: (error as Error).message }, 'no TTL index; expiry enforced in code');
      await collection.createIndex({ expiresAt: 1 }, { name: 'expiresAt' });
    }
  }
}
