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
  /** Where the provider fetches the public keys of a private_key_jwt client. */
  jwks_uri?: string;
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
  jwks_uri?: string;
  first_party: boolean;
  admin_api: boolean;
  resource_server: boolean;
  created_at: string;
};

/** What `client show` tells of a client: its view, whether it has a secret (never the secret) and its last change. */
export type ClientDetails = ClientView & { has_secret: boolean; updated_at: string };

/** A change to a client: the fields given replace the stored ones; null removes an optional field. */
export type ClientChanges = { [Field in keyof Omit<ClientInput, 'client_id' | 'client_secret'>]?: ClientInput[Field] | null };

/**
 * The token endpoint authentication methods oidc-provider supports by default (its
 * clientAuthMethods; createProvider.ts keeps them): the client_secret_* ones use the
 * secret the directory keeps; private_key_jwt a key of the client's jwks_uri; none is a
 * public client (PKCE only).
 */
export const authMethods = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];
/** Whether a client of this method authenticates with a secret (and so gets one). */
export const usesSecret = (method: string) => method.startsWith('client_secret_');
const grantTypes = ['authorization_code', 'refresh_token', 'client_credentials'];
const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);
const secretContext = (clientId: string) => `client-secret:${clientId}`;

/** An absolute URL without a fragment, https or else http on loopback. */
function checkWebUrl(field: string, value: string): URL {
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
  return url;
}

function checkRedirectUri(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidInputError(`${field}: each entry must be a URL string.`);
  const url = checkWebUrl(field, value);
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
export function validateClientInput(input: unknown): Required<Omit<ClientInput, 'client_secret' | 'client_name' | 'jwks_uri'>> & Pick<ClientInput, 'client_secret' | 'client_name' | 'jwks_uri'> {
  if (typeof input !== 'object' || input === null) throw new InvalidInputError('A client must be an object.');
  const raw = input as Record<string, unknown>;
  const known = ['client_id', 'client_secret', 'client_name', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'token_endpoint_auth_method', 'jwks_uri', 'first_party', 'admin_api', 'resource_server'];
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
    if (!usesSecret(method)) throw new InvalidInputError(`client_secret: a client authenticating with ${method} has no secret.`);
    if (typeof secret !== 'string' || secret.length < 32) throw new InvalidInputError('client_secret: at least 32 characters.');
  }
  const jwksUri = raw.jwks_uri;
  if (method === 'private_key_jwt') {
    if (typeof jwksUri !== 'string' || jwksUri === '') throw new InvalidInputError('jwks_uri: private_key_jwt needs the URL of the client\'s public keys (--jwks-uri).');
    checkWebUrl('jwks_uri', jwksUri);
  } else if (jwksUri !== undefined) {
    throw new InvalidInputError('jwks_uri: only for a client that authenticates with private_key_jwt.');
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
    ...(jwksUri !== undefined ? { jwks_uri: jwksUri as string } : {}),
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
    ...(m.jwks_uri ? { jwks_uri: m.jwks_uri } : {}),
    first_party: client.firstParty,
    admin_api: client.adminApi === true,
    resource_server: client.resourceServer === true,
    created_at: client.createdAt.toISOString(),
  };
}

/** The stored client in the input form (the export document's entry), without its secret. */
function inputOf(client: StoredClient): ClientInput {
  const view = toView(client);
  return {
    client_id: view.client_id,
    ...(view.client_name ? { client_name: view.client_name } : {}),
    redirect_uris: view.redirect_uris,
    post_logout_redirect_uris: view.post_logout_redirect_uris,
    grant_types: view.grant_types,
    token_endpoint_auth_method: view.token_endpoint_auth_method,
    ...(view.jwks_uri ? { jwks_uri: view.jwks_uri } : {}),
    first_party: view.first_party,
    admin_api: view.admin_api,
    ...(view.resource_server ? { resource_server: true } : {}),
  };
}

export function createClientDirectory(connection: Connection, secretBox: SecretBox, audit: AuditLog) {
  const Clients = clientModel(connection);

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

    /**
     * One client by client_id, or else by client_name ignoring case (refused when two
     * share it): every field, whether it has a secret, never the secret.
     */
    async show(clientIdOrName: string): Promise<ClientDetails> {
      let client = await Clients.findById(clientIdOrName).lean();
      if (!client) {
        const wanted = clientIdOrName.toLowerCase();
        const named = (await Clients.find().sort({ _id: 1 }).lean()).filter((c) => typeof c.metadata.client_name === 'string' && c.metadata.client_name.toLowerCase() === wanted);
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
      const existing = await Clients.findById(clientId).lean();
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
  return directory;
}

export type ClientDirectory = ReturnType<typeof createClientDirectory>;
