import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { fieldsOf, yesOrNo } from './commonFields.ts';

/**
 * The token endpoint authentication methods oidc-provider supports by default (its
 * clientAuthMethods; createProvider.ts keeps them): the client_secret_* ones use the
 * secret the directory keeps; private_key_jwt a key of the client's jwks_uri; none is a
 * public client (PKCE only).
 */
export const authMethods = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] as const;
/** Whether a client of this method authenticates with a secret (and so gets one). */
export const usesSecret = (method: string) => method.startsWith('client_secret_');
export const grantTypes = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

type Problem = { path: string; message: string };

/** An absolute URL without a fragment, https or else http on loopback; or what is wrong with it. */
function webUrlProblem(value: string): string | URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an absolute URL.`;
  }
  if (url.hash) return `"${value}" must not have a #fragment.`;
  if (url.protocol === 'http:' && !loopbackHosts.has(url.hostname)) return `"${value}" must use https (http is accepted only for localhost).`;
  return url;
}

function redirectUriProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'each entry must be a URL string.';
  const url = webUrlProblem(value);
  if (typeof url === 'string') return url;
  if (url.protocol !== 'https:' && url.protocol !== 'http:' && !/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) {
    return `"${value}" must be https, loopback http, or a reverse-domain app scheme (com.example.app:/cb).`;
  }
  return undefined;
}

/** A list of redirect URLs; `required`: at least one. */
function redirectListProblem(value: unknown, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (!Array.isArray(value) || (required && value.length === 0)) return `${required ? 'at least one' : 'a list of'} redirect URL${required ? ' is required' : 's is expected'}.`;
  return value.map(redirectUriProblem).find((problem) => problem !== undefined);
}

const grantsMessage = `a non-empty list of ${grantTypes.join(', ')}.`;

const redirectList = (description: string) => z.unknown().optional().meta({ type: 'array', items: { type: 'string', format: 'uri' }, description }) as z.ZodType<string[] | undefined>;

/** The fields of a client document. */
export const clientFields = {
  client_id: z
    .string({ error: '3 to 64 letters, digits, dots, dashes, underscores or tildes.' })
    .regex(/^[A-Za-z0-9._~-]{3,64}$/, { error: '3 to 64 letters, digits, dots, dashes, underscores or tildes.' })
    .nullish()
    .meta({ description: '3 to 64 letters, digits, . _ ~ - (default: generated).' }),
  client_secret: z
    .string({ error: 'at least 32 characters.' })
    .min(32, { error: 'at least 32 characters.' })
    .optional()
    .meta({ description: 'At least 32 characters (default: generated and returned once).', writeOnly: true }),
  client_name: z.string({ error: 'a text of at most 100 characters.' }).max(100, { error: 'a text of at most 100 characters.' }).optional().meta({ description: 'Shown to persons on the consent page.' }),
  redirect_uris: redirectList('Required with the authorization_code grant.'),
  post_logout_redirect_uris: redirectList('Where the person may be sent after logging out.'),
  grant_types: z
    .array(z.unknown(), { error: grantsMessage })
    .min(1, { error: grantsMessage })
    .refine((grants) => grants.every((grant) => (grantTypes as readonly unknown[]).includes(grant)), { error: grantsMessage })
    .meta({ items: { enum: grantTypes } })
    .nullish()
    .meta({ description: 'Default: authorization_code, refresh_token.' }) as z.ZodType<string[] | null | undefined>,
  token_endpoint_auth_method: z
    .enum(authMethods, { error: `one of ${authMethods.join(', ')}.` })
    .nullish()
    .meta({
      description:
        'How the client authenticates at the token endpoint (default `client_secret_basic`): `client_secret_*` with its secret; `private_key_jwt` with a JWT signed by a key of `jwks_uri` (no secret); `none` for a public client (PKCE only, no secret).',
    }),
  jwks_uri: z
    .string({ error: 'private_key_jwt needs the URL of the client\'s public keys (--jwks-uri).' })
    .optional()
    .meta({ format: 'uri', description: 'The URL of the client\'s public keys (JWKS): required with `private_key_jwt`, and only then. https, or http on localhost.' }),
  first_party: yesOrNo().meta({ description: 'Persons are not asked for consent.' }),
  admin_api: yesOrNo().meta({ description: 'May use the admin API with client credentials (scope `admin`). Only a confidential client with the client_credentials grant.' }),
  resource_server: yesOrNo().meta({ description: 'A resource server: may introspect the tokens of every client (any other client introspects and revokes only its own). Only a confidential client.' }),
};

/** A client as checked: every field but the optional secret, name and jwks_uri given a value. */
export type ValidClient = {
  client_id: string;
  client_secret?: string;
  client_name?: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  token_endpoint_auth_method: string;
  jwks_uri?: string;
  first_party: boolean;
  admin_api: boolean;
  resource_server: boolean;
};

const clientObject = fieldsOf(clientFields, 'a client field', 'A client must be an object.');
type Fields = z.output<typeof clientObject>;

/** What the fields say together (in the order the screen's checks were told): the first problem, or none. */
function combinationProblem(client: Fields, method: string, grants: readonly string[]): Problem | undefined {
  if (method === 'none' && grants.includes('client_credentials')) {
    return { path: 'grant_types', message: 'client_credentials needs a confidential client (token_endpoint_auth_method other than none).' };
  }
  if (client.client_secret !== undefined && !usesSecret(method)) return { path: 'client_secret', message: `a client authenticating with ${method} has no secret.` };
  if (method === 'private_key_jwt') {
    if (client.jwks_uri === undefined || client.jwks_uri === '') return { path: 'jwks_uri', message: 'private_key_jwt needs the URL of the client\'s public keys (--jwks-uri).' };
    const url = webUrlProblem(client.jwks_uri);
    if (typeof url === 'string') return { path: 'jwks_uri', message: url };
  } else if (client.jwks_uri !== undefined) {
    return { path: 'jwks_uri', message: 'only for a client that authenticates with private_key_jwt.' };
  }
  if (client.admin_api === true && (method === 'none' || !grants.includes('client_credentials'))) {
    return { path: 'admin_api', message: 'only a confidential client with the client_credentials grant may use the admin API.' };
  }
  if (client.resource_server === true && method === 'none') {
    return { path: 'resource_server', message: 'only a confidential client (one that authenticates) may introspect other clients\' tokens.' };
  }
  const redirects = redirectListProblem(client.redirect_uris, grants.includes('authorization_code'));
  if (redirects) return { path: 'redirect_uris', message: redirects };
  const logout = redirectListProblem(client.post_logout_redirect_uris, false);
  return logout ? { path: 'post_logout_redirect_uris', message: logout } : undefined;
}

/**
 * A client document of the CLI, the admin API and import, normalised: a client_id is
 * generated when none is given; method, grants and flags get their defaults.
 */
export const clientSchema = clientObject
  .transform((client, ctx): ValidClient => {
    const method = client.token_endpoint_auth_method ?? 'client_secret_basic';
    const grants = client.grant_types ?? ['authorization_code', 'refresh_token'];
    const problem = combinationProblem(client, method, grants);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message, input: client });
    return {
      client_id: client.client_id ?? `client_${randomBytes(9).toString('base64url')}`,
      client_secret: client.client_secret,
      client_name: client.client_name,
      redirect_uris: client.redirect_uris ?? [],
      post_logout_redirect_uris: client.post_logout_redirect_uris ?? [],
      grant_types: grants,
      token_endpoint_auth_method: method,
      ...(client.jwks_uri !== undefined ? { jwks_uri: client.jwks_uri } : {}),
      first_party: client.first_party === true,
      admin_api: client.admin_api === true,
      resource_server: client.resource_server === true,
    };
  })
  .meta({ id: 'ClientInput', description: 'A relying party.' });
