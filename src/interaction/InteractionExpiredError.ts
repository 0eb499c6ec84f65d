import { GatehouseError } from '../errors/GatehouseError.ts';

/** An interaction that ended or expired: the person starts again at the application. */
export class InteractionExpiredError extends GatehouseError {
  constructor() {
    super('This sign-in page has expired or was already used. Go back to the application and sign in again.', { status: 400, expose: true, messageKey: 'error.interactionExpired' });
  }
}
