import { SMTPServer } from 'smtp-server';
import { listenOnLoopback } from './listenOnLoopback.ts';

export type CaughtMail = { to: string[]; raw: string };

/** A real SMTP server on 127.0.0.1 that keeps what it receives (for SMTP_URL in tests). */
export async function startMailCatcher() {
  const messages: CaughtMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (raw += chunk));
      stream.on('end', () => {
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  const port = await listenOnLoopback(server.server);
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    /** The newest 6-digit code sent to `to`. */
    lastCodeTo(to: string): string | undefined {
      const mail = messages.filter((m) => m.to.includes(to)).at(-1);
      return mail ? /\b(\d{6})\b/.exec(mail.raw.replace(/=\r?\n/g, ''))?.[1] : undefined;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
