import type { ClientDetails, ClientView } from '../../directory/clientDirectory.ts';
import type { MessageKey } from '../../i18n/messages.en.ts';
import { isMessageKey, type Translate } from '../../i18n/translate.ts';
import { accountClientId } from '../../oidc/accountClientId.ts';
import { adminClientId } from './adminSessionOptions.ts';

// A client in words for the list and the client's page: its codes with their meaning.

/** Gatehouse's own clients: registered again at every start for its pages, so never changed or removed here. */
const builtIn: Record<string, MessageKey> = { [accountClientId]: 'admin.clients.builtInAccount', [adminClientId]: 'admin.clients.builtInAdmin' };

export const isBuiltInClient = (clientId: string) => Object.hasOwn(builtIn, clientId);

/** Why a built-in client cannot be changed here; undefined for any other client. */
export function builtInReason(t: Translate, clientId: string): string | undefined {
  const page = builtIn[clientId];
  return page ? t('admin.clients.builtInWhy', { page: t(page) }) : undefined;
}

/** A code in words, or the code itself when it has none (a value stored by an earlier version). */
const wordsOf = (t: Translate, prefix: string, code: string) => {
  const key = `${prefix}${code}`;
  return isMessageKey(key) ? t(key) : code;
};

export const grantWords = (t: Translate, client: Pick<ClientView, 'grant_types'>) => (client.grant_types ?? []).map((grant) => wordsOf(t, 'admin.clients.grant.', grant));
export const methodWords = (t: Translate, client: Pick<ClientView, 'token_endpoint_auth_method'>) => wordsOf(t, 'admin.clients.method.', client.token_endpoint_auth_method);

/** The path of a client's page. */
export const clientPath = (clientId: string) => `/admin/clients/${encodeURIComponent(clientId)}`;

/** A date and time in the page's language, in UTC (as the audit log keeps them). */
export function dateTimeWords(iso: string | Date, locale: string): string {
  const at = typeof iso === 'string' ? new Date(iso) : iso;
  return `${at.toLocaleString(locale === 'es' ? 'es-ES' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`;
}

/** A row of the clients table. */
export function clientRow(t: Translate, client: ClientView) {
  return {
    id: client.client_id,
    href: clientPath(client.client_id),
    name: client.client_name ?? '',
    builtIn: isBuiltInClient(client.client_id),
    redirects: client.redirect_uris,
    grants: grantWords(t, client),
    method: methodWords(t, client),
    firstParty: t(client.first_party ? 'admin.yes' : 'admin.no'),
    adminApi: t(client.admin_api ? 'admin.yes' : 'admin.no'),
  };
}

function secretWords(t: Translate, client: ClientDetails): string {
  if (client.has_secret) return t('admin.clients.show.secretSet');
  if (client.token_endpoint_auth_method === 'none') return t('admin.clients.show.secretPublic');
  if (client.token_endpoint_auth_method === 'private_key_jwt') return t('admin.clients.show.secretKeyJwt');
  return t('admin.clients.show.secretMissing');
}

/** Every field of a client, for the facts list of its page (a list field as one line per entry). Never the secret. */
export function clientFacts(t: Translate, locale: string, client: ClientDetails): { label: string; values: string[]; mono?: boolean }[] {
  const yesNo = (value: boolean) => [t(value ? 'admin.yes' : 'admin.no')];
  const orNone = (values: string[]) => (values.length ? values : [t('admin.none')]);
  return [
    { label: t('admin.clients.field.clientId'), values: [client.client_id], mono: true },
    { label: t('admin.clients.field.clientName'), values: orNone(client.client_name ? [client.client_name] : []) },
    { label: t('admin.clients.show.type'), values: [t(client.token_endpoint_auth_method === 'none' ? 'admin.clients.show.public' : 'admin.clients.show.confidential')] },
    { label: t('admin.clients.col.auth'), values: [methodWords(t, client)] },
    { label: t('admin.clients.show.secret'), values: [secretWords(t, client)] },
    { label: t('admin.clients.field.redirectUris'), values: orNone(client.redirect_uris), mono: client.redirect_uris.length > 0 },
    { label: t('admin.clients.field.postLogoutRedirectUris'), values: orNone(client.post_logout_redirect_uris), mono: client.post_logout_redirect_uris.length > 0 },
    { label: t('admin.clients.field.grantTypes'), values: orNone(grantWords(t, client)) },
    ...(client.jwks_uri ? [{ label: t('admin.clients.field.jwksUri'), values: [client.jwks_uri], mono: true }] : []),
    { label: t('admin.clients.col.firstParty'), values: yesNo(client.first_party) },
    { label: t('admin.clients.col.adminApi'), values: yesNo(client.admin_api) },
    { label: t('admin.clients.show.resourceServer'), values: yesNo(client.resource_server) },
    { label: t('admin.clients.show.created'), values: [dateTimeWords(client.created_at, locale)] },
    { label: t('admin.clients.show.updated'), values: [dateTimeWords(client.updated_at, locale)] },
  ];
}
