import type { Context } from 'koa';
import type { TotpKeyMenu } from '../factors/totp/createTotpKeyMenu.ts';
import { totpCreatedView, totpDisplayView, totpLinkView, totpTokensView } from '../factors/totp/totpKeyViews.ts';
import { AdminApiError } from './AdminApiError.ts';
import { created, noContent, type AdminRoute } from './AdminRoute.ts';
import { actorOf } from './authenticateAdmin.ts';
import { bodyFields, bodyObject } from './readJsonBody.ts';

const at = (name: string) => `/persons/${encodeURIComponent(name)}/totp`;

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
      async handle(ctx) {
        ctx.body = totpDisplayView(await totpKeys.show(ctx.params.name!, { actor: actorOf(ctx) }));
      },
    },
    {
      method: 'DELETE',
      path: '/persons/:name/totp',
      async handle(ctx) {
        await totpKeys.remove(ctx.params.name!, { actor: actorOf(ctx) });
        noContent(ctx);
      },
    },
    {
      method: 'GET',
      path: '/persons/:name/totp/qr.svg',
      async handle(ctx) {
        answerImage(ctx, 'image/svg+xml', await totpKeys.qr(ctx.params.name!, { actor: actorOf(ctx), format: 'svg' }));
      },
    },
    {
      method: 'GET',
      path: '/persons/:name/totp/qr.png',
      async handle(ctx) {
        answerImage(ctx, 'image/png', await totpKeys.qr(ctx.params.name!, { actor: actorOf(ctx), format: 'png' }));
      },
    },
    {
      method: 'POST',
      path: '/persons/:name/totp/link',
      async handle(ctx) {
        const [field] = Object.keys(bodyObject(ctx));
        if (field !== undefined) throw new AdminApiError(400, 'invalid_request', `${field}: not a field of this request (it takes no body).`);
        ctx.body = totpLinkView(await totpKeys.sendLink(ctx.params.name!, { actor: actorOf(ctx) }));
      },
    },
    {
      method: 'POST',
      path: '/persons/:name/totp/tokens',
      async handle(ctx) {
        const [field] = Object.keys(bodyObject(ctx));
        if (field !== undefined) throw new AdminApiError(400, 'invalid_request', `${field}: not a field of this request (it takes no body).`);
        ctx.body = totpTokensView(await totpKeys.recreateTokens(ctx.params.name!, { actor: actorOf(ctx) }));
      },
    },
  ];
}
