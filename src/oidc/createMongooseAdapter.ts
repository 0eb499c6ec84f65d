import type { Connection } from 'mongoose';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { ClientDirectory } from '../directory/clientDirectory.ts';
import { oidcArtefactModel, oidcArtefactModelNames } from '../store/models/oidcArtefactModel.ts';

const isLive = (doc: { expiresAt?: Date | null }, now: number) => !doc.expiresAt || doc.expiresAt.getTime() > now;

/** Deletes every artefact of a grant, whatever its model, and the grant. */
async function revokeGrantEverywhere(connection: Connection, grantId: string): Promise<void> {
  await Promise.all([
    ...oidcArtefactModelNames.map((name) => oidcArtefactModel(connection, name).deleteMany({ grantId })),
    oidcArtefactModel(connection, 'Grant').deleteOne({ _id: grantId }),
  ]);
}

/**
 * oidc-provider's storage adapter over mongoose: one collection per model, expiry enforced
 * on every read (the embedded database has no TTL indexes), consumption decided by one
 * insert of a unique claim. Clients are read from the client directory.
 */
export function createMongooseAdapter(connection: Connection, clients: ClientDirectory) {
  return class MongooseAdapter implements Adapter {
    readonly name: string;

    constructor(name: string) {
      this.name = name;
    }

    private get model() {
      return oidcArtefactModel(connection, this.name);
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.name === 'Client') throw new Error('Clients are managed with the gatehouse CLI, not by the provider.');
      const set: Record<string, unknown> = { payload };
      const unset: Record<string, 1> = {};
      for (const field of ['grantId', 'userCode', 'uid'] as const) {
        if (payload[field]) set[field] = payload[field];
        else unset[field] = 1;
      }
      if (expiresIn) set.expiresAt = new Date(Date.now() + expiresIn * 1000);
      else unset.expiresAt = 1;
      await this.model.updateOne({ _id: id }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { upsert: true });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.name === 'Client') return (await clients.providerMetadata(id)) as AdapterPayload | undefined;
      return this.load({ _id: id });
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.load({ uid });
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.load({ userCode });
    }

    /**
     * Marks the artefact consumed, once: a second consumption (two requests racing with
     * one code or refresh token) revokes the whole grant — its tokens and codes in every
     * collection, and the grant itself — and is refused.
     *
     * "Once" is decided by inserting a claim with a fixed _id, which the database lets
     * through exactly one time. A conditional update ({consumedAt: {$exists: false}}) is
     * not enough: the embedded FerretDB applies it as a read followed by a write, so
     * concurrent updates all match.
     */
    async consume(id: string): Promise<void> {
      const doc = await this.model.findById(id, { grantId: 1, expiresAt: 1 }).lean();
      if (!doc) throw new errors.InvalidGrant('grant request is invalid');
      try {
        await oidcArtefactModel(connection, 'Consumption').create({ _id: `${this.name}:${id}`, payload: {}, expiresAt: doc.expiresAt });
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
        if (doc.grantId) await revokeGrantEverywhere(connection, doc.grantId);
        throw new errors.InvalidGrant('grant request is invalid');
      }
      await this.model.updateOne({ _id: id }, { $set: { consumedAt: new Date() } });
    }

    async destroy(id: string): Promise<void> {
      await this.model.deleteOne({ _id: id });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await this.model.deleteMany({ grantId });
    }

    private async load(filter: Record<string, string>): Promise<AdapterPayload | undefined> {
      const doc = await this.model.findOne(filter).lean();
      if (!doc || !isLive(doc, Date.now())) return undefined;
      return {
        ...(doc.payload as AdapterPayload),
        ...(doc.consumedAt ? { consumed: Math.floor(doc.consumedAt.getTime() / 1000) } : {}),
      };
    }
  };
}
