/**
 * The baseline of the benchmark: a bare oidc-provider (the version Gatehouse runs) with its
 * in-memory adapter, in a process of its own forked by run.ts, as benchServer.ts is. One
 * page signs a person in: it checks the password (argon2id, Gatehouse's parameters, through
 * the same passwordHasher.ts) and the TOTP code once (otplib, the options Gatehouse gives
 * it, and a remembered last step so a code is accepted once), then finishes the
 * interaction with the same amr and acr. The clients are those the benchmark gives
 * Gatehouse: a confidential first-party one (PKCE, refresh tokens rotated on every use) and
 * a confidential one with the client_credentials grant. What it costs is what oidc-provider,
 * argon2 and otplib cost, with no database: the floor Gatehouse is compared to.
 *
 * It speaks benchServer.ts's protocol over IPC ("start", "stats", "stop"); its database
 * counts stay at zero.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { verify as verifyTotp } from 'otplib';
import { decoyPasswordHash, verifyPassword } from '../../src/factors/password/passwordHasher.ts';
import { decodeBase32 } from '../../src/factors/totp/base32.ts';
import { claimsByScope } from '../../src/oidc/personClaims.ts';
import { providerScopes } from '../../src/oidc/scopes.ts';
import type { DatabaseCommands } from './benchServer.ts';

/** A person as the baseline knows it: in memory, given by the benchmark. */
export type BaselinePerson = { userId: string; sub: string; secret: string; passwordHash: string };
export type BaselineClients = { signIn: { clientId: string; clientSecret: string; redirectUri: string }; service: { clientId: string; clientSecret: string } };
export type BaselineStart = { type: 'start'; port: number; persons: BaselinePerson[]; clients: BaselineClients; ttl: { session: number; accessToken: number; refreshToken: number } };

const send = (message: { type: 'ready'; url: string } | { type: 'stats'; memory: NodeJS.MemoryUsage; cpu: NodeJS.CpuUsage; database: DatabaseCommands } | { type: 'failed'; message: string }) => process.send?.(message);

const mfaAcr = 'urn:gatehouse:acr:mfa';

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signInPage(uid: string, alert = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body>
${alert ? `<p class="alert" role="alert">${escapeHtml(alert)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<input name="username" autocomplete="username"><input name="password" type="password"><input name="code" inputmode="numeric">
<button type="submit">Sign in</button></form></body></html>`;
}

function createBaseline(start: BaselineStart): Provider {
  const byUserId = new Map(start.persons.map((person) => [person.userId, person]));
  const bySub = new Map(start.persons.map((person) => [person.sub, person]));
  /** The highest TOTP step accepted per person: a code is accepted once, as in Gatehouse. */
  const lastStep = new Map<string, number>();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issuer = `http://127.0.0.1:${start.port}`;
  const configuration: Configuration = {
    clients: [
      {
        client_id: start.clients.signIn.clientId,
        client_secret: start.clients.signIn.clientSecret,
        redirect_uris: [start.clients.signIn.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'RS256',
      },
      {
        client_id: start.clients.service.clientId,
        client_secret: start.clients.service.clientSecret,
        redirect_uris: [],
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...(privateKey.export({ format: 'jwk' }) as Record<string, unknown>), kid: randomBytes(12).toString('base64url'), alg: 'RS256', use: 'sig' }] } as Configuration['jwks'],
    cookies: { keys: [randomBytes(32).toString('base64url')], long: { signed: true, httpOnly: true, sameSite: 'lax' }, short: { signed: true, httpOnly: true, sameSite: 'lax' } },
    // Gatehouse's claims by scope (acr and amr with openid) and scopes, so the tokens say the same.
    claims: claimsByScope as unknown as Configuration['claims'],
    scopes: providerScopes,
    responseTypes: ['code'],
    acrValues: [mfaAcr],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false }, clientCredentials: { enabled: true }, introspection: { enabled: true }, revocation: { enabled: true }, userinfo: { enabled: true } },
    async findAccount(_ctx, sub) {
      const person = bySub.get(sub);
      if (!person) return undefined;
      return { accountId: sub, claims: async () => ({ sub, preferred_username: person.userId }) };
    },
    // First-party, as Gatehouse's bench client: no consent page, the grant is what was asked.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const clientId = ctx.oidc.client!.clientId;
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      const grant = existing ?? new ctx.oidc.provider.Grant({ clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
    rotateRefreshToken: () => true,
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: start.ttl.accessToken, AuthorizationCode: 60, ClientCredentials: start.ttl.accessToken, IdToken: 3600, Interaction: 3600, Grant: start.ttl.refreshToken, Session: start.ttl.session, RefreshToken: start.ttl.refreshToken },
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
  };
  const provider = new Provider(issuer, configuration);

  async function checkTotp(person: BaselinePerson, code: string): Promise<boolean> {
    const epoch = Math.floor(Date.now() / 1000);
    const result = await verifyTotp({ secret: decodeBase32(person.secret), token: code, algorithm: 'sha1', digits: 6, period: 30, epoch, epochTolerance: 30 }).catch(() => ({ valid: false as const }));
    if (!result.valid || !('timeStep' in result)) return false;
    const step = result.timeStep;
    if (step <= (lastStep.get(person.sub) ?? -1)) return false;
    lastStep.set(person.sub, step);
    return true;
  }

  provider.use(async (ctx, next) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
    if (!match) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== match[1]) ctx.throw(400, 'interaction mismatch');
    ctx.type = 'html';
    if (ctx.method === 'GET' && !match[2]) {
      ctx.body = signInPage(details.uid);
      return;
    }
    if (ctx.method !== 'POST' || !match[2]) ctx.throw(405);
    const form = await readForm(ctx.req);
    const person = byUserId.get((form.get('username') ?? '').trim().toLowerCase());
    // An unknown user ID costs one argon2 verify too, as in Gatehouse.
    const passwordOk = await verifyPassword(person?.passwordHash ?? (await decoyPasswordHash()), form.get('password') ?? '');
    if (!person || !passwordOk || !(await checkTotp(person, form.get('code') ?? ''))) {
      ctx.status = 401;
      ctx.body = signInPage(details.uid, 'The user ID, password or code is not right.');
      return;
    }
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: person.sub, amr: ['pwd', 'otp'], acr: mfaAcr } }, { mergeWithLastSubmission: false });
    ctx.respond = false;
  });
  return provider;
}

let server: ReturnType<Provider['listen']> | undefined;

function stop(code: number): void {
  setTimeout(() => process.exit(code), 5_000).unref();
  if (!server) process.exit(code);
  server.close(() => process.exit(code));
  server.closeAllConnections();
}

process.on('disconnect', () => stop(0));
process.on('message', (message: BaselineStart | { type: 'stats' } | { type: 'stop' }) => {
  if (message.type === 'start' && !server) {
    try {
      const provider = createBaseline(message);
      server = provider.listen(message.port, '127.0.0.1', () => send({ type: 'ready', url: provider.issuer }));
      server.on('error', (error) => {
        send({ type: 'failed', message: error.message });
        stop(1);
      });
    } catch (error) {
      send({ type: 'failed', message: (error as Error).message });
      stop(1);
    }
  }
  if (message.type === 'stats') send({ type: 'stats', memory: process.memoryUsage(), cpu: process.cpuUsage(), database: { count: 0, durationMs: 0, byCommand: {} } });
  if (message.type === 'stop') stop(0);
});
