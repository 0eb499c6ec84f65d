import { randomUUID } from 'node:crypto';
import type { Services } from '../../src/services.ts';
import type { PersonKey } from '../../src/store/models/personKeyModel.ts';
import type { StoredPerson } from '../../src/store/models/personModel.ts';
import type { BenchPerson } from './signInWithTotp.ts';

const batchSize = 1_000;
const templateName = 'BENCHTEMPLATE';

/**
 * Persons written straight into the database, many at a time, for the directory sizes:
 * 100,000 persons through the directory would be 100,000 audited creations and claims one
 * by one. Each is a copy of a template person created the ordinary way (persons.add and
 * totp.setKey), so the documents have exactly the shape the directory writes: the person
 * (with the template's password hash, one argon2 hash for everyone, and a TOTP key of its
 * own sealed for it) and the person_keys claims of its name and user ID.
 */
export async function createBulkPersons(services: Services, passwordHash: string) {
  const { sub: templateSub } = await services.persons.add({ name: templateName, class: 'BENCH', password_hash: passwordHash });
  await services.totp.setKey(templateSub, { secret: services.totp.generateSecret(), state: 'active' });
  const db = services.store.connection.db!;
  const personsCollection = db.collection<StoredPerson>('persons');
  const keysCollection = db.collection<PersonKey>('person_keys');
  const template = (await personsCollection.findOne({ _id: templateSub }))!;
  const templateKeys = await keysCollection.find({ personId: templateSub }).toArray();
  if (!template.totp || templateKeys.length === 0) throw new Error('The template person has no TOTP key or no claims.');
  // The template's own name, in each case it is stored in, becomes the copy's.
  const rename = (value: string, name: string) => value.replaceAll(templateName, name).replaceAll(templateName.toLowerCase(), name.toLowerCase());

  /** Every person loaded so far, the template first (it can sign in too: its key is unknown here, so it never does). */
  let count = 1;
  const loaded: BenchPerson[] = [];
  return {
    loaded,
    get count() {
      return count;
    },
    /** Loads copies until the directory holds `total` persons; returns the seconds it took. */
    async loadUpTo(total: number): Promise<number> {
      const started = performance.now();
      while (count < total) {
        const people: StoredPerson[] = [];
        const keys: PersonKey[] = [];
        for (let index = 0; index < Math.min(batchSize, total - count); index += 1) {
          const name = `DIR${String(count + index).padStart(7, '0')}`;
          const sub = randomUUID();
          const secret = services.totp.generateSecret();
          const now = new Date();
          people.push({
            ...template,
            _id: sub,
            name,
            nameKey: rename(template.nameKey, name),
            defaultUserId: rename(template.defaultUserId, name),
            userIds: template.userIds.map((userId) => rename(userId, name)),
            userIdKeys: template.userIdKeys.map((userIdKey) => rename(userIdKey, name)),
            lastUpdate: now,
            totp: { ...template.totp!, keyId: randomUUID(), sealedSecret: services.secretBox.seal(secret, `totp-key:${sub}`), createdAt: now, ...(template.totp!.activatedAt ? { activatedAt: now } : {}) },
          });
          for (const claim of templateKeys) keys.push({ ...claim, _id: rename(claim._id, name), personId: sub, claimedAt: now });
          loaded.push({ userId: rename(template.defaultUserId, name), sub, secret });
        }
        await personsCollection.insertMany(people, { ordered: false });
        await keysCollection.insertMany(keys, { ordered: false });
        count += people.length;
      }
      return (performance.now() - started) / 1000;
    },
  };
}
