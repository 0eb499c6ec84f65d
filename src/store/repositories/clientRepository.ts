import type { Connection } from 'mongoose';
import { clientModel, type StoredClient } from '../models/clientModel.ts';

export type { StoredClient } from '../models/clientModel.ts';

/** The stored relying parties, by client_id. */
export function clientRepository(connection: Connection) {
  const Clients = clientModel(connection);
  return {
    /** The collection's name, for naming where a value lies. */
    collectionName: Clients.collection.collectionName,

    async byId(id: string): Promise<StoredClient | null> {
      return Clients.findById(id).lean();
    },

    /** Every client, by client_id. */
    async list(): Promise<StoredClient[]> {
      return Clients.find().sort({ _id: 1 }).lean();
    },

    /** Refused with code 11000 when the client_id exists. */
    async insert(doc: StoredClient): Promise<void> {
      await Clients.create(doc);
    },

    /** Stores the whole client, inserting it when absent. */
    async put(doc: StoredClient): Promise<void> {
      await Clients.replaceOne({ _id: doc._id }, doc, { upsert: true });
    },

    /** True when a client was deleted. */
    async deleteById(id: string): Promise<boolean> {
      const { deletedCount } = await Clients.deleteOne({ _id: id });
      return deletedCount !== 0;
    },

    /** The sealed secret of every client that has one, read in batches. */
    async *sealedSecrets(): AsyncGenerator<{ _id: string; sealedSecret?: string }> {
      for await (const client of Clients.find({ sealedSecret: { $exists: true } }, { sealedSecret: 1 }).lean().cursor()) yield client;
    },

    /** Writes `resealed` where the client's secret is still `sealed`; true when it was. */
    async replaceSealedSecret(id: string, sealed: string, resealed: string): Promise<boolean> {
      const { matchedCount } = await Clients.updateOne({ _id: id, sealedSecret: sealed }, { $set: { sealedSecret: resealed } });
      return matchedCount === 1;
    },
  };
}

export type ClientRepository = ReturnType<typeof clientRepository>;
