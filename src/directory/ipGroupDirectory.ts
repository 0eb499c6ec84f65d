import type { Connection } from 'mongoose';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors/GatehouseError.ts';
import { systemActor, type Actor, type AuditLog } from '../security/createAuditLog.ts';
import { ipGroupRepository, type StoredIpGroup } from '../store/repositories/ipGroupRepository.ts';
import { countPersonsUsing, personsCount } from './countPersonsUsing.ts';
import { ipGroupSchema, rangesSchema } from './schemas/ipGroupSchema.ts';
import { parseInput } from './schemas/parseInput.ts';

/** An IP group in the input form of the JSON API, import/export and the CLI. */
export type IpGroupInput = { name: string; text: string; ranges: string[] };
export type IpGroupView = IpGroupInput & { last_update: string };

export { maximumRanges } from './schemas/ipGroupSchema.ts';

/**
 * Each range in its normal form ("10.0.0.0/8", "2001:db8::/32"; a bare address becomes
 * /32 or /128; IPv4-mapped IPv6 ranges become IPv4), in the order given, each once.
 */
export function normaliseRanges(value: unknown): string[] {
  return parseInput(rangesSchema, value, ['ranges']);
}

/** Checks an IP group (schemas/ipGroupSchema.ts) and returns it normalised: name upper-cased, ranges in normal form. */
export function validateIpGroupInput(input: unknown): IpGroupInput {
  return parseInput(ipGroupSchema, input);
}

const key = (name: string) => name.toLowerCase();
const toInput = (stored: StoredIpGroup): IpGroupInput => ({ name: stored.name, text: stored.text ?? '', ranges: [...stored.ranges] });
const toView = (stored: StoredIpGroup): IpGroupView => ({ ...toInput(stored), last_update: stored.lastUpdate.toISOString() });
const same = (a: IpGroupInput, b: IpGroupInput) => a.name === b.name && a.text === b.text && a.ranges.length === b.ranges.length && a.ranges.every((range, i) => range === b.ranges[i]);

export function createIpGroupDirectory(connection: Connection, audit: AuditLog) {
  const groups = ipGroupRepository(connection);

  async function find(name: string): Promise<StoredIpGroup> {
    const stored = typeof name === 'string' ? await groups.byId(key(name)) : null;
    if (!stored) throw new NotFoundError(`There is no IP group "${name}".`);
    return stored;
  }

  async function insert(group: IpGroupInput, actor: Actor): Promise<StoredIpGroup> {
    const doc: StoredIpGroup = { _id: key(group.name), ...group, lastUpdate: new Date() };
    try {
      await groups.insert(doc);
    } catch (error) {
      if ((error as { code?: number }).code === 11000) throw new ConflictError(`name: an IP group "${group.name}" already exists (names are compared ignoring case).`);
      throw error;
    }
    await audit.record({ actor, action: 'create', entity: 'ipgroup', entityId: doc._id, after: group });
    return doc;
  }

  async function replace(existing: StoredIpGroup, group: IpGroupInput, actor: Actor): Promise<{ stored: StoredIpGroup; changed: boolean }> {
    if (same(toInput(existing), group)) return { stored: existing, changed: false };
    const doc: StoredIpGroup = { _id: existing._id, ...group, lastUpdate: new Date() };
    await groups.replace(doc);
    await audit.record({ actor, action: 'update', entity: 'ipgroup', entityId: doc._id, before: toInput(existing), after: group });
    return { stored: doc, changed: true };
  }

  return {
    async add(input: unknown, options: { actor?: Actor } = {}): Promise<IpGroupView> {
      return toView(await insert(validateIpGroupInput(input), options.actor ?? systemActor));
    },

    async show(name: string): Promise<IpGroupView> {
      return toView(await find(name));
    },

    async list(): Promise<IpGroupView[]> {
      return (await groups.list()).map(toView);
    },

    /** Changes the fields given: `text`, and `ranges` (the whole list). The name cannot change. */
    async update(name: string, change: unknown, options: { actor?: Actor } = {}): Promise<IpGroupView> {
      const existing = await find(name);
      if (typeof change !== 'object' || change === null || Array.isArray(change)) throw new InvalidInputError('A change to an IP group must be an object.');
      const raw = change as Record<string, unknown>;
      if (raw.name !== undefined && (typeof raw.name !== 'string' || raw.name.toUpperCase() !== existing.name)) {
        throw new InvalidInputError('name: an IP group cannot be renamed (persons refer to it by name); add a new IP group instead.');
      }
      const group = validateIpGroupInput({ ...toInput(existing), ...raw, name: existing.name });
      return toView((await replace(existing, group, options.actor ?? systemActor)).stored);
    },

    /** Creates the IP group, or replaces the one with the same name (for import). */
    async put(input: unknown, options: { actor?: Actor } = {}): Promise<{ ipGroup: IpGroupView; status: 'created' | 'updated' | 'unchanged' }> {
      const group = validateIpGroupInput(input);
      const actor = options.actor ?? systemActor;
      const existing = await groups.byId(key(group.name));
      if (!existing) return { ipGroup: toView(await insert(group, actor)), status: 'created' };
      const { stored, changed } = await replace(existing, group, actor);
      return { ipGroup: toView(stored), status: changed ? 'updated' : 'unchanged' };
    },

    /** Deletes an IP group that no person names (checked, then deleted: see classDirectory's delete). */
    async delete(name: string, options: { actor?: Actor } = {}): Promise<void> {
      const existing = await find(name);
      const users = await countPersonsUsing(connection, 'ipGroup', existing.name);
      if (users > 0) throw new ConflictError(`The IP group "${existing.name}" is the IP group of ${personsCount(users)}; give ${users === 1 ? 'that person' : 'them'} another IP group or none first.`);
      if (!(await groups.deleteById(existing._id))) throw new NotFoundError(`There is no IP group "${name}".`);
      await audit.record({ actor: options.actor ?? systemActor, action: 'delete', entity: 'ipgroup', entityId: existing._id, before: toInput(existing) });
    },

    /** The ranges of an IP group by name (ignoring case); undefined for an unknown name. */
    async findRanges(name: string): Promise<string[] | undefined> {
      if (typeof name !== 'string') return undefined;
      return (await groups.byId(key(name)))?.ranges;
    },

    async exportAll(): Promise<IpGroupInput[]> {
      return (await groups.list()).map(toInput);
    },
  };
}

export type IpGroupDirectory = ReturnType<typeof createIpGroupDirectory>;
