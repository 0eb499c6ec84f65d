import type { SmsMessage } from './Delivery.ts';
import { postToProvider } from './postToProvider.ts';
import { requireHttpsUnlessLoopback } from './providerUrl.ts';

/** SMS by a generic webhook: POST {"to", "text"} as JSON, with `Authorization: Bearer <token>` when one is set. */
export function createWebhookSms(settings: { url: string; token?: string }): (message: SmsMessage) => Promise<void> {
  const url = requireHttpsUnlessLoopback('SMS_WEBHOOK_URL', settings.url);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (settings.token) headers.authorization = `Bearer ${settings.token}`;
  return (message) => postToProvider('sms', 'SMS webhook', url, { headers, body: JSON.stringify({ to: message.to, text: message.text }) });
}
