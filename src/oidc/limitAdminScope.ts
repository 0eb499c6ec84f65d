import type Provider from 'oidc-provider';
import { adminScope } from './scopes.ts';

type Grant = InstanceType<Provider['Grant']>;

const has = (scope: string | undefined) => Boolean(scope?.split(' ').includes(adminScope));

/** Whether the admin scope is asked for, or is held or refused by the grant: only then is the person's role looked up. */
export function concernsAdminScope(grant: Grant | undefined, requested: Set<string>): boolean {
  return requested.has(adminScope) || has(grant?.openid?.scope) || has(grant?.rejected?.openid?.scope);
}

/**
 * Who is not an administrator now never holds the admin scope: the grant marks it rejected,
 * so no token of the grant carries it and the consent prompt does not ask for it again.
 * For an administrator, an earlier rejection (from before the role was given) is lifted,
 * so the scope can be granted when it is asked for. Returns whether the grant changed.
 */
export function limitAdminScope(grant: Grant, options: { administrator: boolean; requested: Set<string> }): boolean {
  const rejected = grant.rejected?.openid;
  if (!options.administrator) {
    if (has(rejected?.scope) || !(options.requested.has(adminScope) || has(grant.openid?.scope))) return false;
    grant.rejectOIDCScope(adminScope);
    return true;
  }
  if (!rejected || !has(rejected.scope)) return false;
  const remaining = rejected.scope!.split(' ').filter((scope) => scope !== adminScope);
  if (remaining.length) rejected.scope = remaining.join(' ');
  else delete rejected.scope;
  return true;
}
