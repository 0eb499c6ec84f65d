import QRCode from 'qrcode';
import type { OpenedTotpKey } from './createTotpFactor.ts';
import { groupKey, otpauthUri, qrCodeOptions } from './otpauthUri.ts';

/** What a page needs to let a person add a key to an authenticator app (views/partials/totpSetup.ejs). */
export type TotpSetupView = { account: string; keyGroups: string[]; digits: 6 | 8; qrPng: string };

/**
 * The key as a QR code (PNG, base64) and in groups of four for typing. The same for the
 * registration page, the account page and enrolment during sign-in.
 */
export async function totpSetupView({ issuer, account, key }: { issuer: string; account: string; key: Pick<OpenedTotpKey, 'secret' | 'algorithm' | 'digits' | 'period'> }): Promise<TotpSetupView> {
  const uri = otpauthUri({ issuer, account, secret: key.secret, algorithm: key.algorithm, digits: key.digits, period: key.period });
  const qrPng = (await QRCode.toBuffer(uri, { ...qrCodeOptions, type: 'png', scale: 6 })).toString('base64');
  return { account, keyGroups: groupKey(key.secret).split(' '), digits: key.digits, qrPng };
}
