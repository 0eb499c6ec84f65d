import type { MessageKey } from '../i18n/messages.en.ts';

/** Values put into a message's `{name}` placeholders. */
export type MessageParams = Record<string, string | number>;

/**
 * The one base error of Gatehouse: an HTTP status and whether its message may be shown
 * to the person or client (`expose`). Messages that are exposed are plain sentences that
 * name what is wrong; they never contain secrets. The message is English, for the log,
 * the CLI and the JSON API; an error a person may meet on a page also carries a message
 * key (and its params), which the HTML error page translates (handleErrors.ts).
 */
export class GatehouseError extends Error {
  readonly status: number;
  readonly expose: boolean;
  readonly messageKey: MessageKey | undefined;
  readonly messageParams: MessageParams | undefined;

  constructor(message: string, options: { status?: number; expose?: boolean; cause?: unknown; messageKey?: MessageKey; messageParams?: MessageParams } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status ?? 500;
    this.expose = options.expose ?? this.status < 500;
    this.messageKey = options.messageKey;
    this.messageParams = options.messageParams;
  }
}

/** Bad input from a person, client or admin: shown as is, changes nothing. */
export class InvalidInputError extends GatehouseError {
  constructor(message: string, translated: { messageKey?: MessageKey; messageParams?: MessageParams } = {}) {
    super(message, { status: 400, expose: true, ...translated });
  }
}

export class NotFoundError extends GatehouseError {
  constructor(message: string) {
    super(message, { status: 404, expose: true });
  }
}

export class ConflictError extends GatehouseError {
  constructor(message: string) {
    super(message, { status: 409, expose: true });
  }
}
