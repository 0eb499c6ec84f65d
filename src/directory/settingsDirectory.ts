import type { Connection } from 'mongoose';
import { InvalidInputError } from '../errors/GatehouseError.ts';
import { systemActor, type Actor, type AuditLog } from '../security/createAuditLog.ts';
import { classRepository } from '../store/repositories/classRepository.ts';
import { settingRepository } from '../store/repositories/settingRepository.ts';
import { createSharedCache } from '../store/sharedCache.ts';
import { parseInput } from './schemas/parseInput.ts';
import { settingsSchema } from './schemas/settingsSchema.ts';

/** The directory-wide settings in the input form of import/export and the API. */
export type SettingsInput = { default_class?: string };

/** The setting's _id in the settings collection. */
export const defaultClassSetting = 'default_class';

/**
 * The _id of the issuer the server last started with: a fact about the deployment, not a
 * directory setting, so import and export leave it alone.
 */
export const runningIssuerSetting = 'running_issuer';

/** Checks the settings of an import document (schemas/settingsSchema.ts). */
export function validateSettingsInput(input: unknown): { default_class?: string | null } {
  return parseInput(settingsSchema, input);
}

export function createSettingsDirectory(connection: Connection, audit: AuditLog) {
  const storedSettings = settingRepository(connection);
  const cache = createSharedCache<unknown>(connection, 'settings');
  const classes = classRepository(connection);

  /** Read on every sign-in of a *DFT person: kept in memory, seen within two seconds of a change elsewhere (store/sharedCache.ts). */
  async function defaultClass(): Promise<string | undefined> {
    const value = await cache.get(defaultClassSetting, async () => (await storedSettings.byId(defaultClassSetting))?.value);
    return typeof value === 'string' ? value : undefined;
  }

  /** Sets (a class name, ignoring case) or clears (undefined) the default class; the class must exist. */
  async function setDefaultClass(name: string | undefined, options: { actor?: Actor } = {}): Promise<{ default_class?: string; status: 'updated' | 'unchanged' }> {
    let value: string | undefined;
    if (name !== undefined) {
      const stored = typeof name === 'string' && !name.startsWith('*') ? await classes.nameById(name.toLowerCase()) : undefined;
      if (stored === undefined) throw new InvalidInputError(`default_class: there is no class "${name}".`);
      value = stored;
    }
    const before = await defaultClass();
    if (before === value) return { ...(value === undefined ? {} : { default_class: value }), status: 'unchanged' };
    if (value === undefined) await storedSettings.delete(defaultClassSetting);
    else await storedSettings.put(defaultClassSetting, value);
    await cache.changed();
    await audit.record({
      actor: options.actor ?? systemActor,
      action: 'update',
      entity: 'settings',
      entityId: defaultClassSetting,
      before: before === undefined ? {} : { default_class: before },
      after: value === undefined ? {} : { default_class: value },
    });
    return { ...(value === undefined ? {} : { default_class: value }), status: 'updated' };
  }

  return {
    /**
     * The public URL (ISSUER) of the deployment, as its server last started with it;
     * undefined before any server ran on this database. The CLI builds links and otpauth
     * URIs with it, since its own environment may not know the deployment's URL.
     */
    async runningIssuer(): Promise<string | undefined> {
      const value = (await storedSettings.byId(runningIssuerSetting))?.value;
      return typeof value === 'string' ? value : undefined;
    },

    /**
     * Kept by the server at start (every instance of a deployment shares one issuer). Two
     * instances starting at once may both insert (the embedded database upserts as
     * find-then-insert): the one that loses replaces the document the other inserted.
     */
    async recordRunningIssuer(issuer: string): Promise<void> {
      try {
        await storedSettings.put(runningIssuerSetting, issuer);
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
        await storedSettings.replaceExisting(runningIssuerSetting, issuer);
      }
    },

    /** The class of persons whose class is *DFT; undefined when none is set. */
    defaultClass,
    setDefaultClass,

    /** The settings as import takes them back. */
    async exportAll(): Promise<SettingsInput> {
      const value = await defaultClass();
      return value === undefined ? {} : { default_class: value };
    },

    /** Applies the settings of an import document: each one given is set (null clears it); the others stay. */
    async put(input: unknown, options: { actor?: Actor } = {}): Promise<{ status: 'created' | 'updated' | 'unchanged' }> {
      const settings = validateSettingsInput(input);
      if (settings.default_class === undefined) return { status: 'unchanged' };
      const before = await defaultClass();
      const { status } = await setDefaultClass(settings.default_class ?? undefined, options);
      return { status: status === 'updated' && before === undefined ? 'created' : status };
    },
  };
}

export type SettingsDirectory = ReturnType<typeof createSettingsDirectory>;
