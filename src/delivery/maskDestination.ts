import type { DeliveryChannel } from './Delivery.ts';

/** p***@example.com: the first character of the local part and the domain. */
export function maskEmail(address: string): string {
  const trimmed = address.trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${trimmed[0]}***${trimmed.slice(at)}`;
}

/** +34*******22: the country prefix (or first two digits) and the last two digits. */
export function maskPhone(number: string): string {
  const compact = number.replace(/[\s().-]/g, '');
  if (compact.length <= 6) return `***${compact.slice(-2)}`;
  const head = compact.slice(0, compact.startsWith('+') ? 3 : 2);
  const tail = compact.slice(-2);
  return `${head}${'*'.repeat(compact.length - head.length - tail.length)}${tail}`;
}

/** A destination as it may be logged or shown on a page. */
export function maskDestination(channel: DeliveryChannel, to: string): string {
  return channel === 'email' ? maskEmail(to) : maskPhone(to);
}
