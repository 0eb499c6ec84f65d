import type { Context } from 'koa';
import type { TotpKeyMenu } from '../factors/totp/createTotpKeyMenu.ts';
import { totpCreatedView, totpDisplayView, totpLinkView, totpTokensView } from '../factors/totp/totpKeyViews.ts';
import { AdminApiError } from './AdminApiError.ts';
import { created, noContent, type AdminRoute } from './AdminRoute.ts';
import * as schemas from './apiSchemas/totpApiSchemas.ts';
import { totpCreateQuerySchema } from './apiSchemas/personQuerySchemas.ts';
import { actorOf } from './authenticateAdmin.ts';
import { bodyFields, bodyObject } from './readJsonBody.ts';

const at = (name: string) => `/persons/${encodeURIComponent(name)}/totp`;
const tag = 'TOTP';
const qrDescription = 'The otpauth URI of the key as a QR code to scan with an authenticator app. Audited as a display (action `totp-display`). 404 when the person has no key.';

/**
 * An image of the key (never cached: the API answers with Cache-Control: no-store). The
 * policy is stricter than the pages' one: an SVG opened on its own runs and loads nothing.
 */
function answerImage(ctx: Context, type: 'image/svg+xml' | 'image/png', image: string | Buffer): void {
  ctx.type = type;
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
  ctx.body = image;
}

/** "8=TOTP", the admin's key menu: create/replace, recreate tokens, display the key and tokens, the QR code, remove. */
export function totpRoutes(totpKeys: TotpKeyMenu): AdminRoute[] {
  return [
    {
      method: 'POST',
      path: '/persons/:name/totp',
      doc: {
        operationId: 'createTotpKey',
        summary: 'Create or replace the person\'s TOTP key (option 8.1)',
        description:
          'A random 160-bit key, or the `key` given. The new key is `pending` until the person confirms one current code from their app; a key it replaces stops working at once. A person with no unused emergency token also gets a new set of 10. The answer never holds the key. With `email` (body field or `?email=true`) the person is emailed a registration link instead (action `totp-send-link`). Audited (actions `totp-create` and `set-key`/`replace-key`).',
        tag,
        query: totpCreateQuerySchema,
        body: schemas.totpKeyInputSchema,
        example: { algorithm: 'SHA1', digits: 6, period: 30, email: true },
        bodyOptional: true,
        responses: {
          200: { description: 'The key was replaced.', schema: schemas.totpKeyCreatedSchema },
          201: { description: 'The person had no key; this is the new one.', schema: schemas.totpKeyCreatedSchema, location: true },
        },
        refusals: [400, 404],
      },
      async handle(ctx) {
        // The body is optional: none or {} generates a key with the defaults.
        const { email, ...body } = bodyFields(ctx, ['key', 'algorithm', 'digits', 'period', 'email']);
        const query = ctx.query.email;
        if (query !== undefined && query !== 'true' && query !== 'false') throw new AdminApiError(400, 'invalid_request', 'email: true or false.');
        if (email !== undefined && typeof email !== 'boolean') throw new AdminApiError(400, 'invalid_request', 'email: true or false.');
        const made = await totpKeys.create(ctx.params.name!, body, { actor: actorOf(ctx), email: email === true || query === 'true' });
        if (made.replaced === 'none') created(ctx, at(made.name), totpCreatedView(made));
        else ctx.body = totpCreatedView(made);
      },
    },
    {
      method: 'GET',
      path: '/persons/:name/totp',
      doc: {
        operationId: 'showTotpKey',
        summary: 'Display the person\'s TOTP key and emergency tokens (option 8.3)',
        description: 'The key, its parameters and otpauth URI, and the unused emergency tokens. Every call is recorded in the audit log (action `totp-display`, with the caller), never the values.',
        tag,
        responses: { 200: { description: 'The key and tokens.', schema: schemas.totpKeyDisplaySchema } },
        refusals: [404],
      },
      async handle(ctx) {
        ctx.body = totpDisplayView(await totpKeys.show(ctx.params.name!, { actor: actorOf(ctx) }));
      },
    },
    {
      method: 'DELETE',
      path: '/persons/:name/totp',
      doc: {
        operationId: 'removeTotpKey',
        summary: 'Remove the person\'s TOTP key and emergency tokens',
        description: '404 when the person has neither. Audited (actions `remove-key`, `remove-emergency-tokens`).',
        tag,
        responses: { 204: { description: 'Removed.' } },
        refusals: [404],
      },
      async handle(ctx) {
        await totpKeys.remove(ctx.params.name!, { actor: actorOf(ctx) });
        noContent(ctx);
      },
    },
    {
      method: 'GET',
      path: '/persons/:name/totp/qr.svg',
      doc: { operationId: 'totpQrCodeSvg', summary: 'The person\'s TOTP key as a QR code, SVG (option 8.4)', description: qrDescription, tag, responses: { 200: { description: 'An SVG document.', image: 'image/svg+xml' } }, refusals: [404] },
      async handle(ctx) {
        answerImage(ctx, 'image/svg+xml', await totpKeys.qr(ctx.params.name!, { actor: actorOf(ctx), format: 'svg' }));
      },
    },
    {
      method: 'GET',
      path: '/persons/:name/totp/qr.png',
      doc: { operationId: 'totpQrCodePng', summary: 'The person\'s TOTP key as a QR code, PNG (option 8.4)', description: qrDescription, tag, responses: { 200: { description: 'A PNG image.', image: 'image/png' } }, refusals: [404] },
      async handle(ctx) {
        answerImage(ctx, 'image/png', await totpKeys.qr(ctx.params.name!, { actor: actorOf(ctx), format: 'png' }));
      },
    },
    {
      method: 'POST',
      path: '/persons/:name/totp/link',
      doc: {
        operationId: 'sendTotpRegistrationLink',
        summary: 'Email the person a registration link for their pending key (option 8.5)',
        description:
          'Emails the person (in their language) a single-use link, valid for REGISTRATION_LINK_TTL seconds, to `/register/{token}`: a page with the QR code, the key and the emergency tokens, where they confirm one current code. Older links of the person stop working; replacing the key invalidates the link. 400 when the person has no email address or the key is already active; 404 when there is no key. No body. Audited (action `totp-send-link`).',
        tag,
        responses: { 200: { description: 'Where the link went.', schema: schemas.totpLinkSentSchema } },
        refusals: [400, 404],
      },
      async handle(ctx) {
        const [field] = Object.keys(bodyObject(ctx));
        if (field !== undefined) throw new AdminApiError(400, 'invalid_request', `${field}: not a field of this request (it takes no body).`);
        ctx.body = totpLinkView(await totpKeys.sendLink(ctx.params.name!, { actor: actorOf(ctx) }));
      },
    },
    {
      method: 'POST',
      path: '/persons/:name/totp/tokens',
      doc: {
        operationId: 'recreateEmergencyTokens',
        summary: 'Recreate the person\'s emergency tokens (option 8.2)',
        description: 'A new set of 10 single-use tokens; the old set stops working at once. The answer never holds the tokens. No body. Audited (action `recreate-emergency-tokens`).',
        tag,
        responses: { 200: { description: 'The new set\'s size.', schema: schemas.totpTokensSchema } },
        refusals: [400, 404],
      },
      async handle(ctx) {
        const [field] = Object.keys(bodyObject(ctx));
        if (field !== undefined) throw new AdminApiError(400, 'invalid_request', `${field}: not a field of this request (it takes no body).`);
        ctx.body = totpTokensView(await totpKeys.recreateTokens(ctx.params.name!, { actor: actorOf(ctx) }));
      },
    },
  ];
}
