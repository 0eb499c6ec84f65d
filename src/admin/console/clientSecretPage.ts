import type { Context } from 'koa';
import type { MessageKey } from '../../i18n/messages.en.ts';
import type { AdminVisit } from './AdminVisit.ts';
import { renderAdmin } from './adminPages.ts';
import { clientPath } from './clientWords.ts';

/**
 * The page that shows a client's secret, once: the direct answer of the form that made it
 * (never after a redirect, never in a URL or a notice, never logged; the admin view's
 * pages are not cached), with the warning that it will not be shown again.
 */
export async function renderClientSecret(ctx: Context, visit: AdminVisit, shown: { status: 200 | 201; clientId: string; secret: string; lead: MessageKey }) {
  const { t } = visit;
  await renderAdmin(ctx, visit, 'clients/secret', {
    title: t('admin.clients.secret.title'),
    status: shown.status,
    lead: t(shown.lead, { id: shown.clientId }),
    clientId: shown.clientId,
    secret: shown.secret,
    clientHref: clientPath(shown.clientId),
  });
}
