import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { listenOnLoopback } from './listenOnLoopback.ts';

export type ProxiedRequest = { backend: string; method: string; path: string; status: number };

/**
 * A minimal load balancer for tests: one public origin (the issuer of every instance
 * behind it) that forwards each request, Host header unchanged, to the backend chosen
 * with routeTo(). Browsers and openid-client only ever see the proxy's URL, so switching
 * backends between two requests is what a real load balancer may do at any time.
 */
export async function startSwitchableProxy() {
  let backend: string | undefined;
  const log: ProxiedRequest[] = [];

  const server = createServer((incoming, outgoing) => {
    const target = backend;
    if (!target) {
      outgoing.writeHead(502).end('no backend');
      return;
    }
    const url = new URL(target);
    const forwarded = request(
      { host: url.hostname, port: url.port, method: incoming.method, path: incoming.url, headers: incoming.headers as IncomingHttpHeaders, agent: false },
      (answer) => {
        log.push({ backend: target, method: incoming.method!, path: incoming.url!.split('?')[0]!, status: answer.statusCode! });
        outgoing.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', (error) => {
      log.push({ backend: target, method: incoming.method!, path: incoming.url!.split('?')[0]!, status: 502 });
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end(`backend ${target} failed: ${error.message}`);
    });
    incoming.pipe(forwarded);
  });
  const port = await listenOnLoopback(server);

  return {
    url: `http://127.0.0.1:${port}`,
    /** Every forwarded request so far: which backend answered what. */
    log,
    routeTo(url: string) {
      backend = url;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type SwitchableProxy = Awaited<ReturnType<typeof startSwitchableProxy>>;
