import type { SmsMessage } from './Delivery.ts';
import { postToProvider } from './postToProvider.ts';
import { below, requireHttpsUnlessLoopback } from './providerUrl.ts';

/**
 * SMS by a Twilio-compatible REST API: POST {apiUrl}/2010-04-01/Accounts/{sid}/Messages.json
 * with the form fields To, From and Body, and HTTP basic auth sid:token.
 */
export function createTwilioSms(settings: { accountSid: string; authToken: string; from: string; apiUrl: string }): (message: SmsMessage) => Promise<void> {
  const base = requireHttpsUnlessLoopback('TWILIO_API_URL', settings.apiUrl);
  const url = below(base, `/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`);
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    authorization: `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`,
  };
  return (message) =>
    postToProvider('sms', 'Twilio-compatible SMS API', url, {
      headers,
      body: new URLSearchParams({ To: message.to, From: settings.from, Body: message.text }).toString(),
    });
}
