import Router from '@koa/router';
import { renderPage } from '../http/renderPage.ts';
import type { DevOutbox } from './devOutbox.ts';

/**
 * GET /dev/outbox: the messages kept instead of sent, newest first. Mounted outside
 * production only (src/app.ts): it shows codes in clear, which is its purpose.
 */
export function devOutboxRoutes({ outbox }: { outbox: Pick<DevOutbox, 'list'> }): Router {
  const router = new Router();
  router.get('/dev/outbox', async (ctx) => {
    const messages = (await outbox.list()).map((message) => ({
      channel: message.channel === 'email' ? 'Email' : 'SMS',
      to: message.to,
      subject: message.subject,
      lines: message.text.split(/\r?\n/),
      time: message.storedAt.toISOString(),
    }));
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = await renderPage('dev/outbox', { title: 'Development outbox', messages });
  });
  return router;
}
