import type { Visit } from '../../http/firstPartySession.ts';
import type { Translate } from '../../i18n/translate.ts';
import type { Actor } from '../../security/createAuditLog.ts';

/** A request of a signed-in admin at the elevated level (adminGate.ts): who, in which language, and what their forms carry. */
export type AdminVisit = Visit & {
  /** The CSRF token of the session, for the page's forms. */
  csrf: string;
  /** Who the audit log names for what this request changes. */
  actor: Actor;
  t: Translate;
  locale: string;
  now: number;
  /** When the elevation runs out and the admin steps up again (ADMIN_ELEVATION_TTL after it). */
  elevatedUntil: Date;
};

/** A form's visit: the admin's, with the fields sent. */
export type AdminChange = AdminVisit & { body: Record<string, unknown> };
