import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Connection } from 'mongoose';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors/GatehouseError.ts';
import { adminScope, providerScopes } from '../oidc/scopes.ts';
import { systemActor, type Actor, type AuditLog } from '../security/createAuditLog.ts';
import type { SecretBox } from '../security/secretBox.ts';
import { artefactRepository } from '../store/repositories/artefactRepository.ts';
import { clientRepository, type StoredClient } from '../store/repositories/clientRepository.ts';
import { createSharedCache } from '../store/sharedCache.ts';
import { clientSchema, usesSecret, type ValidClient } from './schemas/clientSchema.ts';
import { parseInput } from './schemas/parseInput.ts';
import { inputOf, toView, type ClientDetails, type ClientInput, type ClientView, type ClientChanges } from './clientViews.ts';

export type { ClientChanges, ClientDetails, ClientInput, ClientView } from './clientViews.ts';

export { authMethods, usesSecret } from './schemas/clientSchema.ts';

const secretContext = (clientId: string) => `client-secret:${clientId}`;

/** Checks a client document (schemas/clientSchema.ts) and returns it normalised; throws InvalidInputError naming the field. */
export function validateClientInput(input: unknown): ValidClient {
  return parseInput(clientSchema, input);
}

/** The scopes a client may ask for (see providerMetadata); undefined: every scope. */
function clientScope(client: StoredClient): { scope?: string } {
  if (client.adminApi === true) return { scope: providerScopes.join(' ') };
  const grants = (client.metadata.grant_types as string[] | undefined) ?? [];
  if (grants.includes('client_credentials') && !grants.includes('authorization_code')) {
    return { scope: providerScopes.filter((scope) => scope !== adminScope).join(' ') };
  }
  return {};
}

export function createClientDirectory(connection: Connection, secretBox: SecretBox, audit: AuditLog) {
  const clients = clientRepository(connection);
  // The provider asks for a client several times per sign-in and grant: kept in memory, seen within two seconds of a change elsewhere.
  const cache = createSharedCache<Record<string, unknown>>(connection, 'clients', { variant: secretBox.keyId });

  const directory = {
    /**
     * Stores a client. The secret (given, or generated for confidential clients) is
     * returned once and kept only sealed.
     */
    async add(input: unknown, options: { actor?: Actor } = {}): Promise<{ client: ClientView; clientSecret?: string }> {
      const valid = validateClientInput(input);
      const { client_secret: given, first_party: firstParty, admin_api: adminApi, resource_server: resourceServer, ...metadata } = valid;
      const clientSecret = usesSecret(metadata.token_endpoint_auth_method) ? (given ?? randomBytes(32).toString('base64url')) : undefined;
      if (metadata.grant_types.includes('authorization_code')) {
        Object.assign(metadata, { response_types: ['code'] });
      } else {
        Object.assign(metadata, { response_types: [] });
      }
      const now = new Date();
      const doc: StoredClient = {
        _id: valid.client_id,
        metadata,
        sealedSecret: clientSecret ? secretBox.seal(clientSecret, secretContext(valid.client_id)) : undefined,
        firstParty,
        adminApi,
        resourceServer,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await clients.insert(doc);
        await cache.changed();
      } catch (error) {
        if ((error as { code?: number }).code === 11000) throw new ConflictError(`client_id: a client "${doc._id}" already exists.`);
        throw error;
      }
      const client = toView(doc);
      await audit.record({ actor: options.actor ?? systemActor, action: 'create', entity: 'client', entityId: doc._id, after: client });
      return { client, clientSecret };
    },

    async list(): Promise<ClientView[]> {
      return (await clients.list()).map(toView);
    },

    /**
     * One client by client_id, or else by client_name ignoring case (refused when two
     * share it): every field, whether it has a secret, never the secret.
     */
    async show(clientIdOrName: string): Promise<ClientDetails> {
      let client = await clients.byId(clientIdOrName);
      if (!client) {
        const wanted = clientIdOrName.toLowerCase();
        const named = (await clients.list()).filter((c) => typeof c.metadata.client_name === 'string' && c.metadata.client_name.toLowerCase() === wanted);
        if (named.length > 1) throw new ConflictError(`${named.length} clients are named "${clientIdOrName}" (${named.map((c) => c._id).join(', ')}): give the client_id.`);
        client = named[0] ?? null;
      }
      if (!client) throw new NotFoundError(`There is no client "${clientIdOrName}" (by client_id or name).`);
      return { ...toView(client), has_secret: client.sealedSecret !== undefined, updated_at: client.updatedAt.toISOString() };
    },

    /**
     * Changes the fields given (null removes client_name, jwks_uri or the post-logout
     * URIs) and keeps the others; the result is checked as a whole by validateClientInput,
     * like add, import and the admin API, and stored as put does: a confidential client
     * keeps its secret, a public or private_key_jwt one loses it, and one that becomes
     * confidential gets a new secret, returned once. A jwks_uri left over from a
     * private_key_jwt client that changes method goes with it. Audited as an update.
     */
    async update(clientId: string, changes: ClientChanges, options: { actor?: Actor } = {}) {
      if (typeof changes !== 'object' || changes === null) throw new InvalidInputError('A change to a client must be an object.');
      for (const field of ['client_id', 'client_secret']) {
        if (field in changes) throw new InvalidInputError(`${field}: an update does not change it (remove and add the client instead).`);
      }
      const existing = await clients.byId(clientId);
      if (!existing) throw new NotFoundError(`There is no client "${clientId}".`);
      const merged: Record<string, unknown> = { ...inputOf(existing) };
      if (changes.token_endpoint_auth_method !== undefined && changes.token_endpoint_auth_method !== 'private_key_jwt' && changes.jwks_uri === undefined) delete merged.jwks_uri;
      for (const [field, value] of Object.entries(changes)) {
        if (value === undefined) continue;
        if (value === null) delete merged[field];
        else merged[field] = value;
      }
      return directory.put(merged, options);
    },

    /**
     * Removes the client with every grant, code and token issued to it: a client added
     * again under the same client_id starts with none of them.
     */
    async remove(clientId: string, options: { actor?: Actor } = {}): Promise<void> {
      const existing = await clients.byId(clientId);
      const deleted = await clients.deleteById(clientId);
      await cache.changed();
      if (!existing || !deleted) throw new NotFoundError(`There is no client "${clientId}".`);
      await artefactRepository(connection).deleteOfClient(clientId);
      await audit.record({ actor: options.actor ?? systemActor, action: 'delete', entity: 'client', entityId: clientId, before: toView(existing) });
    },

    /**
     * A new secret for a client that authenticates with one, generated as `add` does and
     * returned once; the former secret is refused from then on. Audited as an update
     * (`secret_changed`), never with the secret.
     */
    async rotateSecret(clientId: string, options: { actor?: Actor } = {}): Promise<{ client: ClientView; clientSecret: string }> {
      const existing = await clients.byId(clientId);
      if (!existing) throw new NotFoundError(`There is no client "${clientId}".`);
      const method = String(existing.metadata.token_endpoint_auth_method);
      if (!usesSecret(method)) throw new InvalidInputError(`token_endpoint_auth_method: a client authenticating with ${method} has no secret.`);
      const clientSecret = randomBytes(32).toString('base64url');
      const { client } = await directory.put({ ...inputOf(existing), client_secret: clientSecret }, options);
      return { client, clientSecret };
    },

    /**
     * The metadata oidc-provider needs, with the secret opened; undefined when unknown.
     * `scope` lets only an admin_api client ask for the admin scope with client
     * credentials; a client that signs persons in keeps every scope, since a person with
     * the admin role may get it through any client (createProvider.ts limits it there).
     */
    async providerMetadata(clientId: string): Promise<Record<string, unknown> | undefined> {
      const metadata = await cache.get(clientId, async () => {
        const client = await clients.byId(clientId);
        if (!client) return undefined;
        return {
          ...client.metadata,
          client_id: client._id,
          ...(client.sealedSecret ? { client_secret: secretBox.open(client.sealedSecret, secretContext(client._id)) } : {}),
          first_party: client.firstParty,
          admin_api: client.adminApi === true,
          resource_server: client.resourceServer === true,
          ...clientScope(client),
        };
      });
      // Each caller gets its own copy: the cached one is never handed out to be changed.
      return metadata && structuredClone(metadata);
    },

    /**
     * The export form: the document `import` takes back. Secrets are left out unless
     * asked for; an import without one generates a new secret.
     */
    async exportAll(options: { includeSecrets?: boolean } = {}): Promise<ClientInput[]> {
      return (await clients.list()).map((client) => {
        const { client_id: clientId, client_name: name, ...rest } = inputOf(client);
        return {
          client_id: clientId,
          ...(name ? { client_name: name } : {}),
          ...(options.includeSecrets && client.sealedSecret ? { client_secret: secretBox.open(client.sealedSecret, secretContext(client._id)) } : {}),
          ...rest,
        };
      });
    },

    /**
     * Creates the client, or replaces the one with the same client_id (keeping its
     * creation date). Without client_secret, a confidential client keeps the secret it
     * has; only a confidential client that has none yet gets a generated one, returned
     * once as `generatedSecret`.
     */
    async put(input: unknown, options: { actor?: Actor } = {}): Promise<{ client: ClientView; status: 'created' | 'updated' | 'unchanged'; generatedSecret?: string }> {
      const valid = validateClientInput(input);
      const { client_secret: given, first_party: firstParty, admin_api: adminApi, resource_server: resourceServer, ...fields } = valid;
      const metadata: Record<string, unknown> = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
      metadata.response_types = valid.grant_types.includes('authorization_code') ? ['code'] : [];
      const existing = await clients.byId(valid.client_id);
      const context = secretContext(valid.client_id);
      const opens = (sealed: string | undefined, secret: string) => {
        try {
          return sealed !== undefined && secretBox.open(sealed, context) === secret;
        } catch {
          return false;
        }
      };
      let sealedSecret: string | undefined;
      let generatedSecret: string | undefined;
      if (!usesSecret(valid.token_endpoint_auth_method)) {
        sealedSecret = undefined;
      } else if (given !== undefined) {
        sealedSecret = opens(existing?.sealedSecret, given) ? existing!.sealedSecret : secretBox.seal(given, context);
      } else if (existing?.sealedSecret) {
        sealedSecret = existing.sealedSecret;
      } else {
        generatedSecret = randomBytes(32).toString('base64url');
        sealedSecret = secretBox.seal(generatedSecret, context);
      }
      const now = new Date();
      const doc: StoredClient = { _id: valid.client_id, metadata, sealedSecret, firstParty, adminApi, resourceServer, createdAt: existing?.createdAt ?? now, updatedAt: now };
      if (!sealedSecret) delete doc.sealedSecret;
      if (
        existing &&
        isDeepStrictEqual(existing.metadata, metadata) &&
        existing.firstParty === firstParty &&
        (existing.adminApi === true) === adminApi &&
        (existing.resourceServer === true) === resourceServer &&
        existing.sealedSecret === sealedSecret
      ) {
        return { client: toView(existing), status: 'unchanged' };
      }
      await clients.put(doc);
      await cache.changed();
      const client = toView(doc);
      await audit.record({
        actor: options.actor ?? systemActor,
        action: existing ? 'update' : 'create',
        entity: 'client',
        entityId: doc._id,
        ...(existing ? { before: toView(existing) } : {}),
        after: { ...client, ...(existing && existing.sealedSecret !== sealedSecret ? { secret_changed: true } : {}) },
      });
      return { client, status: existing ? 'updated' : 'created', ...(generatedSecret ? { generatedSecret } : {}) };
    },
  };
  return directory;
}

export type ClientDirectory = ReturnType<typeof createClientDirectory>;
