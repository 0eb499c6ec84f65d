import { z } from 'zod';
import type { AdminRoute, OperationDoc, ResponseDoc } from './AdminRoute.ts';
import { errorSchema } from './apiSchemas/recordApiSchemas.ts';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1). */
type Schema = Record<string, unknown>;
type Ref = { $ref: string };
type Parameter = { name: string; in: 'path' | 'query'; required?: boolean; description?: string; schema: Schema };
type Content = Record<string, { schema: Schema | Ref; example?: unknown }>;
type Response = { description: string; headers?: Record<string, { description: string; schema: Schema }>; content?: Content };
type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: (Parameter | Ref)[];
  requestBody?: { required: boolean; content: Content };
  responses: Record<string, Response | Ref>;
};
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
type PathItem = Partial<Record<HttpMethod, Operation>>;

export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  security: Record<string, string[]>[];
  tags: { name: string; description: string }[];
  paths: Record<string, PathItem>;
  components: {
    securitySchemes: Record<string, Record<string, unknown>>;
    parameters: Record<string, Parameter>;
    responses: Record<string, Response>;
    schemas: Record<string, Schema>;
  };
};

const schemaUri = (id: string) => `#/components/schemas/${id}`;
const ref = (kind: 'parameters' | 'responses', name: string): Ref => ({ $ref: `#/components/${kind}/${name}` });
const json = (schema: Schema | Ref, example?: unknown): Content => ({ 'application/json': { schema, ...(example === undefined ? {} : { example }) } });

/** The reference to a schema of the components: each body and answer schema has an id. */
function schemaRef(schema: z.ZodType, where: string): Ref {
  const id = z.globalRegistry.get(schema)?.id;
  if (id === undefined) throw new Error(`openapi: the schema of ${where} has no id (give it .meta({ id })).`);
  return { $ref: schemaUri(id) };
}

/** A schema of its own (a query parameter's), without the dialect line. */
function standalone(schema: z.ZodType): Schema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Schema;
  return rest;
}

/** The path parameter of each kind of record, by the path's first segment. */
const pathParameters: Record<string, { component: string; parameter: Parameter }> = {
  persons: { component: 'PersonName', parameter: { name: 'name', in: 'path', required: true, description: 'The person\'s name (ignoring case).', schema: { type: 'string' } } },
  classes: { component: 'ClassName', parameter: { name: 'name', in: 'path', required: true, description: 'The class name (ignoring case).', schema: { type: 'string' } } },
  ipgroups: { component: 'IpGroupName', parameter: { name: 'name', in: 'path', required: true, description: 'The IP group name (ignoring case).', schema: { type: 'string' } } },
  clients: { component: 'ClientId', parameter: { name: 'client_id', in: 'path', required: true, description: 'The client_id.', schema: { type: 'string' } } },
};

function parametersOf(path: string, doc: OperationDoc): (Parameter | Ref)[] {
  const inPath = path.includes('/:') ? [ref('parameters', pathParameters[path.split('/')[1]!]!.component)] : [];
  const inQuery = Object.entries(doc.query?.shape ?? {}).map(([name, field]): Parameter => {
    const { description, ...schema } = standalone(field as z.ZodType);
    return { name, in: 'query', ...(typeof description === 'string' ? { description } : {}), schema };
  });
  return [...inPath, ...inQuery];
}

function responseOf(answer: ResponseDoc, where: string): Response {
  return {
    description: answer.description,
    ...(answer.location ? { headers: { Location: { description: 'Where the new record is, under /admin/api.', schema: { type: 'string' } } } } : {}),
    ...(answer.schema ? { content: json(schemaRef(answer.schema, where)) } : {}),
    ...(answer.image ? { content: { [answer.image]: { schema: { type: 'string', contentMediaType: answer.image } } } } : {}),
  };
}

const refusalNames = { 400: 'BadRequest', 404: 'NotFound', 409: 'Conflict' } as const;

function operationOf(route: AdminRoute): Operation {
  const { doc } = route;
  const where = `${route.method} ${route.path}`;
  const parameters = parametersOf(route.path, doc);
  return {
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: [doc.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body ? { requestBody: { required: doc.bodyOptional !== true, content: json(schemaRef(doc.body, where), doc.example) } } : {}),
    responses: {
      ...Object.fromEntries(Object.entries(doc.responses).map(([status, answer]) => [status, responseOf(answer, where)])),
      ...Object.fromEntries((doc.refusals ?? []).map((status) => [status, ref('responses', refusalNames[status])])),
      401: ref('responses', 'Unauthorized'),
      403: ref('responses', 'Forbidden'),
    },
  };
}

/** The `$ref`s anywhere in a part of the document. */
const referencesIn = (node: unknown): string[] =>
  Array.isArray(node) ? node.flatMap(referencesIn) : node && typeof node === 'object' ? Object.entries(node).flatMap(([key, value]) => (key === '$ref' ? [value as string] : referencesIn(value))) : [];

/**
 * The schemas the document refers to, and those they refer to, as components: every
 * schema with an id is generated, then only those reached are kept (which others have an
 * id depends on what else the process has imported).
 */
function componentSchemas(from: unknown): Record<string, Schema> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, { io: 'input', uri: schemaUri });
  const kept: Record<string, Schema> = {};
  const visit = (reference: string) => {
    const id = reference.startsWith(schemaUri('')) ? reference.slice(schemaUri('').length) : undefined;
    if (id === undefined || id in kept || !schemas[id]) return;
    const { $schema: _dialect, $id: _id, ...schema } = schemas[id];
    kept[id] = schema as Schema;
    referencesIn(schema).forEach(visit);
  };
  referencesIn(from).forEach(visit);
  return Object.fromEntries(Object.keys(kept).toSorted().map((id) => [id, kept[id]!]));
}

const errorContent = json(schemaRef(errorSchema, 'errors'));

const description = [
  'Manage persons, their TOTP keys, classes, IP groups, clients and settings of Gatehouse, and read the audit log.',
  '',
  'Every operation except this document needs `Authorization: Bearer <access token>`, a token issued by this Gatehouse with the `admin` scope:',
  '- a client-credentials token (`grant_type=client_credentials&scope=admin` at the token endpoint) of a client registered with `admin_api: true` (`gatehouse client add --admin-api`); or',
  '- a person\'s access token from the authorization code flow with `scope=openid admin`, for an enabled person with the `admin` role.',
  '',
  'Both are checked at every request: a client whose admin_api is removed, or a person who loses the role or is disabled, is refused at once.',
  'Bodies are JSON (`Content-Type: application/json`, at most 64 kB); answers are JSON and never cached. Changes are recorded in the audit log with the caller as actor.',
].join('\n');

const tags = [
  { name: 'Persons', description: '"Work with Persons".' },
  { name: 'TOTP', description: '"8=TOTP": a person\'s TOTP key and emergency tokens. Keys and tokens are stored encrypted; every display of them (key, tokens, QR code) is recorded in the audit log (action `totp-display`).' },
  { name: 'Clients', description: 'Relying parties.' },
  { name: 'Classes', description: 'Classes: which second factor, with what limits.' },
  { name: 'Settings', description: 'Directory-wide settings.' },
  { name: 'IpGroups', description: 'Named lists of address ranges.' },
  { name: 'Audit', description: 'Who changed what, when.' },
  { name: 'Meta', description: 'This document.' },
];

/**
 * The OpenAPI 3.1 description of the admin JSON API, served at GET /admin/api/openapi.json:
 * built from the route table (each route's `doc`) and the schemas the routes check their
 * input with, so that it lists exactly the operations served (test/integration/adminApiOpenApi.test.ts).
 */
export function buildOpenApiDocument(routes: readonly AdminRoute[]): OpenApiDocument {
  const paths: Record<string, PathItem> = {
    '/openapi.json': {
      get: {
        operationId: 'openApiDocument',
        summary: 'This OpenAPI document',
        tags: ['Meta'],
        security: [],
        responses: { 200: { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object' }) } },
      },
    },
  };
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operationOf(route) };
  }
  const responses: Record<string, Response> = {
    BadRequest: { description: 'Invalid input; nothing was changed. The description names the field.', content: errorContent },
    Unauthorized: {
      description: 'No access token, or one that is unknown, expired or revoked (`WWW-Authenticate: Bearer`, with `error="invalid_token"` when a token was sent).',
      headers: { 'WWW-Authenticate': { description: 'The Bearer challenge.', schema: { type: 'string' } } },
      content: errorContent,
    },
    Forbidden: {
      description: 'A valid token that may not use this API: without the admin scope, of a client without admin_api, or of a person without the admin role.',
      headers: { 'WWW-Authenticate': { description: 'Bearer error="insufficient_scope", scope="admin".', schema: { type: 'string' } } },
      content: errorContent,
    },
    NotFound: { description: 'No such record.', content: errorContent },
    Conflict: { description: 'The change clashes with another record (a name taken, a record in use).', content: errorContent },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'Gatehouse admin API', version: '1', description },
    servers: [{ url: '/admin/api', description: 'This Gatehouse' }],
    security: [{ bearer: [] }],
    tags,
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An access token of this Gatehouse with the admin scope: client credentials of an admin_api client, or a person with the admin role (see the description above).',
        },
      },
      parameters: Object.fromEntries(Object.values(pathParameters).map(({ component, parameter }) => [component, parameter])),
      responses,
      schemas: componentSchemas([paths, responses]),
    },
  };
}
