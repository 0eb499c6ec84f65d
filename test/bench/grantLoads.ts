import * as oidc from 'openid-client';

/**
 * One refresh-token grant, as a relying party does it: it takes a refresh token from
 * `pool` and puts back the rotated one it gets (a refresh token is used once). Started from
 * at least as many tokens as grants run at once, no two grants ever hold the same token.
 */
export async function refreshOnce(rp: oidc.Configuration, pool: string[]): Promise<void> {
  const token = pool.pop();
  if (token === undefined) throw new Error('The refresh-grant load ran out of refresh tokens: start it with one per concurrent grant.');
  const tokens = await oidc.refreshTokenGrant(rp, token);
  if (!tokens.access_token || !tokens.refresh_token) throw new Error('A refresh-token grant answered without an access token and a rotated refresh token.');
  pool.push(tokens.refresh_token);
}

/** One client-credentials grant (client_secret_basic, no scope). */
export async function clientCredentialsOnce(rp: oidc.Configuration): Promise<void> {
  const tokens = await oidc.clientCredentialsGrant(rp);
  if (!tokens.access_token) throw new Error('A client-credentials grant answered without an access token.');
}
