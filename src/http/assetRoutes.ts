import { readFile } from 'node:fs/promises';
import Router from '@koa/router';
import { viewsDirectory } from './renderPage.ts';

const css = 'text/css; charset=utf-8';
const js = 'text/javascript; charset=utf-8';

/**
 * The files served, by name: from views/assets/, and the WebAuthn browser library's UMD
 * bundle read from node_modules (beside views/ in the source tree and in `npm start`'s
 * compiled server alike, build/compileServer.ts links both).
 */
const assets: Record<string, { type: string; path: string }> = {
  'gatehouse.css': { type: css, path: `${viewsDirectory}assets/gatehouse.css` },
  'admin.css': { type: css, path: `${viewsDirectory}assets/admin.css` },
  'webauthn.js': { type: js, path: `${viewsDirectory}assets/webauthn.js` },
  'simplewebauthn-browser.js': { type: js, path: `${viewsDirectory}../node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js` },
};

/** The few static files of the hosted pages. */
export function assetRoutes(): Router {
  const router = new Router({ prefix: '/assets' });
  router.get('/:file', async (ctx) => {
    const asset = Object.hasOwn(assets, ctx.params.file!) ? assets[ctx.params.file!] : undefined;
    if (!asset) return;
    ctx.type = asset.type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = await readFile(asset.path);
  });
  return router;
}
