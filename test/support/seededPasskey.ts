import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import type { Connection } from 'mongoose';
import { webauthnRepository } from '../../src/store/repositories/webauthnRepository.ts';
import type { VirtualCredential } from './virtualAuthenticator.ts';

/**
 * A discoverable passkey made here instead of by a registration ceremony: a P-256 key pair,
 * the public half stored for the person as a registration would (COSE key, counter 0), the
 * private half as the credential Chromium's virtual authenticator is given. The account
 * page's ceremony itself is tested in webauthn.test.ts.
 */
export async function seedPasskey(connection: Connection, personId: string, rpId: string, name = 'Phone'): Promise<VirtualCredential> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  // COSE_Key (RFC 9053): kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y.
  const cose = new Map<number, number | Uint8Array>([
    [1, 2],
    [3, -7],
    [-1, 1],
    [-2, isoBase64URL.toBuffer(jwk.x!)],
    [-3, isoBase64URL.toBuffer(jwk.y!)],
  ]);
  const id = randomBytes(16);
  await webauthnRepository(connection).add({
    _id: isoBase64URL.fromBuffer(id),
    personId,
    publicKey: isoBase64URL.fromBuffer(isoCBOR.encode(cose as never)),
    counter: 0,
    transports: ['internal'],
    aaguid: '00000000-0000-0000-0000-000000000000',
    name,
    deviceType: 'multiDevice',
    backedUp: true,
    createdAt: new Date(),
  });
  return {
    credentialId: id.toString('base64'),
    isResidentCredential: true,
    rpId,
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    userHandle: Buffer.from(personId).toString('base64'),
    signCount: 0,
  };
}
