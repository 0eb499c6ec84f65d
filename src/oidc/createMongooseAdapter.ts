import type { Connection } from 'mongoose';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { ClientDirectory } from '../directory/clientDirectory.ts';
import { artefactRepository, type ArtefactFilter, type ArtefactRepository, type OidcArtefact } from '../store/repositories/artefactRepository.ts';
import { forget, forgetEvery, recall, remembered } from '../store/requestReads.ts';
import { payloadWithoutId, presentedPayload, recordAtRest, userCodeSealId, type RecordAtRest } from './artefactAtRest.ts';
import type { ArtefactKeys } from './createArtefactKeys.ts';
import { moveArtefact } from './moveArtefact.ts';

/** What a lookup of an id found: the live record and its payload as the provider saved it, or nothing. */
type Located = { doc: OidcArtefact; payload: AdapterPayload } | undefined;

const isLive = (doc: { expiresAt?: Date | null }, now: number) => !doc.expiresAt || doc.expiresAt.getTime() > now;

/** Deletes every artefact of a grant, whatever its model, and the grant (which names itself as grantId). */
async function revokeGrantEverywhere(artefacts: ArtefactRepository, grantId: string): Promise<void> {
  forgetEvery('artefact:');
  await artefacts.deleteOfGrantEverywhere(grantId);
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
  const artefacts = artefactRepository(connection);
  return class MongooseAdapter implements Adapter {
    readonly name: string;

    constructor(name: string) {
      this.name = name;
    }

    /** What this request's reads of `id` are remembered under (store/requestReads.ts). */
    private memoKey(id: string): string {
      return `artefact:${this.name}:${id}`;
    }

    /**
     * Saves the artefact. One this request has not found (a code, a token, a grant, a new
     * session or interaction: the provider reads what it saves again) is inserted, which
     * the embedded database does for a fraction of an upsert; should it be there after
     * all, it is updated.
     */
    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.name === 'Client') throw new Error('Clients are managed with the gatehouse CLI, not by the provider.');
      const found = await recall<Located>(this.memoKey(id))?.catch(() => undefined);
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
      const key = keys.hash(id);
      const inserted = !found && (await artefacts.insert(this.name, { _id: key, ...set } as OidcArtefact));
      if (!inserted) await artefacts.upsert(this.name, key, set, unset);
      // The provider finds a session by its uid too: a link under the uid's hash, holding a copy of the session, makes that one lookup by _id (the embedded database scans any other filter).
      if (this.name === 'Session' && record.uid) {
        if (!inserted || !(await artefacts.insert('SessionUid', { _id: record.uid, ...set, ref: key } as OidcArtefact))) await artefacts.setSessionLink(record.uid, key, set, unset);
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
    private located(id: string): Promise<Located> {
      return remembered(this.memoKey(id), () => this.locate(id));
    }

    /** A session by its uid, for reading: the provider checks who it belongs to and its grants. */
    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      for (const current of [keys, ...keys.previous]) {
        const link = await artefacts.sessionLink(current.hash(uid));
        if (!link?.ref) continue;
        // A link written by an earlier version holds no copy: the session is read by its _id.
        const doc = link.uid ? (isLive(link, Date.now()) ? link : undefined) : await this.live({ _id: link.ref });
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
      if (!(await artefacts.insert('Consumption', { _id: `${this.name}:${key}`, payload: {}, ...(doc.expiresAt ? { expiresAt: doc.expiresAt } : {}) }))) {
        if (doc.grantId) await revokeGrantEverywhere(artefacts, doc.grantId);
        throw new errors.InvalidGrant('grant request is invalid');
      }
      await artefacts.markConsumed(this.name, key, new Date());
    }

    async destroy(id: string): Promise<void> {
      forget(this.memoKey(id));
      const hashes = [keys, ...keys.previous].map((current) => current.hash(id));
      // A session's copy under its uid goes with it (unless it already names a newer record of that session).
      if (this.name === 'Session') {
        for (const hash of hashes) {
          const uidKey = (await artefacts.findOne(this.name, { _id: hash }))?.uid;
          if (uidKey && (await artefacts.sessionLink(uidKey))?.ref === hash) await artefacts.delete('SessionUid', [uidKey]);
        }
      }
      await artefacts.delete(this.name, hashes);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      forgetEvery(this.memoKey(''));
      await artefacts.deleteOfGrant(this.name, grantId);
    }

    /**
     * The live record of `id` and its payload. One under a former master key's hash is
     * moved to the current key first, so that it is found by `_id` from then on and stays
     * found once that key is retired.
     */
    private async locate(id: string): Promise<Located> {
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

    private async live(filter: ArtefactFilter): Promise<OidcArtefact | undefined> {
      const doc = await artefacts.findOne(this.name, filter);
      return doc && isLive(doc, Date.now()) ? doc : undefined;
    }

    private withConsumption(doc: OidcArtefact, payload: AdapterPayload): AdapterPayload {
      return doc.consumedAt ? { ...payload, consumed: Math.floor(doc.consumedAt.getTime() / 1000) } : payload;
    }
  };
}
