import { readFile } from 'node:fs/promises';
import Router from '@koa/router';
import { viewsDirectory } from './renderPage.ts';

const assets: Record<string, string> = { 'gatehouse.css': 'text/css; charset=utf-8', 'admin.css': 'text/css; charset=utf-8' };

/** The few static files of the hosted pages, from views/assets/. */
export function assetRoutes(): Router {
  const router = new Router({ prefix: '/assets' });
  router.get('/:file', async (ctx) => {
    const type = assets[ctx.params.file!];
    if (!type) return;
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = await readFile(`${viewsDirectory}assets/${ctx.params.file}`);
  });
  return router;
}
