import type { Context } from 'koa';

/** On to wherever the reset stands (GET /reset/step), after a form. */
export function redirectToStep(ctx: Context) {
  ctx.status = 303;
  ctx.redirect('/reset/step');
}
