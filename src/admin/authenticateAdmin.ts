import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import type { PersonDirectory } from '../directory/personDirectory.ts';
import { adminScope } from '../oidc/scopes.ts';
import type { Actor } from '../security/createAuditLog.ts';
import { isAdministrator } from '../security/isAdministrator.ts';
import { notAllowed, tokenInvalid, tokenMissing } from './AdminApiError.ts';

type Dependencies = { provider: Provider; persons: Pick<PersonDirectory, 'findBySub'> };
type AccessToken = InstanceType<Provider['AccessToken']>;
type ClientCredentials = InstanceType<Provider['ClientCredentials']>;

/** RFC 6750 b64token; our tokens are 43 base64url characters, anything far longer is not ours. */
const b64token = /^[A-Za-z0-9\-._~+/]{1,512}=*$/;

const unknownToken = 'The access token is unknown, expired or revoked.';

/** The bearer token of the request, or undefined when it sends none. */
function bearerToken(ctx: Context): string | undefined {
  const header = ctx.get('authorization');
  const [scheme, value, ...rest] = header.trim().split(/ +/);
  if (!scheme || scheme.toLowerCase() !== 'bearer') return undefined;
  if (!value || rest.length > 0 || !b64token.test(value)) throw tokenInvalid('The Authorization header must be "Bearer <token>".');
  return value;
}

/** A token bound to a key (DPoP, mTLS) proves nothing when sent as a plain bearer token; one meant for another audience is not ours. */
function checkPlainBearer(token: AccessToken | ClientCredentials): void {
  if (token.isExpired) throw tokenInvalid(unknownToken);
  if (token.jkt || token['x5t#S256']) throw tokenInvalid('A sender-constrained (DPoP or certificate-bound) token cannot be used with the admin API.');
  if (token.aud !== undefined) throw tokenInvalid('The access token is meant for another audience.');
}

/**
 * Who calls the admin API, decided at every request from the provider's own records: a
 * bearer access token issued by this provider with the admin scope, either
 * - a person's token (authorization code flow), while its client and grant exist and the
 *   person exists, is enabled and has the admin role now; or
 * - a client-credentials token of a client whose `admin_api` is set now.
 * No token, or an unknown, expired or revoked one: 401. A valid token that may not: 403.
 * Sets `ctx.state.actor` for the audit log.
 */
export function authenticateAdmin({ provider, persons }: Dependencies) {
  const findClient = async (clientId: string | undefined) => {
    try {
      return clientId ? await provider.Client.find(clientId) : undefined;
    } catch {
      return undefined; // stored metadata the provider refuses: the client is unusable
    }
  };

  async function personActor(token: AccessToken): Promise<Actor> {
    checkPlainBearer(token);
    const client = await findClient(token.clientId);
    if (!client) throw tokenInvalid('The client of this access token no longer exists.');
    const grant = await provider.Grant.find(token.grantId);
    if (!grant || grant.clientId !== token.clientId || grant.accountId !== token.accountId) throw tokenInvalid(unknownToken);
    const person = await persons.findBySub(token.accountId);
    if (!person || !person.enabled) throw tokenInvalid('The person of this access token is disabled or no longer exists.');
    if (!token.scopes.has(adminScope) || !grant.getOIDCScope().split(' ').includes(adminScope)) {
      throw notAllowed('The access token does not have the admin scope.');
    }
    if (!isAdministrator(person)) throw notAllowed(`The person "${person.name}" does not have the admin role.`);
    return { kind: 'api-person', id: person._id, name: person.name };
  }

  async function clientActor(token: ClientCredentials): Promise<Actor> {
    checkPlainBearer(token);
    const client = await findClient(token.clientId);
    if (!client) throw tokenInvalid('The client of this access token no longer exists.');
    if (!token.scopes.has(adminScope)) throw notAllowed('The access token does not have the admin scope: ask for scope=admin.');
    if (client.metadata().admin_api !== true || !client.grantTypeAllowed('client_credentials')) {
      throw notAllowed(`The client "${client.clientId}" may not use the admin API (its admin_api is not set).`);
    }
    return { kind: 'api-client', id: client.clientId };
  }

  return async function authenticate(ctx: Context, next: Next) {
    const value = bearerToken(ctx);
    if (!value) throw tokenMissing();
    const personToken = await provider.AccessToken.find(value);
    if (personToken) {
      ctx.state.actor = await personActor(personToken);
    } else {
      const clientToken = await provider.ClientCredentials.find(value);
      if (!clientToken) throw tokenInvalid(unknownToken);
      ctx.state.actor = await clientActor(clientToken);
    }
    await next();
  };
}

/** The caller that authenticateAdmin found. */
export function actorOf(ctx: Context): Actor {
  const actor = ctx.state.actor as Actor | undefined;
  if (!actor) throw new Error('authenticateAdmin must run before the admin routes.');
  return actor;
}
