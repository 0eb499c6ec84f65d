/**
 * Every request oidc-provider answers, as createProvider.ts configures it: its default
 * `routes` for the features it enables (userinfo, revocation, introspection, RP-initiated
 * logout, pushed authorization requests, which is on by default), the two discovery
 * documents, and the sub-paths it adds itself (`/auth/:uid` where a finished interaction
 * resumes, `/session/end/confirm` and `/session/end/success`). A GET route also answers
 * HEAD; the routes that allow CORS answer its OPTIONS preflight. Anything else is not the
 * provider's (app.ts answers it with the 404 page). Registration, device flow, CIBA and
 * the development interactions are off, so their paths are not here. POST /auth never
 * reaches the provider: authorizationByPost.ts answers it first.
 */
const providerRoutes: readonly { path: string; methods: readonly string[] }[] = [
  { path: '/.well-known/openid-configuration', methods: ['GET', 'HEAD', 'OPTIONS'] },
  { path: '/.well-known/oauth-authorization-server', methods: ['GET', 'HEAD', 'OPTIONS'] },
  { path: '/auth', methods: ['GET', 'HEAD'] },
  { path: '/auth/:uid', methods: ['GET', 'HEAD'] },
  { path: '/token', methods: ['POST', 'OPTIONS'] },
  { path: '/me', methods: ['GET', 'HEAD', 'POST', 'OPTIONS'] },
  { path: '/jwks', methods: ['GET', 'HEAD', 'OPTIONS'] },
  { path: '/token/revocation', methods: ['POST', 'OPTIONS'] },
  { path: '/token/introspection', methods: ['POST', 'OPTIONS'] },
  { path: '/request', methods: ['POST', 'OPTIONS'] },
  { path: '/session/end', methods: ['GET', 'HEAD'] },
  { path: '/session/end/confirm', methods: ['POST'] },
  { path: '/session/end/success', methods: ['GET', 'HEAD'] },
];

/** For the tests: each route with one example path. */
export const providerRouteExamples = providerRoutes.map((route) => ({ ...route, example: route.path.replace('/:uid', '/example-uid') }));

// The provider's router compares paths ignoring case and takes one trailing slash: so does this.
const fold = (path: string) => (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path).toLowerCase();
const staticRoutes = new Map(providerRoutes.filter((route) => !route.path.includes('/:')).map((route) => [route.path, route.methods]));
const resumeRoute = providerRoutes.find((route) => route.path === '/auth/:uid')!;

/** Whether oidc-provider answers `method` on `path` (a request's ctx.path, before any decoding). */
export function providerAnswers(method: string, path: string): boolean {
  const folded = fold(path);
  const methods = staticRoutes.get(folded) ?? (/^\/auth\/[^/]+$/.test(folded) ? resumeRoute.methods : undefined);
  return methods?.includes(method) ?? false;
}
