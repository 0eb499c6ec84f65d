import type Router from '@koa/router';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import { renderAdmin } from './adminPages.ts';
import { loadTotpSubject, totpMenuPath } from './totpMenuData.ts';

/**
 * Options 3 and 4 of the TOTP key menu: the pages that show the secret, the key and
 * emergency tokens, and the QR code (which holds the key too). Both are sensitive: a
 * step-up of the last two minutes first (gate.sensitive sends an older one to sign in
 * and back here); the service audits each display (`totp-display`) before it returns.
 * The QR code is in the page as a data: URI (the CSP allows `img-src data:`), so the
 * image is one display, answered with the page, and no URL of its own holds the key.
 */
export function totpSecretPages(router: Router, { gate, services }: AdminConsoleDependencies): void {
  const { totpKeys } = services;

  router.get('/persons/:name/totp/display', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    if (!(await gate.sensitive(ctx, visit, `${totpMenuPath(ctx.params.name ?? '')}/display`))) return;
    const subject = await loadTotpSubject(ctx, visit, services);
    if (!subject) return;
    const { t } = visit;
    const name = subject.person.name;
    const shown = await totpKeys.show(name, { actor: visit.actor });
    await renderAdmin(ctx, visit, 'totp/display', {
      title: t('admin.totp.display.title', { name }),
      base: subject.base,
      warning: t('admin.totp.display.warning', { name }),
      state: t(`admin.totp.state.${shown.state}`),
      key: shown.key,
      parameters: shown.algorithm && shown.digits && shown.period ? t('admin.totp.parameters', { algorithm: shown.algorithm, digits: shown.digits, period: shown.period }) : undefined,
      otpauthUri: shown.otpauthUri,
      noKey: t('admin.totp.display.noKey', { name }),
      tokens: shown.emergencyTokens,
    });
  });

  router.get('/persons/:name/totp/qr', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    if (!(await gate.sensitive(ctx, visit, `${totpMenuPath(ctx.params.name ?? '')}/qr`))) return;
    const subject = await loadTotpSubject(ctx, visit, services);
    if (!subject) return;
    const { t } = visit;
    const name = subject.person.name;
    const page = { title: t('admin.totp.qr.title', { name }), base: subject.base, alt: t('admin.totp.qr.alt', { name }) };
    if (subject.status.state === 'none') {
      await renderAdmin(ctx, visit, 'totp/qr', { ...page, status: 404, noKey: t('admin.totp.qr.noKey', { name }), image: undefined, warning: undefined, pending: undefined });
      return;
    }
    const svg = await totpKeys.qr(name, { actor: visit.actor, format: 'svg' });
    await renderAdmin(ctx, visit, 'totp/qr', {
      ...page,
      noKey: undefined,
      warning: t('admin.totp.qr.warning', { name }),
      image: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
      pending: subject.status.state === 'pending' ? t('admin.totp.qr.pending', { name }) : undefined,
    });
  });
}
