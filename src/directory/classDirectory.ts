import { isDeepStrictEqual } from 'node:util';
import type { Connection } from 'mongoose';
import { ConflictError, NotFoundError } from '../errors/GatehouseError.ts';
import { factorIds, type ClassPolicy, type FactorId, type PolicyContext } from '../policy/types.ts';
import { systemActor, type Actor, type AuditLog } from '../security/createAuditLog.ts';
import { createSharedCache } from '../store/sharedCache.ts';
import { classRepository, type StoredClass } from '../store/repositories/classRepository.ts';
import { settingRepository } from '../store/repositories/settingRepository.ts';
import { mergeClassInput, toClassInput, validateClassInput, type ClassInput } from './classInput.ts';
import { countPersonsUsing, personsCount } from './countPersonsUsing.ts';
import { defaultClassSetting } from './settingsDirectory.ts';

export type { ClassInput };

/** A class as shown: the input form and when it last changed. */
export type ClassView = ClassInput & { last_update: string };

const key = (name: string) => name.toLowerCase();

/** The policy of a stored class, without the store's own fields; factors in the screen's order. */
function toPolicy(stored: StoredClass): ClassPolicy {
  const prioritiesOf = (context: PolicyContext) => {
    const given: Partial<Record<FactorId, number>> = stored.priorities?.[context] ?? {};
    return Object.fromEntries(factorIds.filter((factor) => typeof given[factor] === 'number').map((factor) => [factor, given[factor]]));
  };
  const { verifyBy, newPasswordBy, resetBy, mustChangeMinutes } = stored.passwordReset;
  return {
    name: stored.name,
    text: stored.text ?? '',
    mfaDevice: stored.mfaDevice,
    noScreenChannel: stored.noScreenChannel,
    ...(typeof stored.emailDomain === 'string' ? { emailDomain: stored.emailDomain } : {}),
    allowOtpInsteadOfTotp: stored.allowOtpInsteadOfTotp,
    priorities: { MFA: prioritiesOf('MFA'), AOD: prioritiesOf('AOD'), 'P-R': prioritiesOf('P-R') },
    ...(typeof stored.apiProvider === 'string' ? { apiProvider: stored.apiProvider } : {}),
    questionCount: stored.questionCount,
    maxRetries: stored.maxRetries,
    waitSeconds: stored.waitSeconds,
    passwordReset: { verifyBy, newPasswordBy, resetBy, mustChangeMinutes },
  };
}

const toView = (stored: StoredClass): ClassView => ({ ...toClassInput(toPolicy(stored)), last_update: stored.lastUpdate.toISOString() });

export function createClassDirectory(connection: Connection, audit: AuditLog) {
  const classes = classRepository(connection);
  const cache = createSharedCache<ClassPolicy>(connection, 'classes');
  const settings = settingRepository(connection);

  async function find(name: string): Promise<StoredClass> {
    const stored = typeof name === 'string' ? await classes.byId(key(name)) : null;
    if (!stored) throw new NotFoundError(`There is no class "${name}".`);
    return stored;
  }

  async function insert(policy: ClassPolicy): Promise<StoredClass> {
    const doc: StoredClass = { _id: key(policy.name), ...policy, lastUpdate: new Date() };
    try {
      await classes.insert(doc);
      await cache.changed();
    } catch (error) {
      if ((error as { code?: number }).code === 11000) throw new ConflictError(`name: a class "${policy.name}" already exists (names are compared ignoring case).`);
      throw error;
    }
    return doc;
  }

  /** Replaces a stored class with `policy`; records the change. Unchanged: nothing written. */
  async function replace(existing: StoredClass, policy: ClassPolicy, actor: Actor): Promise<{ stored: StoredClass; changed: boolean }> {
    if (isDeepStrictEqual(toPolicy(existing), policy)) return { stored: existing, changed: false };
    const doc: StoredClass = { _id: existing._id, ...policy, lastUpdate: new Date() };
    await classes.replace(doc);
    await cache.changed();
    await audit.record({ actor, action: 'update', entity: 'class', entityId: doc._id, before: toClassInput(toPolicy(existing)), after: toClassInput(policy) });
    return { stored: doc, changed: true };
  }

  return {
    /** Stores a new class; fields left out take their defaults (classInput.ts `classDefaults`). */
    async add(input: unknown, options: { actor?: Actor } = {}): Promise<ClassView> {
      const doc = await insert(validateClassInput(input));
      const view = toView(doc);
      await audit.record({ actor: options.actor ?? systemActor, action: 'create', entity: 'class', entityId: doc._id, after: toClassInput(toPolicy(doc)) });
      return view;
    },

    async show(name: string): Promise<ClassView> {
      return toView(await find(name));
    },

    async list(): Promise<ClassView[]> {
      return (await classes.list()).map(toView);
    },

    /**
     * Changes the fields given (classInput.ts `mergeClassInput`: password_reset field by
     * field, factors factor by factor, null removes); the result is checked as a whole.
     */
    async update(name: string, change: unknown, options: { actor?: Actor } = {}): Promise<ClassView> {
      const existing = await find(name);
      const policy = validateClassInput(mergeClassInput(toClassInput(toPolicy(existing)), change));
      const { stored } = await replace(existing, policy, options.actor ?? systemActor);
      return toView(stored);
    },

    /** Creates the class, or replaces every field of the one with the same name (for import). */
    async put(input: unknown, options: { actor?: Actor } = {}): Promise<{ class: ClassView; status: 'created' | 'updated' | 'unchanged' }> {
      const policy = validateClassInput(input);
      const actor = options.actor ?? systemActor;
      const existing = await classes.byId(key(policy.name));
      if (!existing) {
        const doc = await insert(policy);
        await audit.record({ actor, action: 'create', entity: 'class', entityId: doc._id, after: toClassInput(policy) });
        return { class: toView(doc), status: 'created' };
      }
      const { stored, changed } = await replace(existing, policy, actor);
      return { class: toView(stored), status: changed ? 'updated' : 'unchanged' };
    },

    /**
     * Deletes a class that no person names and that is not the default class. (The check
     * and the delete are two steps: a person given this class in between keeps a class
     * name that no longer exists, which sign-in treats like any unknown class.)
     */
    async delete(name: string, options: { actor?: Actor } = {}): Promise<void> {
      const existing = await find(name);
      const defaultClass = (await settings.byId(defaultClassSetting))?.value;
      if (typeof defaultClass === 'string' && key(defaultClass) === existing._id) {
        throw new ConflictError(`The class "${existing.name}" is the default class (persons with class *DFT use it); set another default class or clear it first.`);
      }
      const users = await countPersonsUsing(connection, 'className', existing.name);
      if (users > 0) throw new ConflictError(`The class "${existing.name}" is the class of ${personsCount(users)}; give ${users === 1 ? 'that person' : 'them'} another class first.`);
      const deleted = await classes.deleteById(existing._id);
      await cache.changed();
      if (!deleted) throw new NotFoundError(`There is no class "${name}".`);
      await audit.record({ actor: options.actor ?? systemActor, action: 'delete', entity: 'class', entityId: existing._id, before: toClassInput(toPolicy(existing)) });
    },

    /** The stored policy of a class by name (ignoring case); undefined for an unknown name, *DFT or *NEVER. */
    async findPolicy(name: string): Promise<ClassPolicy | undefined> {
      if (typeof name !== 'string' || name.startsWith('*')) return undefined;
      // Read on every sign-in: kept in memory, and seen within two seconds of a change elsewhere (store/sharedCache.ts).
      return cache.get(key(name), async () => {
        const stored = await classes.byId(key(name));
        return stored ? toPolicy(stored) : undefined;
      });
    },

    /** Every class in the input form, by name: what `import` takes back unchanged. */
    async exportAll(): Promise<ClassInput[]> {
      return (await classes.list()).map((stored) => toClassInput(toPolicy(stored)));
    },
  };
}

export type ClassDirectory = ReturnType<typeof createClassDirectory>;
