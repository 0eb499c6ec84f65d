import { createTransport } from 'nodemailer';
import type { EmailMessage } from './Delivery.ts';
import { DeliveryError } from './DeliveryError.ts';

/**
 * Email through nodemailer to SMTP_URL, from MAIL_FROM. A failure becomes a DeliveryError
 * with nodemailer's error code and the SMTP reply code only: the server's reply text often
 * repeats the recipient's address.
 */
export function createSmtpMailer(settings: { smtpUrl: string; from: string }): (message: EmailMessage) => Promise<void> {
  const transport = createTransport({ url: settings.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return async (message) => {
    try {
      await transport.sendMail({
        from: settings.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
      });
    } catch (error) {
      const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
      const detail = [typeof code === 'string' ? code : undefined, typeof responseCode === 'number' ? `SMTP ${responseCode}` : undefined]
        .filter(Boolean)
        .join(', ');
      throw new DeliveryError('email', `The mail server did not take the message${detail ? ` (${detail})` : ''}.`);
    }
  };
}
