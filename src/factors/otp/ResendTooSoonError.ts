import { GatehouseError } from '../../errors/GatehouseError.ts';

/** A new code was asked for the same sign-in before OTP_RESEND_AFTER seconds had passed. */
export class ResendTooSoonError extends GatehouseError {
  /** When a new code may be sent. */
  readonly resendAfter: Date;
  readonly retryAfterSeconds: number;

  constructor(resendAfter: Date, now: Date) {
    const seconds = Math.max(1, Math.ceil((resendAfter.getTime() - now.getTime()) / 1000));
    super(`A new code can be sent in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`, { status: 429, expose: true, messageKey: 'otp.resendTooSoon', messageParams: { seconds } });
    this.resendAfter = resendAfter;
    this.retryAfterSeconds = seconds;
  }
}
