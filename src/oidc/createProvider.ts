import type { Connection } from 'mongoose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../configuration/loadConfig.ts';
import type { ClientDirectory } from '../directory/clientDirectory.ts';
import type { PersonDirectory } from '../directory/personDirectory.ts';
import { renderPage } from '../http/renderPage.ts';
import { requestLanguage } from '../i18n/requestLanguage.ts';
import { isAdministrator } from '../security/isAdministrator.ts';
import type { SecretBox } from '../security/secretBox.ts';
import { artefactRepository } from '../store/repositories/artefactRepository.ts';
import { acrValues } from './acr.ts';
import { createArtefactKeys } from './createArtefactKeys.ts';
import { createMongooseAdapter } from './createMongooseAdapter.ts';
import { interactionPolicyWithStepUp } from './elevatedAccessChecks.ts';
import { describeProviderError } from './describeProviderError.ts';
import { loadCookieKeys, loadSigningKeys } from './keyring.ts';
import { concernsAdminScope, limitAdminScope } from './limitAdminScope.ts';
import { claimsByScope, personClaims } from './personClaims.ts';
import { providerScopes } from './scopes.ts';

export type ProviderDependencies = {
  config: Config;
  connection: Connection;
  secretBox: SecretBox;
  persons: PersonDirectory;
  clients: ClientDirectory;
};

const isFirstParty = (ctx: KoaContextWithOIDC) => ctx.oidc.client?.metadata().first_party === true;

/** The language of the provider's own pages: the request's `ui_locales` (query or form), else Accept-Language. */
const pageLanguage = (ctx: KoaContextWithOIDC) =>
  requestLanguage({ uiLocales: (ctx.oidc?.params?.ui_locales as unknown) ?? ctx.query.ui_locales, acceptLanguage: ctx.get('accept-language') });

/**
 * First-party clients skip the consent page: their grant is created (or widened) here
 * with what they asked for. Third-party clients get the grant of this session, or else a
 * new one holding what the person last allowed this client (consent is remembered across
 * sessions and devices, while each session keeps tokens of its own to revoke); any scope
 * or claim still missing goes through the consent page. Either way the admin scope stays
 * out of the grant of anyone who is not an administrator now (limitAdminScope.ts).
 */
function grantLoader(connection: Connection, persons: PersonDirectory) {
  const artefacts = artefactRepository(connection);

  async function rememberedConsent(ctx: KoaContextWithOIDC) {
    const { oidc } = ctx;
    const accountId = oidc.session!.accountId!;
    const clientId = oidc.client!.clientId;
    // A grant's `_id` is the keyed hash of its id; the id itself (no bearer credential) is its grantId.
    const latestGrantId = await artefacts.latestGrantId(accountId, clientId, new Date());
    const previous = latestGrantId ? await oidc.provider.Grant.find(latestGrantId) : undefined;
    if (!previous) return undefined;
    const grant = new oidc.provider.Grant({ clientId, accountId });
    const scope = previous.getOIDCScope();
    if (scope) grant.addOIDCScope(scope);
    const claims = previous.getOIDCClaims();
    if (claims.length) grant.addOIDCClaims(claims);
    await grant.save();
    return grant;
  }

  const administrator = async (ctx: KoaContextWithOIDC) => isAdministrator(await persons.findBySub(ctx.oidc.session!.accountId!));

  return async function loadExistingGrant(ctx: KoaContextWithOIDC) {
    const { oidc } = ctx;
    const clientId = oidc.client!.clientId;
    const accountId = oidc.session!.accountId!;
    const requested = oidc.requestParamOIDCScopes;
    const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(clientId);
    const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    if (!isFirstParty(ctx)) {
      let grant = existing ?? (await rememberedConsent(ctx));
      if (!concernsAdminScope(grant, requested)) return grant;
      const isAdmin = await administrator(ctx);
      // A refusal needs a grant to be kept in, or the consent page would offer the scope.
      if (!grant && !isAdmin) grant = new oidc.provider.Grant({ clientId, accountId });
      if (grant && limitAdminScope(grant, { administrator: isAdmin, requested })) await grant.save();
      return grant;
    }
    const grant = existing ?? new oidc.provider.Grant({ clientId, accountId });
    grant.addOIDCScope([...requested].join(' '));
    if (oidc.requestParamClaims.size) grant.addOIDCClaims([...oidc.requestParamClaims]);
    if (concernsAdminScope(grant, requested)) limitAdminScope(grant, { administrator: await administrator(ctx), requested });
    await grant.save();
    return grant;
  };
}

export async function createProvider(deps: ProviderDependencies): Promise<Provider> {
  const { config, connection, secretBox, persons, clients } = deps;
  const [jwks, cookieKeys] = await Promise.all([loadSigningKeys(connection, secretBox), loadCookieKeys(connection, secretBox)]);

  const configuration: Configuration = {
    adapter: createMongooseAdapter(connection, clients, createArtefactKeys(secretBox)),
    jwks: jwks as Configuration['jwks'],
    cookies: {
      keys: cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    claims: claimsByScope as unknown as Configuration['claims'],
    scopes: providerScopes,
    responseTypes: ['code'],
    acrValues: Object.values(acrValues),
    pkce: { required: () => true },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    extraClientMetadata: {
      properties: ['first_party', 'admin_api', 'resource_server'],
      validator(_ctx, key, value) {
        if (key === 'first_party' && value !== undefined && typeof value !== 'boolean') throw new Error('first_party must be a boolean');
        if (key === 'admin_api' && value !== undefined && typeof value !== 'boolean') throw new Error('admin_api must be a boolean');
        if (key === 'resource_server' && value !== undefined && typeof value !== 'boolean') throw new Error('resource_server must be a boolean');
      },
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      clientCredentials: { enabled: true },
      // A client introspects and revokes only its own tokens; another's introspects as
      // inactive and its revocation is answered as for an unknown token (RFC 7009 2.2), so
      // neither tells a client anything about tokens it does not hold. A resource server
      // (clientDirectory.ts) introspects every client's tokens, and revokes none but its own.
      introspection: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId || client.metadata().resource_server === true },
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          const { t, locale } = pageLanguage(ctx);
          ctx.type = 'html';
          ctx.body = await renderPage('interaction/logout', { title: t('logout.title'), lang: locale, t, form, host: ctx.host });
        },
        // The confirmation's redirect here carries no ui_locales: this page goes by Accept-Language.
        async postLogoutSuccessSource(ctx) {
          const { t, locale } = pageLanguage(ctx);
          ctx.type = 'html';
          const client = ctx.oidc.client;
          ctx.body = await renderPage('interaction/loggedOut', { title: t('loggedOut.title'), lang: locale, t, clientName: client?.clientName ?? client?.clientId });
        },
      },
    },
    async findAccount(_ctx, sub) {
      const person = await persons.findBySub(sub);
      if (!person || !person.enabled) return undefined;
      return {
        accountId: person._id,
        async claims() {
          return personClaims(person) as { sub: string };
        },
      };
    },
    loadExistingGrant: grantLoader(connection, persons),
    // Refresh tokens rotate on every use; a reused one revokes the grant (oidc-provider
    // does so when it meets a consumed refresh token).
    rotateRefreshToken: () => true,
    async issueRefreshToken(ctx, client, code) {
      if (!client.grantTypeAllowed('refresh_token')) return false;
      return code.scopes.has('offline_access') || client.metadata().first_party === true;
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
      policy: interactionPolicyWithStepUp(config.ttl.elevatedAcr),
    },
    async renderError(ctx, out, error) {
      const { t, locale } = pageLanguage(ctx);
      ctx.type = 'html';
      const status = (error as { status?: number }).status ?? 500;
      ctx.body = await renderPage('error', { ...describeProviderError(out, status, t), lang: locale, t, code: out.error });
    },
    ttl: {
      AccessToken: config.ttl.accessToken,
      AuthorizationCode: 60,
      ClientCredentials: config.ttl.accessToken,
      IdToken: 3600,
      Interaction: 3600,
      Grant: config.ttl.refreshToken,
      Session: config.ttl.session,
      RefreshToken(ctx, token, client) {
        // A public client's rotated token keeps the lifetime of the first one.
        const rotated = ctx?.oidc?.entities.RotatedRefreshToken;
        if (rotated && client.clientAuthMethod === 'none') return rotated.remainingTTL;
        return config.ttl.refreshToken;
      },
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256'],
    },
  };

  const provider = new Provider(config.issuer, configuration);
  provider.proxy = config.trustProxy;
  return provider;
}
