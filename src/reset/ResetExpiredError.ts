import { GatehouseError } from '../errors/GatehouseError.ts';

/** A reset that ended, expired, or was never started in this browser: the person starts again at /reset. */
export class ResetExpiredError extends GatehouseError {
  constructor() {
    super('This password reset has expired or was already finished. Start again.', { status: 400, expose: true, messageKey: 'reset.expired' });
  }
}
