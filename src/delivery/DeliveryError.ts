import { GatehouseError } from '../errors/GatehouseError.ts';
import type { DeliveryChannel } from './Delivery.ts';

/**
 * A provider did not take a message: unreachable, too slow, or refused it. The message
 * says which provider and how (an HTTP status, an SMTP reply code) and never contains the
 * message text or the full destination, so it may go to the log as it is. Not shown to the
 * person (the sign-in says, in their language, that the code could not be sent).
 */
export class DeliveryError extends GatehouseError {
  readonly channel: DeliveryChannel;

  constructor(channel: DeliveryChannel, message: string) {
    super(message, { status: 502, expose: false });
    this.channel = channel;
  }
}

/** Production, and no provider for the channel: sending cannot work until one is configured. */
export function channelNotConfigured(channel: DeliveryChannel): GatehouseError {
  return new GatehouseError(
    channel === 'email'
      ? 'Email cannot be sent: SMTP_URL is not configured.'
      : 'SMS cannot be sent: SMS_WEBHOOK_URL (or TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM) is not configured.',
    { status: 503, expose: true, messageKey: channel === 'email' ? 'delivery.emailNotConfigured' : 'delivery.smsNotConfigured' },
  );
}
