import { authMethods } from '../directory/clientDirectory.ts';
import { maxPageSize } from '../directory/filterPersons.ts';
import { unlockableFactors } from '../factors/attempts/unlockPerson.ts';
import { totpAlgorithms, totpDigits, totpPeriodRange } from '../factors/totp/totpKeyInput.ts';
import { auditEntities } from './auditRoutes.ts';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1). */
type Schema = Record<string, unknown>;
type Ref = { $ref: string };
type Parameter = { name: string; in: 'path' | 'query'; required?: boolean; description: string; schema: Schema };
/** JSON almost everywhere; the QR code images are image/svg+xml and image/png. */
type Content = Partial<Record<'application/json' | 'image/svg+xml' | 'image/png', { schema: Schema | Ref }>>;
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

const schema = (name: string): Ref => ({ $ref: `#/components/schemas/${name}` });
const parameter = (name: string): Ref => ({ $ref: `#/components/parameters/${name}` });
const response = (name: string): Ref => ({ $ref: `#/components/responses/${name}` });
const json = (body: Schema | Ref): Content => ({ 'application/json': { schema: body } });
const image = (type: 'image/svg+xml' | 'image/png', description: string): Response => ({
  description,
  content: { [type]: { schema: { type: 'string', contentMediaType: type } } },
});
const body = (of: Schema | Ref) => ({ required: true as const, content: json(of) });
const ok = (description: string, of: Schema | Ref): Response => ({ description, content: json(of) });
const listOf = (item: string): Schema => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: schema(item) } } });
const createdAt = (description: string, of: Schema | Ref): Response => ({
  description,
  headers: { Location: { description: 'Where the new record is, under /admin/api.', schema: { type: 'string' } } },
  content: json(of),
});
const deleted: Response = { description: 'Deleted.' };

/** The refusals every authenticated operation may answer, plus those given. */
const refusals = (...statuses: ('400' | '404' | '409')[]) => ({
  ...Object.fromEntries(statuses.map((status) => [status, response({ 400: 'BadRequest', 404: 'NotFound', 409: 'Conflict' }[status])])),
  401: response('Unauthorized'),
  403: response('Forbidden'),
});

const text = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
const yesNo = (name: string, description: string): Parameter => ({ name, in: 'query', description, schema: { type: 'string', enum: ['Y', 'N'] } });

const profile: Record<string, Schema> = {
  ip_group: text('IP group: sign-in only from its ranges.'),
  external_id: text('Id of the person in another system (HR, directory).'),
  id_number: text('ID number.'),
  birth_date: text('Birth date, YYYY-MM-DD (released as `birthdate`).'),
  cell_phone: text('Cell phone: `phone_number`, and where SMS codes go.'),
  email: text('Email address: `email`, and where email codes go.', { format: 'email' }),
  employee_number: text('Employee number.'),
  family_name: text('Family name (`family_name`).'),
  first_name: text('First name (`given_name`).'),
  preferred_language: text('Preferred language, such as ENG (`locale`).'),
  office_phone: text('Office phone.'),
};

const personFields: Record<string, Schema> = {
  name: text('The name in the directory: unique ignoring case; 1 to 64 letters, digits or . _ @ + -.'),
  default_user_id: text('The login name typed on the sign-in page (default: the name).'),
  user_ids: { type: 'array', items: { type: 'string' }, description: 'More user IDs the person may sign in with.' },
  enabled: { type: 'boolean', description: 'A disabled person cannot sign in (default true).' },
  roles: { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,31}$' }, description: 'Roles, such as `admin` (may use this API).' },
  class: text('A class name, `*DFT` (the default class) or `*NEVER` (no second factor).'),
  ...profile,
  email_verified: { type: 'boolean', description: 'The email is verified (`email_verified`): set here, or by Gatehouse once a code or registration link sent to it is used. Shown whenever there is an email; a new email is unverified unless the same change marks it.' },
  phone_verified: { type: 'boolean', description: 'The cell phone is verified (`phone_number_verified`): set here, or by Gatehouse once an SMS code sent to it is used. Shown whenever there is a cell phone; a new one is unverified unless the same change marks it.' },
};

const contexts = ['MFA', 'AOD', 'P-R'];
const factors = ['OTP', 'TOTP', 'Qstn', 'App', 'API', 'DeviceAuth', 'Radius'];
const priorities: Schema = {
  type: 'object',
  description: 'Factor → priority 1–9 (1 is tried first); a factor left out is not used in the context.',
  propertyNames: { enum: factors },
  additionalProperties: { type: 'integer', minimum: 1, maximum: 9 },
};

const classFields: Record<string, Schema> = {
  name: text('1 to 10 characters A–Z, 0–9 or _ (stored upper-case; unique ignoring case).', { pattern: '^[A-Za-z0-9_]{1,10}$' }),
  text: text('Description.'),
  mfa_device: text('N none, S on screen (TOTP, questions), C code by SMS, E code by email.', { enum: ['N', 'S', 'C', 'E'] }),
  no_screen_channel: text('Where a code goes when the device is S but nothing on screen is usable: C SMS, E email.', { enum: ['C', 'E'] }),
  email_domain: text('Codes and links are only sent to addresses in this domain.'),
  allow_otp_instead_of_totp: text('Y: a person asked for TOTP may get a one-time code instead.', { enum: ['Y', 'N'] }),
  factors: { type: 'object', description: 'Priorities per context.', properties: Object.fromEntries(contexts.map((context) => [context, priorities])), additionalProperties: false },
  api_provider: text('External MFA provider of the API factor (DUO, OKTA, PINGID…).'),
  question_count: { type: 'integer', minimum: 0, maximum: 10, description: 'Private questions asked in one challenge.' },
  max_retries: { type: 'integer', minimum: 0, description: 'Consecutive failures before the wait; 0 = no maximum.' },
  wait_seconds: { type: 'integer', minimum: 1, maximum: 999, description: 'Wait after the retries are used up; 999 = until an admin unlocks.' },
  password_reset: {
    type: 'object',
    additionalProperties: false,
    properties: {
      verify_by: text('N none, C code by SMS, E code by email, M the P-R factors.', { enum: ['N', 'C', 'E', 'M'] }),
      new_password_by: text('S shown on screen, C by SMS, E by email, N the person enters one.', { enum: ['S', 'C', 'E', 'N'] }),
      reset_by: text('1 set a new password, 2 re-enable the account, 9 the person selects.', { enum: ['1', '2', '9'] }),
      must_change_minutes: { type: 'integer', minimum: 1, maximum: 999, description: 'A temporary password must be changed within; 999 = no limit.' },
    },
  },
};

const ipGroupFields: Record<string, Schema> = {
  name: text('1 to 10 characters A–Z, 0–9 or _ (stored upper-case; unique ignoring case).', { pattern: '^[A-Za-z0-9_]{1,10}$' }),
  text: text('Description.'),
  ranges: { type: 'array', items: { type: 'string' }, description: 'CIDR ranges or single addresses, IPv4 or IPv6 ("10.0.0.0/8", "2001:db8::/32").' },
};

const clientFields: Record<string, Schema> = {
  client_id: text('3 to 64 letters, digits, . _ ~ - (default: generated).'),
  client_name: text('Shown to persons on the consent page.'),
  redirect_uris: { type: 'array', items: { type: 'string', format: 'uri' }, description: 'Required with the authorization_code grant.' },
  post_logout_redirect_uris: { type: 'array', items: { type: 'string', format: 'uri' } },
  grant_types: { type: 'array', items: { enum: ['authorization_code', 'refresh_token', 'client_credentials'] }, description: 'Default: authorization_code, refresh_token.' },
  token_endpoint_auth_method: text('How the client authenticates at the token endpoint (default `client_secret_basic`): `client_secret_*` with its secret; `private_key_jwt` with a JWT signed by a key of `jwks_uri` (no secret); `none` for a public client (PKCE only, no secret).', { enum: authMethods }),
  jwks_uri: text('The URL of the client\'s public keys (JWKS): required with `private_key_jwt`, and only then. https, or http on localhost.', { format: 'uri' }),
  first_party: { type: 'boolean', description: 'Persons are not asked for consent.' },
  admin_api: { type: 'boolean', description: 'May use this API with client credentials (scope `admin`). Only a confidential client with the client_credentials grant.' },
  resource_server: { type: 'boolean', description: 'A resource server: may introspect the tokens of every client (any other client introspects and revokes only its own). Only a confidential client.' },
};

const named = (tag: string, base: string, what: string, nameParameter: string, input: string, view: string): Record<string, PathItem> => ({
  [base]: {
    get: { operationId: `list${tag}`, summary: `List the ${what}s`, tags: [tag], responses: { 200: ok(`The ${what}s, by name.`, listOf(view)), ...refusals() } },
    post: {
      operationId: `add${tag}`,
      summary: `Add a ${what}`,
      tags: [tag],
      requestBody: body(schema(input)),
      responses: { 201: createdAt(`The new ${what}.`, schema(view)), ...refusals('400', '409') },
    },
  },
  [`${base}/{name}`]: {
    get: { operationId: `show${tag}`, summary: `Show a ${what}`, tags: [tag], parameters: [parameter(nameParameter)], responses: { 200: ok(`The ${what}.`, schema(view)), ...refusals('404') } },
    patch: {
      operationId: `change${tag}`,
      summary: `Change some fields of a ${what}`,
      description: 'The fields given replace the stored ones; the name cannot change.',
      tags: [tag],
      parameters: [parameter(nameParameter)],
      requestBody: body({ type: 'object', properties: (schemas[input] as { properties: Schema }).properties }),
      responses: { 200: ok(`The changed ${what}.`, schema(view)), ...refusals('400', '404') },
    },
    put: {
      operationId: `put${tag}`,
      summary: `Create or replace a ${what}`,
      description: `The whole ${what}: a field left out gets its default. The body's name may be left out; if given, it must be the name in the path.`,
      tags: [tag],
      parameters: [parameter(nameParameter)],
      requestBody: body(schema(input)),
      responses: { 200: ok(`The replaced (or unchanged) ${what}.`, schema(view)), 201: createdAt(`The new ${what}.`, schema(view)), ...refusals('400') },
    },
    delete: {
      operationId: `delete${tag}`,
      summary: `Delete a ${what}`,
      description: `Refused (409) while a person uses it.`,
      tags: [tag],
      parameters: [parameter(nameParameter)],
      responses: { 204: deleted, ...refusals('404', '409') },
    },
  },
});

const errorSchema: Schema = {
  type: 'object',
  required: ['error', 'error_description'],
  properties: {
    error: text('invalid_request (400, 413, 415), invalid_token (401), insufficient_scope (403), not_found (404), method_not_allowed (405), conflict (409), server_error (500).'),
    error_description: text('What is wrong, as a sentence; for a bad field it starts with the field name ("email: …").'),
  },
};

const schemas: Record<string, Schema> = {
  Error: errorSchema,
  PersonInput: { type: 'object', required: ['name'], additionalProperties: false, properties: { ...personFields, password: text('At least 8 characters; stored hashed.', { minLength: 8, writeOnly: true }) } },
  PersonChanges: {
    type: 'object',
    additionalProperties: false,
    description: 'Only the fields to change; null removes a profile field. The name changes only by rename.',
    properties: { ...Object.fromEntries(Object.entries(personFields).filter(([field]) => field !== 'name')), password: text('A new password.', { minLength: 8, writeOnly: true }) },
  },
  PersonView: {
    type: 'object',
    required: ['sub', 'name', 'default_user_id', 'user_ids', 'enabled', 'roles', 'class', 'has_password', 'last_update'],
    properties: {
      sub: text('The immutable OIDC subject.'),
      ...personFields,
      has_password: { type: 'boolean' },
      last_update: text('Last change of the record.', { format: 'date-time' }),
      last_used: text('Last successful sign-in.', { format: 'date-time' }),
    },
  },
  PersonPage: {
    type: 'object',
    required: ['items', 'total', 'page', 'page_size'],
    properties: { items: { type: 'array', items: schema('PersonView') }, total: { type: 'integer' }, page: { type: 'integer' }, page_size: { type: 'integer' } },
  },
  Plan: {
    type: 'object',
    required: ['plan', 'text'],
    properties: {
      plan: { type: 'object', description: 'The planner\'s decision: context, secondFactorRequired, challenge, alternatives, enrolment, denied, skipped, explanation.' },
      text: text('The plan in words, as option 9 shows it.'),
    },
  },
  TotpKeyInput: {
    type: 'object',
    additionalProperties: false,
    description: 'Every field is optional (the body may be left out): without `key`, a random 160-bit key is generated. The defaults (SHA1, 6 digits, 30 seconds) suit every authenticator app.',
    properties: {
      key: text('A key typed by the admin: Base32, the letters A–Z and digits 2–7 (spaces and lower case are ignored), at least 128 bits (26 characters). Anything else is refused with 400 `key: …`.', { writeOnly: true }),
      algorithm: text('HMAC algorithm.', { enum: [...totpAlgorithms], default: 'SHA1' }),
      digits: { type: 'integer', enum: [...totpDigits], default: 6, description: 'Digits of a code.' },
      period: { type: 'integer', minimum: totpPeriodRange.min, maximum: totpPeriodRange.max, default: 30, description: 'Seconds per code.' },
      email: { type: 'boolean', default: false, description: '"Email new key": email the person a registration link (single use, expiring) to a page with the QR code, the key and the emergency tokens, instead of handing them the key. Refused (400) when the person has no email address. Same as `?email=true`.' },
    },
  },
  TotpLinkSent: {
    type: 'object',
    required: ['name', 'sent_to', 'expires_at'],
    description: 'A registration link was emailed; the answer never holds the link.',
    properties: {
      name: text('The person\'s name.'),
      sent_to: text('The email address, masked.'),
      expires_at: text('When the link stops working (ISO 8601).', { format: 'date-time' }),
    },
  },
  TotpKeyCreated: {
    type: 'object',
    required: ['name', 'state', 'algorithm', 'digits', 'period', 'key_generated', 'replaced', 'emergency_tokens_created', 'tokens_left'],
    description: 'What was done; never the key (GET the person\'s totp to display it, audited).',
    properties: {
      name: text('The person\'s name.'),
      state: text('Always `pending`: the key counts at sign-in once the person has confirmed one current code from their app.', { enum: ['pending'] }),
      algorithm: text('HMAC algorithm.', { enum: [...totpAlgorithms] }),
      digits: { type: 'integer', enum: [...totpDigits] },
      period: { type: 'integer', description: 'Seconds per code.' },
      key_generated: { type: 'boolean', description: 'True when Gatehouse generated the key, false when it was given.' },
      replaced: text('The state of the key this one replaced — it stopped working at once — or `none`.', { enum: ['none', 'pending', 'active'] }),
      emergency_tokens_created: { type: 'boolean', description: 'True when the person had no unused emergency token and got a new set.' },
      tokens_left: { type: 'integer', minimum: 0, description: 'Unused emergency tokens.' },
      link_sent_to: text('With `email`: the address the registration link went to, masked.'),
      link_expires_at: text('With `email`: when the registration link stops working (ISO 8601).', { format: 'date-time' }),
    },
  },
  TotpKeyDisplay: {
    type: 'object',
    required: ['name', 'state', 'emergency_tokens', 'tokens_left'],
    description: 'Option 3, "Display Key and Emergency Tokens". Without a key (state `none`) only the tokens are given.',
    properties: {
      name: text('The person\'s name.'),
      state: text('`none` (no key), `pending` (until the person confirms a code) or `active`.', { enum: ['none', 'pending', 'active'] }),
      key: text('The Base32 key in groups of four, for typing into an app.', { examples: ['JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP'] }),
      algorithm: text('HMAC algorithm.', { enum: [...totpAlgorithms] }),
      digits: { type: 'integer', enum: [...totpDigits] },
      period: { type: 'integer', description: 'Seconds per code.' },
      otpauth_uri: text('`otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=…&digits=…&period=…`: what the QR code holds (the issuer is the host of this Gatehouse, the account the person\'s default user ID).'),
      emergency_tokens: { type: 'array', items: { type: 'string' }, description: 'The unused emergency tokens (groups of four, e.g. `k7dq-3vxm-9tpa-wz2c`).' },
      tokens_left: { type: 'integer', minimum: 0 },
    },
  },
  TotpTokens: {
    type: 'object',
    required: ['name', 'tokens_left'],
    description: 'The new set\'s size; never the tokens (GET the person\'s totp to display them, audited).',
    properties: { name: text('The person\'s name.'), tokens_left: { type: 'integer', minimum: 0 } },
  },
  PersonQuestions: {
    type: 'object',
    required: ['name', 'questions'],
    properties: {
      name: text('The person\'s name.'),
      questions: {
        type: 'array',
        description: 'The questions in the order given; never the answers.',
        items: { type: 'object', required: ['id', 'text'], properties: { id: text('The question\'s id (new at every change).'), text: text('The question as shown at sign-in.') } },
      },
    },
  },
  QuestionAnswers: {
    type: 'array',
    maxItems: 20,
    description: 'Every question with its answer; an empty list removes them. No question twice (ignoring case and spacing).',
    items: {
      type: 'object',
      required: ['question', 'answer'],
      additionalProperties: false,
      properties: {
        question: text('3 to 200 characters.', { minLength: 3, maxLength: 200 }),
        answer: text('1 to 200 characters; compared ignoring case and extra spaces; stored only as a salted hash.', { minLength: 1, maxLength: 200, writeOnly: true }),
      },
    },
  },
  UnlockResult: {
    type: 'object',
    required: ['name', 'sub', 'factor', 'locks_cleared', 'failures_cleared'],
    properties: {
      name: text('The person\'s name.'),
      sub: text('The person\'s OIDC subject.'),
      factor: text('The factor unlocked, or `all`.'),
      locks_cleared: { type: 'integer', minimum: 0, description: 'Locks that waited for an administrator ("Wait before next attempt" 999).' },
      failures_cleared: { type: 'integer', minimum: 0, description: 'Counted failures forgotten (a timed lock ends with them).' },
    },
  },
  ClientInput: { type: 'object', additionalProperties: false, properties: { ...clientFields, client_secret: text('At least 32 characters (default: generated and returned once).', { minLength: 32, writeOnly: true }) } },
  ClientView: {
    type: 'object',
    required: ['client_id', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'token_endpoint_auth_method', 'first_party', 'admin_api', 'resource_server', 'created_at'],
    properties: { ...clientFields, created_at: text('When the client was registered.', { format: 'date-time' }) },
  },
  ClientCreated: {
    type: 'object',
    required: ['client'],
    properties: { client: schema('ClientView'), client_secret: text('The secret of a confidential client: shown in this answer only.') },
  },
  ClassInput: { type: 'object', required: ['name'], additionalProperties: false, properties: classFields },
  ClassView: { type: 'object', required: Object.keys(classFields).filter((field) => !['email_domain', 'api_provider'].includes(field)), properties: { ...classFields, last_update: text('Last change.', { format: 'date-time' }) } },
  IpGroupInput: { type: 'object', required: ['name', 'ranges'], additionalProperties: false, properties: ipGroupFields },
  IpGroupView: { type: 'object', required: ['name', 'text', 'ranges', 'last_update'], properties: { ...ipGroupFields, last_update: text('Last change.', { format: 'date-time' }) } },
  DefaultClass: { type: 'object', required: ['name'], properties: { name: { type: ['string', 'null'], description: 'The class of persons whose class is *DFT; null for none.' } } },
  AuditEntry: {
    type: 'object',
    required: ['id', 'at', 'actor', 'action', 'entity', 'entity_id'],
    properties: {
      id: { type: 'string' },
      at: { type: 'string', format: 'date-time' },
      actor: {
        type: 'object',
        required: ['kind', 'id'],
        description: 'Who: `api-client` (id = client_id), `api-person` (id = sub, name), `cli`, `person`, `system`.',
        properties: { kind: { enum: ['cli', 'api-client', 'api-person', 'person', 'system'] }, id: { type: 'string' }, name: { type: 'string' } },
      },
      action: text('create, update, delete, rename, set-password…'),
      entity: { enum: [...auditEntities] },
      entity_id: text('The record: a person\'s sub, a class or IP group name (lower case), a client_id.'),
      ip: text('The client address of the request that made the change (as TRUST_PROXY_HOPS and TRUST_PROXY_RANGES resolve it); absent for the CLI and Gatehouse itself.'),
      before: { type: 'object', description: 'The record before the change, without secrets.' },
      after: { type: 'object', description: 'The record after the change, without secrets.' },
    },
  },
};

/**
 * The OpenAPI 3.1 description of the admin JSON API, served at GET /admin/api/openapi.json.
 * Every route of adminApi.ts is here and nothing else (test/integration/adminApiOpenApi.test.ts).
 */
export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Gatehouse admin API',
    version: '1',
    description: [
      'Manage persons, their TOTP keys, classes, IP groups, clients and settings of Gatehouse, and read the audit log.',
      '',
      'Every operation except this document needs `Authorization: Bearer <access token>`, a token issued by this Gatehouse with the `admin` scope:',
      '- a client-credentials token (`grant_type=client_credentials&scope=admin` at the token endpoint) of a client registered with `admin_api: true` (`gatehouse client add --admin-api`); or',
      '- a person\'s access token from the authorization code flow with `scope=openid admin`, for an enabled person with the `admin` role.',
      '',
      'Both are checked at every request: a client whose admin_api is removed, or a person who loses the role or is disabled, is refused at once.',
      'Bodies are JSON (`Content-Type: application/json`, at most 64 kB); answers are JSON and never cached. Changes are recorded in the audit log with the caller as actor.',
    ].join('\n'),
  },
  servers: [{ url: '/admin/api', description: 'This Gatehouse' }],
  security: [{ bearer: [] }],
  tags: [
    { name: 'Persons', description: '"Work with Persons".' },
    { name: 'TOTP', description: '"8=TOTP": a person\'s TOTP key and emergency tokens. Keys and tokens are stored encrypted; every display of them (key, tokens, QR code) is recorded in the audit log (action `totp-display`).' },
    { name: 'Clients', description: 'Relying parties.' },
    { name: 'Classes', description: 'Classes: which second factor, with what limits.' },
    { name: 'Settings', description: 'Directory-wide settings.' },
    { name: 'IpGroups', description: 'Named lists of address ranges.' },
    { name: 'Audit', description: 'Who changed what, when.' },
    { name: 'Meta', description: 'This document.' },
  ],
  paths: {
    '/openapi.json': {
      get: {
        operationId: 'openApiDocument',
        summary: 'This OpenAPI document',
        tags: ['Meta'],
        security: [],
        responses: { 200: { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object' }) } },
      },
    },
    '/persons': {
      get: {
        operationId: 'listPersons',
        summary: 'List persons, filtered, one page at a time',
        tags: ['Persons'],
        parameters: [
          { name: 'q', in: 'query', description: 'Free text: part of the name, first or family name, email, external ID, employee or ID number, or a user ID (ignoring case).', schema: { type: 'string', maxLength: 100 } },
          { name: 'user_id', in: 'query', description: 'Exactly this user ID (ignoring case).', schema: { type: 'string' } },
          yesNo('totp', 'TOTP key registered.'),
          yesNo('questions', 'Private questions answered.'),
          yesNo('mfa', 'A second factor is required at sign-in (the MFA plan).'),
          { name: 'page', in: 'query', description: '1-based page number.', schema: { type: 'integer', minimum: 1, default: 1 } },
          { name: 'page_size', in: 'query', description: 'Persons per page.', schema: { type: 'integer', minimum: 1, maximum: maxPageSize, default: 50 } },
        ],
        responses: { 200: ok('One page of persons, by name.', schema('PersonPage')), ...refusals('400') },
      },
      post: {
        operationId: 'addPerson',
        summary: 'Add a person',
        tags: ['Persons'],
        requestBody: body(schema('PersonInput')),
        responses: { 201: createdAt('The new person.', schema('PersonView')), ...refusals('400', '409') },
      },
    },
    '/persons/{name}': {
      get: { operationId: 'showPerson', summary: 'Show a person', tags: ['Persons'], parameters: [parameter('PersonName')], responses: { 200: ok('The person.', schema('PersonView')), ...refusals('404') } },
      patch: {
        operationId: 'changePerson',
        summary: 'Change some fields of a person',
        tags: ['Persons'],
        parameters: [parameter('PersonName')],
        requestBody: body(schema('PersonChanges')),
        responses: { 200: ok('The changed person.', schema('PersonView')), ...refusals('400', '404', '409') },
      },
      delete: {
        operationId: 'deletePerson',
        summary: 'Delete a person',
        description: 'Also ends the person\'s sessions and revokes its grants and tokens.',
        tags: ['Persons'],
        parameters: [parameter('PersonName')],
        responses: { 204: deleted, ...refusals('404') },
      },
    },
    '/persons/{name}/rename': {
      post: {
        operationId: 'renamePerson',
        summary: 'Rename a person (option 3)',
        description: 'The sub, user IDs and tokens stay as they are.',
        tags: ['Persons'],
        parameters: [parameter('PersonName')],
        requestBody: body({ type: 'object', required: ['new_name'], additionalProperties: false, properties: { new_name: personFields.name } }),
        responses: { 200: ok('The renamed person.', schema('PersonView')), ...refusals('400', '404', '409') },
      },
    },
    '/persons/{name}/password': {
      put: {
        operationId: 'setPersonPassword',
        summary: 'Set a person\'s password',
        tags: ['Persons'],
        parameters: [parameter('PersonName')],
        requestBody: body({ type: 'object', required: ['password'], additionalProperties: false, properties: { password: { type: 'string', minLength: 8, maxLength: 1024 } } }),
        responses: { 204: { description: 'Set.' }, ...refusals('400', '404') },
      },
    },
    '/persons/{name}/questions': {
      get: {
        operationId: 'listPersonQuestions',
        summary: 'The person\'s private questions (option 7), without the answers',
        tags: ['Persons'],
        parameters: [parameter('PersonName')],
        responses: { 200: ok('The question texts.', schema('PersonQuestions')), ...refusals('404') },
      },
      put: {
        operationId: 'setPersonQuestions',
        summary: 'Replace the person\'s private questions and answers (option 7)',
        description: 'The body is the whole new set. The class\'s "Number of private questions" is how many one challenge asks: set at least that many. Audited (action `set-questions`) by count, never with the questions or answers.',
        tags: ['Persons'],
        parameters: [parameter('PersonName')],
        requestBody: body(schema('QuestionAnswers')),
        responses: { 200: ok('The new questions, without the answers.', schema('PersonQuestions')), ...refusals('400', '404') },
      },
    },
    '/persons/{name}/plan': {
      get: {
        operationId: 'planPerson',
        summary: 'The person\'s factor plan in a context (option 9)',
        tags: ['Persons'],
        parameters: [parameter('PersonName'), { name: 'context', in: 'query', description: 'MFA sign-in, AOD elevated access, P-R password reset.', schema: { type: 'string', enum: contexts, default: 'MFA' } }],
        responses: { 200: ok('The plan, as data and in words.', schema('Plan')), ...refusals('400', '404') },
      },
    },
    '/persons/{name}/unlock': {
      post: {
        operationId: 'unlockPerson',
        summary: 'Lift the locks after too many failures (option 9, unlock)',
        description:
          'Clears the locks and the counted failures of one factor, or of every factor when no factor is given (the body may be left out). Emergency tokens share the TOTP lock; `password` clears the password failures from every client address. Audited (action `unlock`).',
        tags: ['Persons'],
        parameters: [parameter('PersonName')],
        requestBody: {
          required: false,
          content: json({ type: 'object', additionalProperties: false, properties: { factor: { type: ['string', 'null'], enum: [...unlockableFactors, null], description: 'Only this factor (matched ignoring case); absent or null: every factor.' } } }),
        },
        responses: { 200: ok('What was cleared.', schema('UnlockResult')), ...refusals('400', '404') },
      },
    },
    '/persons/{name}/totp': {
      post: {
        operationId: 'createTotpKey',
        summary: 'Create or replace the person\'s TOTP key (option 8.1)',
        description:
          'A random 160-bit key, or the `key` given. The new key is `pending` until the person confirms one current code from their app; a key it replaces stops working at once. A person with no unused emergency token also gets a new set of 10. The answer never holds the key. With `email` (body field or `?email=true`) the person is emailed a registration link instead (action `totp-send-link`). Audited (actions `totp-create` and `set-key`/`replace-key`).',
        tags: ['TOTP'],
        parameters: [
          parameter('PersonName'),
          { name: 'email', in: 'query', required: false, description: 'true: email the person a registration link (as the body field `email`).', schema: { type: 'string', enum: ['true', 'false'] } },
        ],
        requestBody: { required: false, content: json(schema('TotpKeyInput')) },
        responses: {
          200: ok('The key was replaced.', schema('TotpKeyCreated')),
          201: createdAt('The person had no key; this is the new one.', schema('TotpKeyCreated')),
          ...refusals('400', '404'),
        },
      },
      get: {
        operationId: 'showTotpKey',
        summary: 'Display the person\'s TOTP key and emergency tokens (option 8.3)',
        description: 'The key, its parameters and otpauth URI, and the unused emergency tokens. Every call is recorded in the audit log (action `totp-display`, with the caller), never the values.',
        tags: ['TOTP'],
        parameters: [parameter('PersonName')],
        responses: { 200: ok('The key and tokens.', schema('TotpKeyDisplay')), ...refusals('404') },
      },
      delete: {
        operationId: 'removeTotpKey',
        summary: 'Remove the person\'s TOTP key and emergency tokens',
        description: '404 when the person has neither. Audited (actions `remove-key`, `remove-emergency-tokens`).',
        tags: ['TOTP'],
        parameters: [parameter('PersonName')],
        responses: { 204: { description: 'Removed.' }, ...refusals('404') },
      },
    },
    '/persons/{name}/totp/qr.svg': {
      get: {
        operationId: 'totpQrCodeSvg',
        summary: 'The person\'s TOTP key as a QR code, SVG (option 8.4)',
        description: 'The otpauth URI of the key as a QR code to scan with an authenticator app. Audited as a display (action `totp-display`). 404 when the person has no key.',
        tags: ['TOTP'],
        parameters: [parameter('PersonName')],
        responses: { 200: image('image/svg+xml', 'An SVG document.'), ...refusals('404') },
      },
    },
    '/persons/{name}/totp/qr.png': {
      get: {
        operationId: 'totpQrCodePng',
        summary: 'The person\'s TOTP key as a QR code, PNG (option 8.4)',
        description: 'The otpauth URI of the key as a QR code to scan with an authenticator app. Audited as a display (action `totp-display`). 404 when the person has no key.',
        tags: ['TOTP'],
        parameters: [parameter('PersonName')],
        responses: { 200: image('image/png', 'A PNG image.'), ...refusals('404') },
      },
    },
    '/persons/{name}/totp/link': {
      post: {
        operationId: 'sendTotpRegistrationLink',
        summary: 'Email the person a registration link for their pending key (option 8.5)',
        description:
          'Emails the person (in their language) a single-use link, valid for REGISTRATION_LINK_TTL seconds, to `/register/{token}`: a page with the QR code, the key and the emergency tokens, where they confirm one current code. Older links of the person stop working; replacing the key invalidates the link. 400 when the person has no email address or the key is already active; 404 when there is no key. No body. Audited (action `totp-send-link`).',
        tags: ['TOTP'],
        parameters: [parameter('PersonName')],
        responses: { 200: ok('Where the link went.', schema('TotpLinkSent')), ...refusals('400', '404') },
      },
    },
    '/persons/{name}/totp/tokens': {
      post: {
        operationId: 'recreateEmergencyTokens',
        summary: 'Recreate the person\'s emergency tokens (option 8.2)',
        description: 'A new set of 10 single-use tokens; the old set stops working at once. The answer never holds the tokens. No body. Audited (action `recreate-emergency-tokens`).',
        tags: ['TOTP'],
        parameters: [parameter('PersonName')],
        responses: { 200: ok('The new set\'s size.', schema('TotpTokens')), ...refusals('400', '404') },
      },
    },
    '/clients': {
      get: { operationId: 'listClients', summary: 'List the clients (never their secrets)', tags: ['Clients'], responses: { 200: ok('The clients, by client_id.', listOf('ClientView')), ...refusals() } },
      post: {
        operationId: 'addClient',
        summary: 'Register a client',
        tags: ['Clients'],
        requestBody: body(schema('ClientInput')),
        responses: { 201: ok('The client, and its secret — shown this once only.', schema('ClientCreated')), ...refusals('400', '409') },
      },
    },
    '/clients/{client_id}': {
      delete: { operationId: 'deleteClient', summary: 'Remove a client', tags: ['Clients'], parameters: [parameter('ClientId')], responses: { 204: deleted, ...refusals('404') } },
    },
    ...named('Classes', '/classes', 'class', 'ClassName', 'ClassInput', 'ClassView'),
    '/settings/default-class': {
      get: { operationId: 'showDefaultClass', summary: 'The default class', tags: ['Settings'], responses: { 200: ok('The class of persons whose class is *DFT.', schema('DefaultClass')), ...refusals() } },
      put: {
        operationId: 'setDefaultClass',
        summary: 'Set or clear the default class',
        tags: ['Settings'],
        requestBody: body(schema('DefaultClass')),
        responses: { 200: ok('The default class now.', schema('DefaultClass')), ...refusals('400') },
      },
    },
    ...named('IpGroups', '/ipgroups', 'IP group', 'IpGroupName', 'IpGroupInput', 'IpGroupView'),
    '/audit': {
      get: {
        operationId: 'listAudit',
        summary: 'The audit log, newest first',
        tags: ['Audit'],
        parameters: [
          { name: 'entity', in: 'query', description: 'Only changes of this kind of record.', schema: { type: 'string', enum: [...auditEntities] } },
          { name: 'entity_id', in: 'query', description: 'Only changes of this record (see AuditEntry.entity_id).', schema: { type: 'string' } },
          { name: 'limit', in: 'query', description: 'At most this many entries.', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        ],
        responses: { 200: ok('The entries, newest first.', listOf('AuditEntry')), ...refusals('400') },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        description: 'An access token of this Gatehouse with the admin scope: client credentials of an admin_api client, or a person with the admin role (see the description above).',
      },
    },
    parameters: {
      PersonName: { name: 'name', in: 'path', required: true, description: 'The person\'s name (ignoring case).', schema: { type: 'string' } },
      ClassName: { name: 'name', in: 'path', required: true, description: 'The class name (ignoring case).', schema: { type: 'string' } },
      IpGroupName: { name: 'name', in: 'path', required: true, description: 'The IP group name (ignoring case).', schema: { type: 'string' } },
      ClientId: { name: 'client_id', in: 'path', required: true, description: 'The client_id.', schema: { type: 'string' } },
    },
    responses: {
      BadRequest: ok('Invalid input; nothing was changed. The description names the field.', schema('Error')),
      Unauthorized: {
        description: 'No access token, or one that is unknown, expired or revoked (`WWW-Authenticate: Bearer`, with `error="invalid_token"` when a token was sent).',
        headers: { 'WWW-Authenticate': { description: 'The Bearer challenge.', schema: { type: 'string' } } },
        content: json(schema('Error')),
      },
      Forbidden: {
        description: 'A valid token that may not use this API: without the admin scope, of a client without admin_api, or of a person without the admin role.',
        headers: { 'WWW-Authenticate': { description: 'Bearer error="insufficient_scope", scope="admin".', schema: { type: 'string' } } },
        content: json(schema('Error')),
      },
      NotFound: ok('No such record.', schema('Error')),
      Conflict: ok('The change clashes with another record (a name taken, a record in use).', schema('Error')),
    },
    schemas,
  },
};
