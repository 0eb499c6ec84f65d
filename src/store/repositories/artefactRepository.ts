import type { Connection, mongo } from 'mongoose';
import { oidcArtefactModel, oidcArtefactModelNames, type OidcArtefact } from '../models/oidcArtefactModel.ts';

export type { OidcArtefact };

const isDuplicate = (error: unknown) => (error as { code?: number }).code === 11000;

/** A lookup the adapter makes: by `_id`, or (sessions and device codes stored before links, an earlier version's) by `uid` or `userCode`. */
export type ArtefactFilter = { _id: string } | { uid: string } | { userCode: string };

/** The models whose records belong to a grant: all but the sessions, their uid links, the interactions and the consumption claims. */
const grantModels = oidcArtefactModelNames.filter((name) => !['Session', 'SessionUid', 'Interaction', 'Consumption'].includes(name));

/** The record without its undefined fields (the driver would store them as null). */
const defined = (record: OidcArtefact) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as OidcArtefact;
const update = (set: Record<string, unknown>, unset: Record<string, 1>) => ({ $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) });

/**
 * The provider's artefacts (sessions, grants, codes, tokens, interactions…), one collection
 * per model, with the consumption claims and the sessions' uid links beside them. What a
 * sign-in or a grant asks here is a lookup by `_id`, an upsert by `_id` or an insert; the
 * scans (by grant, by account, by expiry, of legacy records) serve revocation, deletion of
 * a person, the sweeper and the upgrade at start.
 */
export function artefactRepository(connection: Connection) {
  const records = (model: string) => oidcArtefactModel(connection, model);
  // The calls of every sign-in and grant go to the driver's collection: the records are
  // built whole by the adapter (strings, dates and a JSON payload), so mongoose's casting
  // and documents would only cost time.
  const collection = (model: string) => records(model).collection as unknown as mongo.Collection<OidcArtefact>;

  return {
    async findOne(model: string, filter: ArtefactFilter): Promise<OidcArtefact | null> {
      return collection(model).findOne(filter as mongo.Filter<OidcArtefact>);
    },

    /** Sets `set` and removes `unset` of the record under `key`, creating it when absent. */
    async upsert(model: string, key: string, set: Record<string, unknown>, unset: Record<string, 1>): Promise<void> {
      await collection(model).updateOne({ _id: key }, update(set, unset), { upsert: true });
    },

    /** Inserts a record; false when one with its `_id` is there already. */
    async insert(model: string, record: OidcArtefact): Promise<boolean> {
      try {
        await collection(model).insertOne(defined(record));
        return true;
      } catch (error) {
        if (isDuplicate(error)) return false;
        throw error;
      }
    },

    async markConsumed(model: string, key: string, at: Date): Promise<void> {
      await collection(model).updateOne({ _id: key }, { $set: { consumedAt: at } });
    },

    async delete(model: string, keys: string[]): Promise<void> {
      if (keys.length === 1) await records(model).deleteOne({ _id: keys[0] });
      else if (keys.length > 1) await records(model).deleteMany({ _id: { $in: keys } });
    },

    async deleteOfGrant(model: string, grantId: string): Promise<void> {
      await records(model).deleteMany({ grantId });
    },

    /** Deletes every artefact of a grant, whatever its model, and the grant (which names itself as grantId). */
    async deleteOfGrantEverywhere(grantId: string): Promise<void> {
      await Promise.all(oidcArtefactModelNames.map((name) => records(name).deleteMany({ grantId })));
    },

    /** Every artefact issued to an account (the person is deleted). */
    async deleteOfAccount(accountId: string): Promise<void> {
      await Promise.all(oidcArtefactModelNames.map((name) => records(name).deleteMany({ 'payload.accountId': accountId })));
    },

    /**
     * The sessions of an account but the one stored under `keptKey`, with their uid links;
     * returns how many sessions went. (Like every filter but `_id`, a scan on the embedded database.)
     */
    async deleteSessionsOfAccount(accountId: string, keptKey?: string): Promise<number> {
      const [sessions] = await Promise.all([
        records('Session').deleteMany({ 'payload.accountId': accountId, ...(keptKey ? { _id: { $ne: keptKey } } : {}) }),
        records('SessionUid').deleteMany({ 'payload.accountId': accountId, ...(keptKey ? { ref: { $ne: keptKey } } : {}) }),
      ]);
      return sessions.deletedCount;
    },

    /**
     * The grants of an account but `keptGrantIds`, then every token and code of them;
     * returns how many tokens and codes went (the grants not counted). The grants go first:
     * a refresh token or access token whose grant is gone is refused by the provider, so one
     * issued while this runs works no more than those deleted.
     */
    async deleteGrantsOfAccount(accountId: string, keptGrantIds: readonly string[]): Promise<number> {
      const filter = { 'payload.accountId': accountId, grantId: { $nin: [...keptGrantIds] } };
      await records('Grant').deleteMany(filter);
      const deleted = await Promise.all(grantModels.filter((name) => name !== 'Grant').map((name) => records(name).deleteMany(filter)));
      return deleted.reduce((sum, result) => sum + result.deletedCount, 0);
    },

    /** Interactions whose finished login signs the account in, but those of the session with uid `keptSessionUid`: a login saved, not yet turned into a session. */
    async deleteLoginsOfAccount(accountId: string, keptSessionUid?: string): Promise<void> {
      await records('Interaction').deleteMany({ 'payload.result.login.accountId': accountId, ...(keptSessionUid ? { 'payload.session.uid': { $ne: keptSessionUid } } : {}) });
    },

    /** Every artefact issued to a client (the client is removed): its grants, codes and tokens. */
    async deleteOfClient(clientId: string): Promise<void> {
      await Promise.all(oidcArtefactModelNames.map((name) => records(name).deleteMany({ 'payload.clientId': clientId })));
    },

    /** The sweeper: expired artefacts of every model; returns how many went. */
    async deleteExpired(now: Date): Promise<number> {
      let deleted = 0;
      for (const name of oidcArtefactModelNames) deleted += (await records(name).deleteMany({ expiresAt: { $lt: now } })).deletedCount;
      return deleted;
    },

    /** Records an earlier version stored under their raw id (they alone have `jti` in the payload), by model. */
    async legacyRecords(): Promise<{ model: string; records: OidcArtefact[] }[]> {
      const found = [];
      for (const name of oidcArtefactModelNames) {
        if (name === 'Consumption') continue;
        found.push({ model: name, records: await records(name).find({ 'payload.jti': { $exists: true } }).lean<OidcArtefact[]>() });
      }
      return found;
    },

    /** The newest live grant of an account for a client (remembered consent): its grantId. */
    async latestGrantId(accountId: string, clientId: string, now: Date): Promise<string | undefined> {
      const latest = await records('Grant')
        .findOne({ 'payload.accountId': accountId, 'payload.clientId': clientId, expiresAt: { $gt: now } }, { grantId: 1 })
        .sort({ 'payload.iat': -1 })
        .lean();
      return latest?.grantId;
    },

    /**
     * The link from a session's uid (its keyed hash) to the session's `_id`, with a copy of
     * the session record (`set`, `unset` as the session's own upsert), so that finding a
     * session by uid is one lookup.
     */
    async setSessionLink(uidKey: string, ref: string, set: Record<string, unknown>, unset: Record<string, 1>): Promise<void> {
      await collection('SessionUid').updateOne({ _id: uidKey }, update({ ...set, ref }, unset), { upsert: true });
    },
    async sessionLink(uidKey: string): Promise<OidcArtefact | null> {
      return collection('SessionUid').findOne({ _id: uidKey });
    },
  };
}

export type ArtefactRepository = ReturnType<typeof artefactRepository>;
