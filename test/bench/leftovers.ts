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
 * documents they added, found by _id against a snapshot taken before, are then copied
 * (with new _ids, every other field as it is) until there are as many as `total` sign-ins
 * leave: 10,000 real sign-ins would take hours today, and what the later ones pay for is
 * the size of the collections, which the copies give. With `real` ≥ `total` all are real.
 */
export async function leaveBehind(db: mongo.Db, real: number, total: number, signIns: (count: number) => Promise<void>) {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((collection) => collection.name).filter((name) => !untouched.has(name) && !name.startsWith('system.'));
  const before = new Map<string, Set<string>>();
  for (const name of names) before.set(name, new Set((await db.collection(name).find({}, { projection: { _id: 1 } }).toArray()).map((doc) => String(doc._id))));
  const realCount = Math.min(real, total);
  await signIns(realCount);
  const copies = Math.ceil(total / realCount) - 1;
  const added: Record<string, number> = {};
  for (const name of (await db.listCollections({}, { nameOnly: true }).toArray()).map((collection) => collection.name)) {
    if (untouched.has(name) || name.startsWith('system.')) continue;
    const seen = before.get(name) ?? new Set<string>();
    const fresh = (await db.collection(name).find({}).toArray()).filter((doc) => !seen.has(String(doc._id)));
    if (fresh.length === 0) continue;
    for (let copy = 1; copy <= copies; copy += 1) {
      const docs = fresh.map((doc) => ({ ...doc, _id: copyId(doc._id, copy) }));
      for (let start = 0; start < docs.length; start += batchSize) await db.collection(name).insertMany(docs.slice(start, start + batchSize) as mongo.OptionalId<mongo.Document>[], { ordered: false });
    }
    added[name] = fresh.length * (copies + 1);
  }
  return { realSignIns: realCount, copiedSignIns: realCount * copies, documentsAdded: added };
}
