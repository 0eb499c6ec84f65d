import { GatehouseError } from '../errors/GatehouseError.ts';

/** The command line was not usable as given (exit code 2); the message says what to type instead. */
export class UsageError extends GatehouseError {
  constructor(message: string) {
    super(message, { status: 400, expose: true });
  }
}
