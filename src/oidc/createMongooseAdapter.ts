import type { Connection } from 'mongoose';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { ClientDirectory } from '../directory/clientDirectory.ts';
import { oidcArtefactModel, oidcArtefactModelNames, type OidcArtefact } from '../store/models/oidcArtefactModel.ts';
import { forget, forgetEvery, remembered } from '../store/requestReads.ts';
import { payloadWithoutId, presentedPayload, recordAtRest, userCodeSealId, type RecordAtRest } from './artefactAtRest.ts';
import type { ArtefactKeys } from './createArtefactKeys.ts';
import { moveArtefact } from './moveArtefact.ts';

const isLive = (doc: { expiresAt?: Date | null }, now: number) => !doc.expiresAt || doc.expiresAt.getTime() > now;

/** Deletes every artefact of a grant, whatever its model, and the grant (which names itself as grantId). */
async function revokeGrantEverywhere(connection: Connection, grantId: string): Promise<void> {
  forgetEvery('artefact:');
  await Promise.all(oidcArtefactModelNames.map((name) => oidcArtefactModel(connection, name).deleteMany({ grantId })));
}

/** Fields of a record that an upsert sets when the new version has them and removes otherwise. */
const optionalFields = ['sealed', 'grantId', 'uid', 'userCode', 'sealedId'] as const satisfies readonly (keyof RecordAtRest)[];

/**
 * oidc-provider's storage adapter over mongoose: one collection per model, expiry enforced
 * on every read (the embedded database has no TTL indexes), consumption decided by one
 * insert of a unique claim. Clients are read from the client directory.
 *
 * Every record is stored under the keyed hash of its id, its uid and user code likewise,
 * and its payload without the id and with other bearer values sealed under the id
 * (artefactAtRest.ts): what a copy of the database holds finds and opens nothing,
 * while the presented value finds its record by `_id`, as fast as before.
 */
export function createMongooseAdapter(connection: Connection, clients: ClientDirectory, keys: ArtefactKeys) {
  return class MongooseAdapter implements Adapter {
    readonly name: string;

    constructor(name: string) {
      this.name = name;
    }

    private get model() {
      return oidcArtefactModel(connection, this.name);
    }

    /** What this request's reads of `id` are remembered under (store/requestReads.ts). */
    private memoKey(id: string): string {
      return `artefact:${this.name}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.name === 'Client') throw new Error('Clients are managed with the gatehouse CLI, not by the provider.');
      forget(this.memoKey(id));
      const record = recordAtRest(keys, this.name, id, payload);
      const set: Record<string, unknown> = { payload: record.payload };
      const unset: Record<string, 1> = {};
      for (const field of optionalFields) {
        if (record[field]) set[field] = record[field];
        else unset[field] = 1;
      }
      if (expiresIn) set.expiresAt = new Date(Date.now() + expiresIn * 1000);
      else unset.expiresAt = 1;
      await this.model.updateOne({ _id: keys.hash(id) }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { upsert: true });
      // The provider finds a session by its uid too: a link under the uid's hash makes that a lookup by _id (the embedded database scans any other filter).
      if (this.name === 'Session' && record.uid) {
        await oidcArtefactModel(connection, 'SessionUid').updateOne({ _id: record.uid }, { $set: { payload: {}, ref: keys.hash(id), ...(set.expiresAt ? { expiresAt: set.expiresAt } : {}) } }, { upsert: true });
      }
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.name === 'Client') return (await clients.providerMetadata(id)) as AdapterPayload | undefined;
      const found = await this.located(id);
      return found && this.withConsumption(found.doc, found.payload);
    }

    /**
     * locate, once per request: the provider loads an interaction again in the request that
     * loaded it, and the code or refresh token it consumes right after finding it.
     */
    private located(id: string): Promise<{ doc: OidcArtefact; payload: AdapterPayload } | undefined> {
      return remembered(this.memoKey(id), () => this.locate(id));
    }

    /** A session by its uid, for reading: the provider checks who it belongs to and its grants. */
    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const links = oidcArtefactModel(connection, 'SessionUid');
      for (const current of [keys, ...keys.previous]) {
        const link = await links.findById(current.hash(uid), { ref: 1 }).lean();
        const doc = link?.ref ? await this.live({ _id: link.ref }) : undefined;
        if (doc && doc.uid === current.hash(uid)) return this.withConsumption(doc, payloadWithoutId(doc));
      }
      // A session stored before the links, or moved under a new master key since: found by its uid.
      for (const current of [keys, ...keys.previous]) {
        const doc = await this.live({ uid: current.hash(uid) });
        if (doc) return this.withConsumption(doc, payloadWithoutId(doc));
      }
      return undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      for (const current of [keys, ...keys.previous]) {
        const doc = await this.live({ userCode: current.hash(userCode) });
        if (doc?.sealedId) return this.find(current.open(userCodeSealId(userCode), doc.sealedId));
      }
      return undefined;
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
      const key = keys.hash(id);
      const doc = (await this.located(id))?.doc;
      forget(this.memoKey(id));
      if (!doc) throw new errors.InvalidGrant('grant request is invalid');
      try {
        await oidcArtefactModel(connection, 'Consumption').create({ _id: `${this.name}:${key}`, payload: {}, expiresAt: doc.expiresAt });
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
        if (doc.grantId) await revokeGrantEverywhere(connection, doc.grantId);
        throw new errors.InvalidGrant('grant request is invalid');
      }
      await this.model.updateOne({ _id: key }, { $set: { consumedAt: new Date() } });
    }

    async destroy(id: string): Promise<void> {
      forget(this.memoKey(id));
      if (!keys.previous.length) await this.model.deleteOne({ _id: keys.hash(id) });
      else await this.model.deleteMany({ _id: { $in: [keys, ...keys.previous].map((current) => current.hash(id)) } });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      forgetEvery(this.memoKey(''));
      await this.model.deleteMany({ grantId });
    }

    /**
     * The live record of `id` and its payload. One under a former master key's hash is
     * moved to the current key first, so that it is found by `_id` from then on and stays
     * found once that key is retired.
     */
    private async locate(id: string): Promise<{ doc: OidcArtefact; payload: AdapterPayload } | undefined> {
      const doc = await this.live({ _id: keys.hash(id) });
      if (doc) return { doc, payload: presentedPayload(keys, id, doc) };
      for (const former of keys.previous) {
        const old = await this.live({ _id: former.hash(id) });
        if (!old) continue;
        const payload = presentedPayload(former, id, old);
        await moveArtefact(connection, keys, this.name, id, payload, old);
        return { doc: old, payload };
      }
      return undefined;
    }

    private async live(filter: Record<string, string>): Promise<OidcArtefact | undefined> {
      const doc = await this.model.findOne(filter).lean();
      return doc && isLive(doc, Date.now()) ? doc : undefined;
    }

    private withConsumption(doc: OidcArtefact, payload: AdapterPayload): AdapterPayload {
      return doc.consumedAt ? { ...payload, consumed: Math.floor(doc.consumedAt.getTime() / 1000) } : payload;
    }
  };
}
