import type { StoredClient } from '../store/repositories/clientRepository.ts';
import type { ValidClient } from './schemas/clientSchema.ts';

/** A client in the input form of the CLI, the admin API and import/export (schemas/clientSchema.ts checks it). */
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

/** What the directory shows of a client: what was given, never its secret, and when it was added. */
export type ClientView = Omit<ValidClient, 'client_secret'> & { created_at: string };

/** What `client show` tells of a client: its view, whether it has a secret (never the secret) and its last change. */
export type ClientDetails = ClientView & { has_secret: boolean; updated_at: string };

/** A change to a client: the fields given replace the stored ones; null removes an optional field. */
export type ClientChanges = { [Field in keyof Omit<ClientInput, 'client_id' | 'client_secret'>]?: ClientInput[Field] | null };

/** The client as the directory shows it. */
export function toView(client: StoredClient): ClientView {
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
export function inputOf(client: StoredClient): ClientInput {
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
