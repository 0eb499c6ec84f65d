import type Router from '@koa/router';
import { describeSigningKeys, rotateSigningKey, type SigningKeyFacts } from '../../oidc/keyring.ts';
import type { Translate } from '../../i18n/translate.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import { doneNotice, redirectAfterChange, renderAdmin } from './adminPages.ts';
import { dateTimeWords } from './clientWords.ts';
import { settingsFacts } from './settingsFacts.ts';

const rotatePath = '/admin/settings/keys/rotate';

/** A row of the signing keys table: what the key does on this server now, and from the next start (the newest signs). */
function keyRow(t: Translate, locale: string, key: SigningKeyFacts, index: number, loadedHere: readonly string[] | undefined) {
  const here = !loadedHere?.includes(key.kid)
    ? { text: t('admin.settings.keys.notLoaded'), badge: 'warn' }
    : key.kid === loadedHere[0]
      ? { text: t('admin.settings.keys.signsHere'), badge: 'ok' }
      : { text: t('admin.settings.keys.verifiesHere'), badge: '' };
  return { kid: key.kid, alg: key.alg, created: dateTimeWords(key.createdAt, locale), here, nextStart: t(index === 0 ? 'admin.settings.keys.willSign' : 'admin.settings.keys.willVerify') };
}

/**
 * Settings and keys: the keyring's signing keys (never their private parts) and rotating
 * them, a sensitive action; and read-only facts of the configuration. A server reads the
 * keyring once, when it builds its provider (createProvider.ts): a rotation signs, and is
 * published in /jwks, from each server's next start, and the page says so.
 */
export function settingsPages(router: Router, { gate, services, config }: AdminConsoleDependencies): void {
  const { connection } = services.store;
  // The keys this server loaded: the admin view is mounted right after the provider read
  // the keyring at start (startGatehouse.ts), so the keyring as read here is what it holds.
  const loadedHere = describeSigningKeys(connection, services.secretBox).then(
    (keys) => keys.map((key) => key.kid),
    () => undefined,
  );

  router.get('/settings', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const { t, locale } = visit;
    const [keys, loaded] = await Promise.all([describeSigningKeys(connection, services.secretBox), loadedHere]);
    await renderAdmin(ctx, visit, 'settings/index', {
      title: t('admin.settings.title'),
      notice: doneNotice(ctx, t),
      keys: keys.map((key, index) => keyRow(t, locale, key, index, loaded)),
      rotateHref: rotatePath,
      panels: settingsFacts(t, config, services.delivery.describe()),
    });
  });

  router.get('/settings/keys/rotate', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    if (!(await gate.sensitive(ctx, visit, rotatePath))) return;
    await renderAdmin(ctx, visit, 'settings/rotate', { title: visit.t('admin.settings.rotate.title'), action: rotatePath });
  });

  router.post('/settings/keys/rotate', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    if (!(await gate.sensitive(ctx, visit, rotatePath))) return;
    const rotated = await rotateSigningKey(connection, services.secretBox);
    // The keyring does not audit; the key id names the key, never any of its material.
    await services.audit.record({ actor: visit.actor, action: 'rotate-signing-key', entity: 'keys', entityId: 'signing', after: { kid: rotated.kid, keys: rotated.keys } });
    redirectAfterChange(ctx, '/admin/settings', 'signingKeyRotated');
  });
}
