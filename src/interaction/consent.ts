import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import type { PersonDirectory } from '../directory/personDirectory.ts';
import { limitAdminScope } from '../oidc/limitAdminScope.ts';
import { adminScope } from '../oidc/scopes.ts';
import { isAdministrator } from '../security/isAdministrator.ts';
import { describeScopes } from './describeScopes.ts';
import type { SignInEnds } from './finishSignIn.ts';
import { InteractionExpiredError } from './InteractionExpiredError.ts';
import { languageOf, signInOf, type Interaction } from './loadSignIn.ts';
import { renderSignInPage } from './signInPages.ts';
import type { SignInDependencies } from './SignInDependencies.ts';

/**
 * Grants what the consent prompt found missing, on the existing grant or a new one — but
 * never the admin scope to a person who is not an administrator now: it is refused instead.
 */
async function grantConsent(provider: Provider, persons: Pick<PersonDirectory, 'findBySub'>, interaction: Interaction): Promise<InteractionResults> {
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

/** The consent prompt: first-party clients are granted without asking; others show what they ask for. */
export function createConsent({ provider, persons }: Pick<SignInDependencies, 'provider' | 'persons'>, { ends }: { ends: SignInEnds }) {
  return {
    async show(ctx: Context) {
      const { interaction } = signInOf(ctx);
      const client = await provider.Client.find(interaction.params.client_id as string);
      if (client?.metadata().first_party === true) return ends.finish(ctx, await grantConsent(provider, persons, interaction));
      const { t, locale } = languageOf(ctx, interaction, interaction.session ? await persons.findBySub(interaction.session.accountId) : null);
      await renderSignInPage(ctx, 'interaction/consent', 200, {
        title: t('consent.title'),
        lang: locale,
        t,
        uid: interaction.uid,
        clientName: client?.clientName ?? interaction.params.client_id,
        scopes: describeScopes(interaction.prompt.details, t),
      });
    },

    /** POST /confirm — the person allows it. */
    async confirm(ctx: Context) {
      const { interaction } = signInOf(ctx);
      if (interaction.prompt.name !== 'consent') throw new InteractionExpiredError();
      await ends.finish(ctx, await grantConsent(provider, persons, interaction));
    },
  };
}
