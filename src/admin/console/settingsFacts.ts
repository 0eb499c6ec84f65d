import type { Config } from '../../configuration/loadConfig.ts';
import type { DeliveryDescription } from '../../delivery/Delivery.ts';
import type { MessageKey } from '../../i18n/messages.en.ts';
import type { Translate } from '../../i18n/translate.ts';
import { sensitiveStepUpMs } from './adminSessionOptions.ts';

// What the settings page tells of the configuration: read-only facts, never a secret
// (no credentials of the database, the mail server or the SMS provider).

type Fact = { label: string; value: string; mono?: boolean };

/** 900 → "15 minutes", 1209600 → "14 days": the largest unit the time is a whole number of. */
export function durationWords(t: Translate, seconds: number): string {
  const units: [number, MessageKey, MessageKey][] = [
    [86_400, 'admin.settings.duration.day', 'admin.settings.duration.days'],
    [3600, 'admin.settings.duration.hour', 'admin.settings.duration.hours'],
    [60, 'admin.settings.duration.minute', 'admin.settings.duration.minutes'],
  ];
  for (const [size, one, many] of units) {
    if (seconds >= size && seconds % size === 0) return seconds === size ? t(one) : t(many, { count: seconds / size });
  }
  return t('admin.settings.duration.seconds', { count: seconds });
}

/** The hosts of a MongoDB URI, without its credentials, database or options: "db1:27017, db2:27017". */
export function mongoHosts(uri: string): string {
  const authority = uri.replace(/^mongodb(\+srv)?:\/\//, '').split(/[/?]/)[0] ?? '';
  return authority.slice(authority.lastIndexOf('@') + 1).split(',').join(', ');
}

/** host[:port] of a URL, without its user and password; '' when it is not a URL. */
const hostOf = (url: string | undefined) => {
  try {
    return url ? new URL(url).host : '';
  } catch {
    return '';
  }
};

function deliveryWords(t: Translate, config: Pick<Config, 'mail' | 'sms'>, delivery: DeliveryDescription) {
  const fallback = (how: 'outbox' | 'none') => t(how === 'outbox' ? 'admin.settings.server.outbox' : 'admin.settings.server.none');
  const email = delivery.email === 'smtp' ? t('admin.settings.server.smtp', { host: hostOf(config.mail.smtpUrl) }) : fallback(delivery.email);
  const sms =
    delivery.sms === 'webhook'
      ? t('admin.settings.server.webhook', { host: hostOf(config.sms.webhook?.url) })
      : delivery.sms === 'twilio'
        ? t('admin.settings.server.twilio', { host: hostOf(config.sms.twilio?.apiUrl) })
        : fallback(delivery.sms);
  return { email, sms };
}

/** The panels of facts of the settings page, each a title and its facts. */
export function settingsFacts(t: Translate, config: Config, delivery: DeliveryDescription): { title: string; facts: Fact[] }[] {
  const { email, sms } = deliveryWords(t, config, delivery);
  const duration = (seconds: number) => durationWords(t, seconds);
  return [
    {
      title: t('admin.settings.server.title'),
      facts: [
        { label: t('admin.settings.server.issuer'), value: config.issuer, mono: true },
        { label: t('admin.settings.server.mode'), value: t(config.production ? 'admin.settings.server.production' : 'admin.settings.server.development') },
        {
          label: t('admin.settings.server.database'),
          value: config.mongodbUri ? t('admin.settings.server.databaseMongo', { hosts: mongoHosts(config.mongodbUri) }) : t('admin.settings.server.databaseEmbedded', { dir: config.dataDir }),
        },
        { label: t('admin.settings.server.mail'), value: email },
        { label: t('admin.settings.server.sms'), value: sms },
      ],
    },
    {
      title: t('admin.settings.admin.title'),
      facts: [
        { label: t('admin.settings.admin.elevation'), value: duration(config.admin.elevationSeconds) },
        { label: t('admin.settings.admin.idle'), value: duration(config.admin.idleSeconds) },
        { label: t('admin.settings.admin.sensitive'), value: duration(sensitiveStepUpMs / 1000) },
      ],
    },
    {
      title: t('admin.settings.ttl.title'),
      facts: [
        { label: t('admin.settings.ttl.session'), value: duration(config.ttl.session) },
        { label: t('admin.settings.ttl.accessToken'), value: duration(config.ttl.accessToken) },
        { label: t('admin.settings.ttl.refreshToken'), value: duration(config.ttl.refreshToken) },
        { label: t('admin.settings.ttl.elevatedAcr'), value: duration(config.ttl.elevatedAcr) },
        { label: t('admin.settings.ttl.otp'), value: duration(config.ttl.otp) },
        { label: t('admin.settings.ttl.registrationLink'), value: duration(config.ttl.registrationLink) },
      ],
    },
  ];
}
