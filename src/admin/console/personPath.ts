/** The path of a person's page in the admin view (`/admin/persons/PEPE`, then `/rename`…): the name encoded, as names may hold @ + . */
export function personPath(name: string, option?: 'rename' | 'delete' | 'questions' | 'questions/clear' | 'totp' | 'mfa' | 'password' | 'temporary-password' | 'unlock'): string {
  return `/admin/persons/${encodeURIComponent(name)}${option ? `/${option}` : ''}`;
}

/** A field of a form, as a text: the first value when a field was sent more than once, "" when not sent. */
export function formText(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** "2025-03-23 16:57 UTC": a stored time as the admin view shows it. */
export function shownTime(iso: string | undefined): string | undefined {
  return iso === undefined ? undefined : `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
