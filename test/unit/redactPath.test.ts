import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/createLogger.ts';
import { redactPath } from '../../src/logging/redactPath.ts';

const linkToken = randomBytes(32).toString('base64url');

test.each([
  [`/register/${linkToken}`, '/register/[redacted]'],
  [`/register/${linkToken}/tokens.txt`, '/register/[redacted]/tokens.txt'],
  [`/reset/${randomBytes(32).toString('hex')}`, '/reset/[redacted]'],
  ['/interaction/9XhSxH0Ovl8kTr1pkZ0Ms/verify', '/interaction/9XhSxH0Ovl8kTr1pkZ0Ms/verify'],
  ['/admin/api/persons/PEPE/totp', '/admin/api/persons/PEPE/totp'],
  ['/auth?code=123456&state=abc', '/auth'],
  [`/x?token=${linkToken}`, '/x'],
  ['/', '/'],
])('%s is logged as %s', (path, logged) => {
  expect(redactPath(path)).toBe(logged);
});

test('the logger redacts every path and url field, whoever logs it', () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('info', destination);
  logger.info({ path: `/register/${linkToken}`, status: 303 }, 'request');
  logger.error({ url: `/register/${linkToken}?x=1`, sub: randomUUID() }, 'request failed');
  expect(lines).toHaveLength(2);
  for (const line of lines) {
    expect(line).not.toContain(linkToken);
    expect(line).toContain('/register/[redacted]');
  }
});
