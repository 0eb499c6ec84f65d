import { mongo } from 'mongoose';

/** What the sign-ins never add to: the directory and the configuration. */
const untouched = new Set(['persons', 'person_keys', 'clients', 'classes', 'settings', 'keyring', 'ip_groups']);
const batchSize = 1_000;

/** A copy's _id: the original's with a suffix (strings), or a new ObjectId. */
function copyId(id: unknown, copy: number): unknown {
  if (typeof id === 'string') return `${id}.${copy}`;
  if (id instanceof mongo.ObjectId) return new mongo.ObjectId();
  throw new Error(`A document _id of type ${typeof id} cannot be copied.`);
}

/**
 * Sessions, grants, tokens, codes, sign-in progress, TOTP step claims and audit records
 * of `total` earlier sign-ins. The first `real` of them are done for real (`signIns`); the
 * documents they added, found by _id against a snapshot taken before, are kept, and
 * `copy()` later inserts copies of them (new _ids, every other field as it is) until there
 * are as many as `total` sign-ins leave: 10,000 real sign-ins would take hours today, and
 * what the later ones pay for is the size of the collections, which the copies give. With
 * `real` ≥ `total` all are real. The real ones may be done at a small directory size
 * (where today's Gatehouse completes them) and copied once the directory is large.
 */
export async function recordSignIns(db: mongo.Db, real: number, total: number, signIns: (count: number) => Promise<void>) {
  const names = async () => (await db.listCollections({}, { nameOnly: true }).toArray()).map((collection) => collection.name).filter((name) => !untouched.has(name) && !name.startsWith('system.'));
  const before = new Map<string, Set<string>>();
  for (const name of await names()) before.set(name, new Set((await db.collection(name).find({}, { projection: { _id: 1 } }).toArray()).map((doc) => String(doc._id))));
  const realCount = Math.min(real, total);
  await signIns(realCount);
  const fresh = new Map<string, mongo.Document[]>();
  for (const name of await names()) {
    const seen = before.get(name) ?? new Set<string>();
    const docs = (await db.collection(name).find({}).toArray()).filter((doc) => !seen.has(String(doc._id)));
    if (docs.length) fresh.set(name, docs);
  }
  const copies = Math.ceil(total / realCount) - 1;
  return {
    async copy() {
      const added: Record<string, number> = {};
      for (const [name, docs] of fresh) {
        for (let copy = 1; copy <= copies; copy += 1) {
          const copied = docs.map((doc) => ({ ...doc, _id: copyId(doc._id, copy) }));
          for (let start = 0; start < copied.length; start += batchSize) await db.collection(name).insertMany(copied.slice(start, start + batchSize) as mongo.OptionalId<mongo.Document>[], { ordered: false });
        }
        added[name] = docs.length * (copies + 1);
      }
      return { realSignIns: realCount, copiedSignIns: realCount * copies, documentsAdded: added };
    },
  };
}
