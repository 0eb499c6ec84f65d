import { authMethods, type ClientChanges, type ClientInput, type ClientView } from '../../directory/clientDirectory.ts';
import { grantTypes } from '../../directory/schemas/clientSchema.ts';
import type { MessageKey } from '../../i18n/messages.en.ts';
import type { Translate } from '../../i18n/translate.ts';
import { fieldOfMessage } from '../../directory/schemas/parseInput.ts';

// The client form of the admin view: what was typed (all strings), the input the client
// directory takes (the admin API's shape), and the form's fields with their errors.

/** What the form holds, as typed: the lists one URI per line, the checkboxes as booleans. */
export type ClientTyped = {
  client_id: string;
  client_name: string;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  token_endpoint_auth_method: string;
  jwks_uri: string;
  grants: Record<string, boolean>;
  first_party: boolean;
  admin_api: boolean;
  resource_server: boolean;
};

/** The fields an error may be shown at: the input's field names, each with its label. */
export const clientFieldLabels = {
  client_id: 'admin.clients.field.clientId',
  client_name: 'admin.clients.field.clientName',
  redirect_uris: 'admin.clients.field.redirectUris',
  post_logout_redirect_uris: 'admin.clients.field.postLogoutRedirectUris',
  token_endpoint_auth_method: 'admin.clients.field.authMethod',
  jwks_uri: 'admin.clients.field.jwksUri',
  grant_types: 'admin.clients.field.grantTypes',
  first_party: 'admin.clients.field.firstParty',
  admin_api: 'admin.clients.field.adminApi',
  resource_server: 'admin.clients.field.resourceServer',
  client_secret: 'admin.clients.field.clientSecret',
} as const satisfies Record<string, MessageKey>;

export type ClientField = keyof typeof clientFieldLabels;

const text = (body: Record<string, unknown>, name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
const checked = (body: Record<string, unknown>, name: string) => body[name] === 'on' || body[name] === 'true';
const lines = (value: string) => value.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');

/** The form as sent. */
export function typedClient(body: Record<string, unknown>): ClientTyped {
  return {
    client_id: text(body, 'client_id').trim(),
    client_name: text(body, 'client_name').trim(),
    redirect_uris: text(body, 'redirect_uris'),
    post_logout_redirect_uris: text(body, 'post_logout_redirect_uris'),
    token_endpoint_auth_method: text(body, 'token_endpoint_auth_method'),
    jwks_uri: text(body, 'jwks_uri').trim(),
    grants: Object.fromEntries(grantTypes.map((grant) => [grant, checked(body, `grant_${grant}`)])),
    first_party: checked(body, 'first_party'),
    admin_api: checked(body, 'admin_api'),
    resource_server: checked(body, 'resource_server'),
  };
}

/** The form of a stored client, to modify it. */
export function typedOf(client: ClientView): ClientTyped {
  return {
    client_id: client.client_id,
    client_name: client.client_name ?? '',
    redirect_uris: client.redirect_uris.join('\n'),
    post_logout_redirect_uris: client.post_logout_redirect_uris.join('\n'),
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    jwks_uri: client.jwks_uri ?? '',
    grants: Object.fromEntries(grantTypes.map((grant) => [grant, client.grant_types.includes(grant)])),
    first_party: client.first_party,
    admin_api: client.admin_api,
    resource_server: client.resource_server,
  };
}

/** An empty form: what `client add` does by default (a confidential client that signs persons in). */
export const blankClient = (): ClientTyped => ({
  client_id: '',
  client_name: '',
  redirect_uris: '',
  post_logout_redirect_uris: '',
  token_endpoint_auth_method: 'client_secret_basic',
  jwks_uri: '',
  grants: { authorization_code: true, refresh_token: true, client_credentials: false },
  first_party: false,
  admin_api: false,
  resource_server: false,
});

const checkedGrants = (typed: ClientTyped) => grantTypes.filter((grant) => typed.grants[grant]);

/** The input of `clients.add` (as the admin API takes it): empty fields left out, so the directory's defaults and checks apply. */
export function addInputOf(typed: ClientTyped): ClientInput {
  return {
    ...(typed.client_id ? { client_id: typed.client_id } : {}),
    ...(typed.client_name ? { client_name: typed.client_name } : {}),
    redirect_uris: lines(typed.redirect_uris),
    post_logout_redirect_uris: lines(typed.post_logout_redirect_uris),
    grant_types: checkedGrants(typed),
    token_endpoint_auth_method: typed.token_endpoint_auth_method,
    ...(typed.jwks_uri ? { jwks_uri: typed.jwks_uri } : {}),
    first_party: typed.first_party,
    admin_api: typed.admin_api,
    resource_server: typed.resource_server,
  };
}

/** The changes of `clients.update`: every field of the form; an emptied name or JWKS URI is removed. */
export function changesOf(typed: ClientTyped): ClientChanges {
  return {
    client_name: typed.client_name || null,
    redirect_uris: lines(typed.redirect_uris),
    post_logout_redirect_uris: lines(typed.post_logout_redirect_uris),
    grant_types: checkedGrants(typed),
    token_endpoint_auth_method: typed.token_endpoint_auth_method,
    jwks_uri: typed.jwks_uri || null,
    first_party: typed.first_party,
    admin_api: typed.admin_api,
    resource_server: typed.resource_server,
  };
}

/** A refusal of the directory at its field: "redirect_uris: "x" is not…" → redirect_uris and what follows the path. */
export type FieldError = { field?: ClientField; message: string };

export function fieldErrorOf(message: string): FieldError {
  const named = fieldOfMessage(message);
  if (named && Object.hasOwn(clientFieldLabels, named.root)) return { field: named.root as ClientField, message: named.detail };
  return { message };
}

/** What the fields partial (views/admin/clients/_fields.ejs) shows: values, choices in words, the error at its field. */
export function clientFormView(t: Translate, typed: ClientTyped, error?: FieldError) {
  const errors: Partial<Record<ClientField, string>> = error?.field ? { [error.field]: error.message } : {};
  const summary = error ? (error.field ? { text: `${t(clientFieldLabels[error.field])}: ${error.message}`, href: `#${error.field}` } : { text: error.message }) : undefined;
  return {
    values: typed,
    errors,
    summary,
    methods: authMethods.map((method) => ({ value: method, label: t(`admin.clients.method.${method}`), selected: typed.token_endpoint_auth_method === method })),
    grants: grantTypes.map((grant) => ({ name: `grant_${grant}`, label: t(`admin.clients.grant.${grant}`), hint: t(`admin.clients.grant.${grant}Hint`), checked: typed.grants[grant] === true })),
    flags: (
      [
        ['first_party', 'admin.clients.field.firstParty', undefined],
        ['admin_api', 'admin.clients.field.adminApi', 'admin.clients.field.adminApiHint'],
        ['resource_server', 'admin.clients.field.resourceServer', 'admin.clients.field.resourceServerHint'],
      ] as const
    ).map(([name, label, hint]) => ({ name, label: t(label), hint: hint ? t(hint) : undefined, checked: typed[name], error: errors[name] })),
  };
}
