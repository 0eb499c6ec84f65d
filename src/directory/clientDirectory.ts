import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Connection } from 'mongoose';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors/GatehouseError.ts';
import { adminScope, providerScopes } from '../oidc/scopes.ts';
import { systemActor, type Actor, type AuditLog } from '../security/createAuditLog.ts';
import type { SecretBox } from '../security/secretBox.ts';
import { clientModel, type StoredClient } from '../store/models/clientModel.ts';

export type ClientInput = {
  client_id?: string;
  client_secret?: string;
  client_name?: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
  grant_types?: string[];
  token_endpoint_auth_method?: string;
  first_party?: boolean;
  /** May get client-credentials tokens with the admin scope, for the admin JSON API. */
  admin_api?: boolean;
  /** A resource server: may introspect the tokens of every client (any other client only its own). */
  resource_server?: boolean;
};

/** What the directory shows of a client: never its secret. */
export type ClientView = {
  client_id: string;
  client_name?: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  token_endpoint_auth_method: string;
  first_party: boolean;
  admin_api: boolean;
  resource_server: boolean;
  created_at: string;
};

const authMethods = ['client_secret_basic', 'client_secret_post', 'none'];
const grantTypes = ['authorization_code', 'refresh_token', 'client_credentials'];
const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);
const secretContext = (clientId: string) => `client-secret:${clientId}`;

function checkRedirectUri(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidInputError(`${field}: each entry must be a URL string.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInputError(`${field}: "${value}" is not an absolute URL.`);
  }
  if (url.hash) throw new InvalidInputError(`${field}: "${value}" must not have a #fragment.`);
  if (url.protocol === 'http:' && !loopbackHosts.has(url.hostname)) {
    throw new InvalidInputError(`${field}: "${value}" must use https (http is accepted only for localhost).`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:' && !/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) {
    throw new InvalidInputError(`${field}: "${value}" must be https, loopback http, or a reverse-domain app scheme (com.example.app:/cb).`);
  }
  return value;
}

function checkList(field: string, value: unknown, required: boolean): string[] {
  if (value === undefined && !required) return [];
  if (!Array.isArray(value) || (required && value.length === 0)) {
    throw new InvalidInputError(`${field}: ${required ? 'at least one' : 'a list of'} redirect URL${required ? ' is required' : 's is expected'}.`);
  }
  return value.map((entry) => checkRedirectUri(field, entry));
}

/** Checks a client document and returns it normalised; throws InvalidInputError naming the field. */
export function validateClientInput(input: unknown): Required<Omit<ClientInput, 'client_secret' | 'client_name'>> & Pick<ClientInput, 'client_secret' | 'client_name'> {
  if (typeof input !== 'object' || input === null) throw new InvalidInputError('A client must be an object.');
  const raw = input as Record<string, unknown>;
  const known = ['client_id', 'client_secret', 'client_name', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'token_endpoint_auth_method', 'first_party', 'admin_api', 'resource_server'];
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) throw new InvalidInputError(`${key}: not a client field (known: ${known.join(', ')}).`);
  }
  const clientId = raw.client_id ?? `client_${randomBytes(9).toString('base64url')}`;
  if (typeof clientId !== 'string' || !/^[A-Za-z0-9._~-]{3,64}$/.test(clientId)) {
    throw new InvalidInputError('client_id: 3 to 64 letters, digits, dots, dashes, underscores or tildes.');
  }
  if (raw.client_name !== undefined && (typeof raw.client_name !== 'string' || raw.client_name.length > 100)) {
    throw new InvalidInputError('client_name: a text of at most 100 characters.');
  }
  const method = raw.token_endpoint_auth_method ?? 'client_secret_basic';
  if (typeof method !== 'string' || !authMethods.includes(method)) {
    throw new InvalidInputError(`token_endpoint_auth_method: one of ${authMethods.join(', ')}.`);
  }
  const grants = raw.grant_types ?? ['authorization_code', 'refresh_token'];
  if (!Array.isArray(grants) || grants.length === 0 || grants.some((g) => typeof g !== 'string' || !grantTypes.includes(g))) {
    throw new InvalidInputError(`grant_types: a non-empty list of ${grantTypes.join(', ')}.`);
  }
  if (method === 'none' && grants.includes('client_credentials')) {
    throw new InvalidInputError('grant_types: client_credentials needs a confidential client (token_endpoint_auth_method other than none).');
  }
  const usesRedirects = grants.includes('authorization_code');
  const secret = raw.client_secret;
  if (secret !== undefined) {
    if (method === 'none') throw new InvalidInputError('client_secret: a public client (token_endpoint_auth_method none) has no secret.');
    if (typeof secret !== 'string' || secret.length < 32) throw new InvalidInputError('client_secret: at least 32 characters.');
  }
  if (raw.first_party !== undefined && typeof raw.first_party !== 'boolean') throw new InvalidInputError('first_party: true or false.');
  if (raw.admin_api !== undefined && typeof raw.admin_api !== 'boolean') throw new InvalidInputError('admin_api: true or false.');
  if (raw.admin_api === true && (method === 'none' || !grants.includes('client_credentials'))) {
    throw new InvalidInputError('admin_api: only a confidential client with the client_credentials grant may use the admin API.');
  }
  if (raw.resource_server !== undefined && typeof raw.resource_server !== 'boolean') throw new InvalidInputError('resource_server: true or false.');
  if (raw.resource_server === true && method === 'none') {
    throw new InvalidInputError('resource_server: only a confidential client (one that authenticates) may introspect other clients\' tokens.');
  }
  return {
    client_id: clientId,
    client_secret: secret as string | undefined,
    client_name: raw.client_name as string | undefined,
    redirect_uris: checkList('redirect_uris', raw.redirect_uris, usesRedirects),
    post_logout_redirect_uris: checkList('post_logout_redirect_uris', raw.post_logout_redirect_uris, false),
    grant_types: grants as string[],
    token_endpoint_auth_method: method,
    first_party: raw.first_party === true,
    admin_api: raw.admin_api === true,
    resource_server: raw.resource_server === true,
  };
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

function toView(client: StoredClient): ClientView {
  const m = client.metadata as Record<string, any>;
  return {
    client_id: client._id,
    client_name: m.client_name,
    redirect_uris: m.redirect_uris ?? [],
    post_logout_redirect_uris: m.post_logout_redirect_uris ?? [],
    grant_types: m.grant_types,
    token_endpoint_auth_method: m.token_endpoint_auth_method,
    first_party: client.firstParty,
    admin_api: client.adminApi === true,
    resource_server: client.resourceServer === true,
    created_at: client.createdAt.toISOString(),
  };
}

export function createClientDirectory(connection: Connection, secretBox: SecretBox, audit: AuditLog) {
  const Clients = clientModel(connection);

  return {
    /**
     * Stores a client. The secret (given, or generated for confidential clients) is
     * returned once and kept only sealed.
     */
    async add(input: unknown, options: { actor?: Actor } = {}): Promise<{ client: ClientView; clientSecret?: string }> {
      const valid = validateClientInput(input);
      const { client_secret: given, first_party: firstParty, admin_api: adminApi, resource_server: resourceServer, ...metadata } = valid;
      const clientSecret = metadata.token_endpoint_auth_method === 'none' ? undefined : (given ?? randomBytes(32).toString('base64url'));
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
        await Clients.create(doc);
      } catch (error) {
        if ((error as { code?: number }).code === 11000) throw new ConflictError(`client_id: a client "${doc._id}" already exists.`);
        throw error;
      }
      const client = toView(doc);
      await audit.record({ actor: options.actor ?? systemActor, action: 'create', entity: 'client', entityId: doc._id, after: client });
      return { client, clientSecret };
    },

    async list(): Promise<ClientView[]> {
      const clients = await Clients.find().sort({ _id: 1 }).lean();
      return clients.map(toView);
    },

    async remove(clientId: string, options: { actor?: Actor } = {}): Promise<void> {
      const existing = await Clients.findById(clientId).lean();
      const result = await Clients.deleteOne({ _id: clientId });
      if (!existing || result.deletedCount === 0) throw new NotFoundError(`There is no client "${clientId}".`);
      await audit.record({ actor: options.actor ?? systemActor, action: 'delete', entity: 'client', entityId: clientId, before: toView(existing) });
    },

    /**
     * The metadata oidc-provider needs, with the secret opened; undefined when unknown.
     * `scope` lets only an admin_api client ask for the admin scope with client
     * credentials; a client that signs persons in keeps every scope, since a person with
     * the admin role may get it through any client (createProvider.ts limits it there).
     */
    async providerMetadata(clientId: string): Promise<Record<string, unknown> | undefined> {
      const client = await Clients.findById(clientId).lean();
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
    },

    /**
     * The export form: the document `import` takes back. Secrets are left out unless
     * asked for; an import without one generates a new secret.
     */
    async exportAll(options: { includeSecrets?: boolean } = {}): Promise<ClientInput[]> {
      const clients = await Clients.find().sort({ _id: 1 }).lean();
      return clients.map((client) => {
        const view = toView(client);
        return {
          client_id: view.client_id,
          ...(view.client_name ? { client_name: view.client_name } : {}),
          ...(options.includeSecrets && client.sealedSecret ? { client_secret: secretBox.open(client.sealedSecret, secretContext(client._id)) } : {}),
          redirect_uris: view.redirect_uris,
          post_logout_redirect_uris: view.post_logout_redirect_uris,
          grant_types: view.grant_types,
          token_endpoint_auth_method: view.token_endpoint_auth_method,
          first_party: view.first_party,
          admin_api: view.admin_api,
          ...(view.resource_server ? { resource_server: true } : {}),
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
      const existing = await Clients.findById(valid.client_id).lean();
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
      if (valid.token_endpoint_auth_method === 'none') {
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
      await Clients.replaceOne({ _id: doc._id }, doc, { upsert: true });
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
}

export type ClientDirectory = ReturnType<typeof createClientDirectory>;
