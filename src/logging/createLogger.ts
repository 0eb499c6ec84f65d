import { pino, type Logger } from 'pino';
import { redactPath } from './redactPath.ts';

/**
 * Structured JSON logs on stdout. Nothing sensitive is logged on purpose; the redaction
 * below is the second line of defence for fields that must never appear, and every `path`
 * or `url` field passes through redactPath (bearer-shaped segments and queries removed).
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gatehouse' },
      serializers: { path: redactPath, url: redactPath },
      redact: {
        paths: [
          'password',
          '*.password',
          'code',
          '*.code',
          'secret',
          '*.secret',
          'client_secret',
          '*.client_secret',
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? process.stdout,
  );
}
