/**
 * The one interface through which Gatehouse sends email and SMS (design.md "delivery/").
 * Messages carry codes and links: their text is never logged, and their destination only
 * masked (maskDestination.ts).
 */
export type EmailMessage = { to: string; subject: string; text: string; html?: string };
export type SmsMessage = { to: string; text: string };

export type DeliveryChannel = 'email' | 'sms';

/**
 * How each channel is sent. `outbox`: kept in the development outbox (/dev/outbox), not
 * sent. `none`: production without a provider — sending fails with a 503.
 */
export type DeliveryDescription = { email: 'smtp' | 'outbox' | 'none'; sms: 'webhook' | 'twilio' | 'outbox' | 'none' };

export type Delivery = {
  sendEmail(message: EmailMessage): Promise<void>;
  sendSms(message: SmsMessage): Promise<void>;
  describe(): DeliveryDescription;
};
