import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Config } from '../configuration/loadConfig.ts';
import type { Delivery, DeliveryChannel, DeliveryDescription, EmailMessage, SmsMessage } from './Delivery.ts';
import { channelNotConfigured } from './DeliveryError.ts';
import { createDevOutbox } from './devOutbox.ts';
import { maskDestination } from './maskDestination.ts';
import { createSmtpMailer } from './smtpMailer.ts';
import { createTwilioSms } from './twilioSms.ts';
import { createWebhookSms } from './webhookSms.ts';

/**
 * Email by SMTP_URL; SMS by SMS_WEBHOOK_URL, else by the TWILIO_* API (the webhook wins when
 * both are set). A channel without a provider keeps its messages in the development outbox
 * (/dev/outbox) outside production, and refuses to send (503) in production.
 */
export function createDelivery(config: Pick<Config, 'production' | 'mail' | 'sms'>, logger: Logger, connection: Connection): Delivery {
  const outbox = createDevOutbox(connection);
  const fallback = config.production ? 'none' : 'outbox';

  const mailer = config.mail.smtpUrl ? createSmtpMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from }) : undefined;
  const webhook = config.sms.webhook ? createWebhookSms(config.sms.webhook) : undefined;
  const twilio = !webhook && config.sms.twilio ? createTwilioSms(config.sms.twilio) : undefined;
  const sms = webhook ?? twilio;

  const description: DeliveryDescription = {
    email: mailer ? 'smtp' : fallback,
    sms: webhook ? 'webhook' : twilio ? 'twilio' : fallback,
  };
  logger.debug({ delivery: description }, 'delivery providers');

  async function keepInOutbox(channel: DeliveryChannel, message: { to: string; subject?: string; text: string; html?: string }) {
    if (config.production) throw channelNotConfigured(channel);
    await outbox.store({ channel, ...message });
    const to = maskDestination(channel, message.to);
    // Never the text: it carries the code. The /dev/outbox page shows it.
    logger.info({ channel, to, outbox: '/dev/outbox' }, `${channel === 'email' ? 'email' : 'SMS'} to ${to} stored in the development outbox`);
  }

  return {
    async sendEmail(message: EmailMessage) {
      if (!mailer) return keepInOutbox('email', message);
      await mailer(message);
      logger.info({ channel: 'email', to: maskDestination('email', message.to) }, 'email sent');
    },
    async sendSms(message: SmsMessage) {
      if (!sms) return keepInOutbox('sms', message);
      await sms(message);
      logger.info({ channel: 'sms', to: maskDestination('sms', message.to), provider: description.sms }, 'SMS sent');
    },
    describe() {
      return { ...description };
    },
  };
}
