import { DeliveryError } from './DeliveryError.ts';
import type { DeliveryChannel } from './Delivery.ts';

const timeoutMs = 10_000;

/**
 * One POST to an SMS provider. A non-2xx answer, a timeout or an unreachable host become a
 * DeliveryError naming the provider and the status only: the answer's body may echo the
 * message text or the number, so it is read and dropped, and the URL (which may hold a
 * secret) is not named either.
 */
export async function postToProvider(
  channel: DeliveryChannel,
  provider: string,
  url: URL,
  init: { headers: Record<string, string>; body: string },
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError'
      ? `did not answer within ${timeoutMs / 1000} seconds`
      : `could not be reached (${networkCode(error)})`;
    throw new DeliveryError(channel, `The ${provider} ${reason}.`);
  }
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new DeliveryError(channel, `The ${provider} answered HTTP ${response.status}.`);
}

function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
