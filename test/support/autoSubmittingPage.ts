import { createServer } from 'node:http';
import { listenOnLoopback } from './listenOnLoopback.ts';

/**
 * A page of another origin (a relying party, or an attacker) on 127.0.0.1: it serves
 * `page()`'s title and a form, which a script submits as soon as the page loads.
 */
export async function startAutoSubmittingPage(page: () => { title: string; action: string; inputs: string }) {
  const server = createServer((_request, response) => {
    const { title, action, inputs } = page();
    response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>${title}</title>
<form id="f" method="post" action="${action}">${inputs}</form><script>document.getElementById('f').submit()</script>`);
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
