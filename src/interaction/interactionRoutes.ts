import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { errors, type InteractionResults } from 'oidc-provider';
import type { IpGroupDirectory } from '../directory/ipGroupDirectory.ts';
import type { PersonDirectory } from '../directory/personDirectory.ts';
import { signInAllowedFrom } from '../directory/signInAllowedFrom.ts';
import type { StoredPerson } from '../store/models/personModel.ts';
import type { Logger } from 'pino';
import { GatehouseError } from '../errors/GatehouseError.ts';
import { renderPage } from '../http/renderPage.ts';
import { limitAdminScope } from '../oidc/limitAdminScope.ts';
import { adminScope } from '../oidc/scopes.ts';
import { isAdministrator } from '../security/isAdministrator.ts';
import { describeScopes } from './describeScopes.ts';

type Dependencies = { provider: Provider; persons: PersonDirectory; ipGroups: IpGroupDirectory; issuer: string; logger: Logger };

const wrongCredentials = 'The user ID or password is not correct.';

/** An interaction that ended or expired: the person starts again at the application. */
export class InteractionExpiredError extends GatehouseError {
  constructor() {
    super('This sign-in page has expired or was already used. Go back to the application and sign in again.', { status: 400, expose: true });
  }
}

/**
 * The hosted sign-in: Koa routes that only render and collect. oidc-provider keeps the
 * interaction (in the database) and decides what is asked: `login` (user ID and
 * password) or `consent` (third-party clients).
 */
export function interactionRoutes({ provider, persons, ipGroups, issuer, logger }: Dependencies): Router {
  const router = new Router({ prefix: '/interaction/:uid' });
  const issuerOrigin = new URL(issuer).origin;

  // The interaction cookie is SameSite=Lax; a POST from another origin is refused as well.
  const sameOrigin = async (ctx: Context, next: Next) => {
    const origin = ctx.get('origin');
    if (ctx.method === 'POST' && origin && origin !== issuerOrigin && origin !== ctx.origin) {
      throw new GatehouseError('This form can only be sent from the sign-in page.', { status: 403, expose: true });
    }
    await next();
  };

  const details = async (ctx: Context) => {
    try {
      const interaction = await provider.interactionDetails(ctx.req, ctx.res);
      if (interaction.uid !== ctx.params.uid) throw new InteractionExpiredError();
      return interaction;
    } catch (error) {
      if (error instanceof errors.SessionNotFound || error instanceof InteractionExpiredError) throw new InteractionExpiredError();
      throw error;
    }
  };

  const finish = async (ctx: Context, result: InteractionResults) => {
    const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  };

  const clientName = async (clientId: string) => {
    const client = await provider.Client.find(clientId);
    return client?.clientName ?? clientId;
  };

  const loginPage = async (ctx: Context, interaction: Awaited<ReturnType<typeof details>>, extra: { error?: string; username?: string } = {}) => {
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await renderPage('interaction/login', {
      title: 'Sign in',
      uid: interaction.uid,
      clientName: await clientName(interaction.params.client_id as string),
      username: extra.username ?? (interaction.params.login_hint as string | undefined) ?? '',
      error: extra.error,
    });
  };

  router.use(sameOrigin, bodyParser({ enableTypes: ['form'], formLimit: '16kb' }));

  router.get('/', async (ctx) => {
    const interaction = await details(ctx);
    if (interaction.prompt.name === 'login') return loginPage(ctx, interaction);
    const client = await provider.Client.find(interaction.params.client_id as string);
    if (client?.metadata().first_party === true) return finish(ctx, await grantConsent(provider, persons, interaction));
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await renderPage('interaction/consent', {
      title: 'Allow access',
      uid: interaction.uid,
      clientName: client?.clientName ?? interaction.params.client_id,
      scopes: describeScopes(interaction.prompt.details),
    });
  });

  router.post('/login', async (ctx) => {
    const interaction = await details(ctx);
    if (interaction.prompt.name !== 'login') throw new InteractionExpiredError();
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    // Outside the person's IP group the answer is the same as for a wrong password, so the
    // restriction does not tell anyone elsewhere that the password was right.
    const fromAllowedAddress = async (candidate: StoredPerson) => {
      const allowed = await signInAllowedFrom(candidate, ctx.ip, ipGroups);
      if (!allowed) logger.info({ sub: candidate._id, ipGroup: candidate.ipGroup, ip: ctx.ip }, 'sign-in refused: address outside the person\'s IP group');
      return allowed;
    };
    const person = username && password ? await persons.authenticate(username, password, fromAllowedAddress) : undefined;
    if (!person) {
      ctx.status = 401;
      return loginPage(ctx, interaction, { error: wrongCredentials, username });
    }
    await finish(ctx, { login: { accountId: person._id, amr: ['pwd'] } });
  });

  router.post('/confirm', async (ctx) => {
    const interaction = await details(ctx);
    if (interaction.prompt.name !== 'consent') throw new InteractionExpiredError();
    await finish(ctx, await grantConsent(provider, persons, interaction));
  });

  router.post('/abort', async (ctx) => {
    await details(ctx);
    await finish(ctx, { error: 'access_denied', error_description: 'The person cancelled the sign-in.' });
  });

  return router;
}

/**
 * Grants what the consent prompt found missing, on the existing grant or a new one — but
 * never the admin scope to a person who is not an administrator now: it is refused instead.
 */
async function grantConsent(provider: Provider, persons: PersonDirectory, interaction: Awaited<ReturnType<Provider['interactionDetails']>>): Promise<InteractionResults> {
  const { details: missing } = interaction.prompt;
  const accountId = interaction.session!.accountId;
  const clientId = interaction.params.client_id as string;
  const grant = (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined) ?? new provider.Grant({ accountId, clientId });
  const missingScopes = Array.isArray(missing.missingOIDCScope) ? [...(missing.missingOIDCScope as string[])] : [];
  if (missingScopes.includes(adminScope)) {
    const administrator = isAdministrator(await persons.findBySub(accountId));
    if (!administrator) missingScopes.splice(missingScopes.indexOf(adminScope), 1);
    limitAdminScope(grant, { administrator, requested: new Set([adminScope]) });
  }
  if (missingScopes.length) grant.addOIDCScope(missingScopes.join(' '));
  if (Array.isArray(missing.missingOIDCClaims)) grant.addOIDCClaims(missing.missingOIDCClaims as string[]);
  if (missing.missingResourceScopes && typeof missing.missingResourceScopes === 'object') {
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes as Record<string, string[]>)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  const grantId = await grant.save();
  return { consent: { grantId } };
}
