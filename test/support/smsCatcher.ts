import { createServer } from 'node:http';
import { listenOnLoopback } from './listenOnLoopback.ts';

/** A real HTTP listener on 127.0.0.1 acting as the SMS webhook (SMS_WEBHOOK_URL in tests). */
export async function startSmsCatcher() {
  const messages: { to: string; text: string; authorization?: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const { to, text } = JSON.parse(body) as { to: string; text: string };
      messages.push({ to, text, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"queued":true}');
    });
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/sms`,
    messages,
    lastCodeTo(to: string): string | undefined {
      const sms = messages.filter((m) => m.to === to).at(-1);
      return sms ? /\b(\d{6})\b/.exec(sms.text)?.[1] : undefined;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
