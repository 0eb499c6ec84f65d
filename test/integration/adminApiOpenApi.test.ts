import type Router from '@koa/router';
import { adminApiRouter, adminApiRoutes } from '../../src/admin/adminApi.ts';
import { buildOpenApiDocument, type HttpMethod, type OpenApiDocument } from '../../src/admin/openapi.ts';
import { createProvider } from '../../src/oidc/createProvider.ts';
import { adminScriptToken, callAdminApi } from '../support/adminApi.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let router: Router;
/** The document as openapi.ts builds it from the route table. */
let openApiDocument: OpenApiDocument;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const provider = await createProvider({ config: gatehouse.config, connection: services.store.connection, secretBox: services.secretBox, persons: services.persons, clients: services.clients });
  router = adminApiRouter({ provider, services });
  openApiDocument = buildOpenApiDocument(adminApiRoutes(services));
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

/** "GET /persons/{name}" for every method of every route the router serves (HEAD comes with GET). */
function servedOperations(): string[] {
  return router.stack.flatMap((layer) => {
    const path = String(layer.path).replace(/^\/admin\/api/, '').replace(/:(\w+)/g, '{$1}');
    return layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method} ${path}`);
  });
}

const documentedOperations = () =>
  Object.entries(openApiDocument.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));

const operations = () =>
  Object.entries(openApiDocument.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method: method as HttpMethod, operation: operation! })));

/** The example body the document gives for an operation. */
const documentedExample = (method: HttpMethod, path: string) => openApiDocument.paths[path]![method]!.requestBody!.content['application/json']!.example;

/** Follows a local $ref ("#/components/…") in the document. */
function resolve(pointer: string): unknown {
  expect(pointer.startsWith('#/')).toBe(true);
  return pointer
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], openApiDocument);
}

test('GET /admin/api/openapi.json is public, JSON, OpenAPI 3.1.0, and the document openapi.ts builds from the route table', async () => {
  const response = await fetch(`${gatehouse.issuer}/admin/api/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const document = JSON.parse(await response.text());
  expect(document.openapi).toBe('3.1.0');
  expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  expect(document).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
});

test('every route the router serves is in the document, and every documented operation is served', () => {
  const served = servedOperations().toSorted();
  expect(served.length).toBeGreaterThanOrEqual(27);
  expect(new Set(served).size).toBe(served.length);
  expect(documentedOperations().toSorted()).toEqual(served);
});

test('every operation but the document itself refuses a request without a token (401, Bearer challenge)', async () => {
  const protectedOperations = operations().filter(({ path }) => path !== '/openapi.json');
  for (const { path, method } of protectedOperations) {
    const concrete = path.replace(/\{\w+\}/g, 'SOMEONE');
    const answer = await callAdminApi(gatehouse.issuer, concrete, { method: method.toUpperCase(), ...(['post', 'put', 'patch'].includes(method) ? { body: {} } : {}) });
    expect({ operation: `${method} ${path}`, status: answer.status, challenge: answer.headers.get('www-authenticate'), error: answer.body.error }).toEqual({
      operation: `${method} ${path}`,
      status: 401,
      challenge: 'Bearer',
      error: 'invalid_token',
    });
  }
});

test('the document holds together: unique operation ids, declared path parameters, resolvable references, auth answers', () => {
  const ids = operations().map(({ operation }) => operation.operationId);
  expect(new Set(ids).size).toBe(ids.length);

  for (const { path, method, operation } of operations()) {
    const where = `${method} ${path}`;
    const parameters = (operation.parameters ?? []).map((parameter) => ('$ref' in parameter ? resolve(parameter.$ref) : parameter) as { name: string; in: string; required?: boolean });
    const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
    expect({ where, declared: parameters.filter((p) => p.in === 'path' && p.required).map((p) => p.name) }).toEqual({ where, declared: inPath });
    expect({ where, responses: Object.keys(operation.responses).length > 0 }).toEqual({ where, responses: true });
    if (path !== '/openapi.json') {
      expect({ where, security: operation.security }).toEqual({ where, security: undefined });
      expect({ where, auth: Object.keys(operation.responses).filter((status) => status === '401' || status === '403') }).toEqual({ where, auth: ['401', '403'] });
    }
  }
  expect(openApiDocument.paths['/openapi.json']!.get!.security).toEqual([]);

  const references: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref') references.push(value as string);
        else walk(value);
      }
    }
  };
  walk(openApiDocument);
  expect(references.length).toBeGreaterThan(50);
  for (const reference of new Set(references)) expect({ reference, found: resolve(reference) !== undefined }).toEqual({ reference, found: true });
});

test('every request body in the document has an example, and the schema the route checks its body with takes it', () => {
  const withBody = adminApiRoutes(services).filter((route) => route.doc.body !== undefined);
  expect(withBody.length).toBeGreaterThanOrEqual(12);
  for (const route of withBody) {
    const where = `${route.method} ${route.path}`;
    const example = documentedExample(route.method.toLowerCase() as HttpMethod, route.path.replace(/:(\w+)/g, '{$1}'));
    expect({ where, example }).toEqual({ where, example: route.doc.example });
    expect({ where, example: route.doc.example === undefined ? 'missing' : 'given', accepted: route.doc.body!.safeParse(route.doc.example).success }).toEqual({ where, example: 'given', accepted: true });
  }
});

test('the documented examples of the operations that create records are accepted by the running API', async () => {
  const token = await adminScriptToken(services, gatehouse.issuer, 'openapi-examples');
  // In the order a person's class must exist before the person, and the default class before it is set.
  const calls: [HttpMethod, string, number][] = [
    ['post', '/classes', 201],
    ['post', '/ipgroups', 201],
    ['post', '/persons', 201],
    ['post', '/clients', 201],
    ['put', '/settings/default-class', 200],
  ];
  for (const [method, path, status] of calls) {
    const answer = await callAdminApi(gatehouse.issuer, path, { token, method: method.toUpperCase(), body: documentedExample(method, path) });
    expect({ operation: `${method} ${path}`, status: answer.status, error: answer.body?.error_description }).toEqual({ operation: `${method} ${path}`, status, error: undefined });
  }
});
