import type { Connection } from 'mongoose';
import { withRingLock } from '../oidc/keyring.ts';
import { factors } from '../factors/index.ts';
import { clientRepository } from '../store/repositories/clientRepository.ts';
import { keyringRepository, type Keyring } from '../store/repositories/keyringRepository.ts';
import type { Actor, AuditLog } from './createAuditLog.ts';
import type { SealedField, SealedKind } from './SealedField.ts';
import type { SecretBox } from './secretBox.ts';

export type { SealedKind };

export type SealedKindCount = {
  kind: SealedKind;
  /** Opened with a former key and written back sealed under the current one. */
  resealed: number;
  alreadyCurrent: number;
  /** Could not be opened (a key that is not configured, or damaged); left as it was. */
  failed: number;
  /** Changed or removed by someone else between the read and the write; not written. */
  changedMeanwhile: number;
};

/** Where a value that could not be opened lies — never the value. */
export type UnopenedValue = { kind: SealedKind; collection: string; id: string; field: string; keyId: string | undefined; reason: string };

export type MasterKeyRotation = {
  /** The id of the current master key, which every value is now sealed under. */
  keyId: string;
  counts: SealedKindCount[];
  failures: UnopenedValue[];
  /**
   * Values still sealed under another key when the run ended (the failed ones, and any
   * written under a former key meanwhile): the former keys may go only when this is 0.
   */
  remaining: number;
};


// The contexts are those of the code that seals each value: the factors' own
// (factors/*/…SealedFields.ts), clientDirectory.ts and keyring.ts. A value opened under the
// wrong context does not open, so a drift here shows as failures, never as damage.

const keyringFieldOf = (kid: string) => `keys[kid=${kid}].sealed`;

function keyringField(kind: SealedKind, ring: Keyring['_id']): SealedField {
  return {
    kind,
    collection: (connection) => keyringRepository(connection).collectionName,
    async *values(connection) {
      const doc = await keyringRepository(connection).byId(ring);
      for (const key of doc?.keys ?? []) yield { id: ring, field: keyringFieldOf(key.kid), sealed: key.sealed, context: `keyring:${ring}:${key.kid}` };
    },
    // The keyring is written whole under its lock (see rotateSigningKey): a keys rotate at the same moment neither loses its key nor undoes this.
    replace: (connection, value, resealed) =>
      withRingLock(connection, ring, async () => {
        const keyrings = keyringRepository(connection);
        const keys = (await keyrings.byId(ring))?.keys ?? [];
        const index = keys.findIndex((key) => keyringFieldOf(key.kid) === value.field && key.sealed === value.sealed);
        if (index === -1) return false;
        await keyrings.replaceKeys(ring, keys.map((key, at) => (at === index ? { ...key, sealed: resealed } : key)));
        return true;
      }),
  };
}

/**
 * The embedded database has no transactions and does not make a conditional update
 * atomic; the filter on the old sealed value is still what keeps a value written meanwhile
 * (a new key, a new secret) from being replaced by the re-sealed old one in all but a
 * narrow race, and the closing count (`remaining`) catches what such a race leaves behind.
 */
const sealedFields: SealedField[] = [
  // What the factors seal (TOTP keys, emergency tokens), in the list's order.
  ...factors.flatMap((factor) => factor.sealedFields ?? []),
  {
    kind: 'client-secret',
    collection: (connection) => clientRepository(connection).collectionName,
    async *values(connection) {
      for await (const client of clientRepository(connection).sealedSecrets()) {
        if (client.sealedSecret) yield { id: client._id, field: 'sealedSecret', sealed: client.sealedSecret, context: `client-secret:${client._id}` };
      }
    },
    replace: (connection, value, resealed) => clientRepository(connection).replaceSealedSecret(value.id, value.sealed, resealed),
  },
  keyringField('signing-key', 'signing'),
  keyringField('cookie-key', 'cookies'),
];

/** The master key id a sealed value names (`v1.<key id>.…`); not secret, it is in every value. */
const keyIdOf = (sealed: string): string | undefined => (sealed.startsWith('v1.') ? sealed.split('.')[1] : undefined);

/** The values of every kind still sealed under a key other than `keyId`. */
async function countRemaining(connection: Connection, keyId: string): Promise<number> {
  let remaining = 0;
  for (const field of sealedFields) {
    for await (const value of field.values(connection)) if (keyIdOf(value.sealed) !== keyId) remaining++;
  }
  return remaining;
}

/**
 * Re-seals every sealed value of the database that is not under the current master key:
 * opened with `box` (the current key and the former ones, MASTER_KEYS_PREVIOUS), sealed
 * again under the current key with the same context, and written back only where the old
 * value still is. A value that does not open is left as it is and named in `failures`
 * (where it lies, never what it holds). A second run finds everything current. Audited
 * with the counts only.
 */
export async function rotateMasterKey(deps: { connection: Connection; box: SecretBox; audit: AuditLog; actor: Actor }): Promise<MasterKeyRotation> {
  const { connection, box, audit, actor } = deps;
  const counts: SealedKindCount[] = [];
  const failures: UnopenedValue[] = [];
  for (const field of sealedFields) {
    const count: SealedKindCount = { kind: field.kind, resealed: 0, alreadyCurrent: 0, failed: 0, changedMeanwhile: 0 };
    counts.push(count);
    for await (const value of field.values(connection)) {
      const keyId = keyIdOf(value.sealed);
      if (keyId === box.keyId) {
        count.alreadyCurrent++;
        continue;
      }
      let resealed: string;
      try {
        resealed = box.seal(box.open(value.sealed, value.context), value.context);
      } catch (error) {
        count.failed++;
        // The box's messages name at most a key id, never a key or a value.
        failures.push({ kind: field.kind, collection: field.collection(connection), id: value.id, field: value.field, keyId, reason: (error as Error).message });
        continue;
      }
      if (await field.replace(connection, value, resealed)) count.resealed++;
      else count.changedMeanwhile++;
    }
  }
  const remaining = await countRemaining(connection, box.keyId);
  const total = (key: Exclude<keyof SealedKindCount, 'kind'>) => counts.reduce((sum, count) => sum + count[key], 0);
  await audit.record({
    actor,
    action: 'rotate-master-key',
    entity: 'keys',
    entityId: 'master',
    after: {
      key_id: box.keyId,
      resealed: total('resealed'),
      already_current: total('alreadyCurrent'),
      failed: total('failed'),
      changed_meanwhile: total('changedMeanwhile'),
      remaining,
      kinds: counts,
    },
  });
  return { keyId: box.keyId, counts, failures, remaining };
}
