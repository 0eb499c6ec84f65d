/**
 * The one base error of Gatehouse: an HTTP status and whether its message may be shown
 * to the person or client (`expose`). Messages that are exposed are plain sentences that
 * name what is wrong; they never contain secrets.
 */
export class GatehouseError extends Error {
  readonly status: number;
  readonly expose: boolean;

  constructor(message: string, options: { status?: number; expose?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status ?? 500;
    this.expose = options.expose ?? this.status < 500;
  }
}

/** Bad input from a person, client or admin: shown as is, changes nothing. */
export class InvalidInputError extends GatehouseError {
  constructor(message: string) {
    super(message, { status: 400, expose: true });
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
