import { createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Config } from '../../configuration/loadConfig.ts';
import type { Delivery, DeliveryChannel } from '../../delivery/Delivery.ts';
import { channelNotConfigured } from '../../delivery/DeliveryError.ts';
import { maskDestination } from '../../delivery/maskDestination.ts';
import { addressKey } from '../../directory/verifiedAddresses.ts';
import { InvalidInputError } from '../../errors/GatehouseError.ts';
import { resolveMasterKey } from '../../security/resolveMasterKey.ts';
import { oneTimeCodeRepository, type StoredOneTimeCode } from '../../store/repositories/oneTimeCodeRepository.ts';
import type { RetryReason, Verdict } from '../Verdict.ts';
import { ResendTooSoonError } from './ResendTooSoonError.ts';

export type SendCodeRequest = {
  personId: string;
  interactionUid: string;
  channel: DeliveryChannel;
  /** The email address or cell phone number, in full. */
  destination: string;
  /** The message around the code, in the person's language (see codeMessage.ts). */
  message: (code: string) => { subject?: string; text: string };
  /** The time of the request (a Date or epoch milliseconds); the clock by default. */
  now?: Date | number;
};

export type SentCode = { sentTo: string; resendAfter: Date; expiresAt: Date };

export type LastSentCode = { channel: DeliveryChannel; sentTo: string; sentAt: Date; expiresAt: Date; resendAfter: Date };

/** Records are kept this long after sending, well past any interaction (one hour), so that n only grows. */
const keepRecordsMs = 24 * 60 * 60 * 1000;
const sweepEveryMs = 60 * 1000;
const isDuplicate = (error: unknown) => (error as { code?: number }).code === 11000;
const retry = (reason: RetryReason): Verdict => ({ outcome: 'retry', reason });
const toDate = (time: Date | number | undefined) => (time === undefined ? new Date() : new Date(time));

/**
 * One-time codes by email and SMS for a sign-in interaction (product.md: device C and E).
 *
 * Once-only rests on the two operations that are atomic on MongoDB and on the embedded
 * database alike: inserting a unique _id, and deleteOne. Sending inserts the record
 * `<uid>:<n+1>` (a concurrent send gets the duplicate and a 429) and its "unused" mark;
 * the record with the highest n is the code in force, so a new code replaces the old one
 * without any update. Verifying deletes the mark: only the caller told deletedCount 1 wins.
 * A wrong code changes nothing; retry limits are kept around verify, by the attempts.
 */
export function createOneTimeCodes({ connection, delivery, config, logger }: {
  connection: Connection;
  delivery: Delivery;
  config: Pick<Config, 'ttl' | 'otpResendAfterSeconds' | 'masterKey' | 'dataDir' | 'production'>;
  logger: Logger;
}) {
  const codes = oneTimeCodeRepository(connection);
  // A pepper from the master key: six digits under a salt alone are guessed in a second by
  // whoever reads the database; under a key the database does not hold, they are not.
  const masterKey = Buffer.from(resolveMasterKey(config, logger), 'base64');
  const hashKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'gatehouse one-time code', 32));
  // Records name their interaction by a keyed hash of its uid, as the interaction itself is stored.
  const interactionKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'gatehouse one-time code interaction', 32));
  const storedUidOf = (interactionUid: string) => createHmac('sha256', interactionKey).update(interactionUid).digest('base64url');
  const ttlMs = config.ttl.otp * 1000;
  const resendAfterMs = config.otpResendAfterSeconds * 1000;
  let lastSweep = 0;

  function hashOf(record: Pick<StoredOneTimeCode, '_id' | 'personId' | 'salt'>, code: string): Buffer {
    return createHmac('sha256', hashKey).update(`${record.salt}\n${record._id}\n${record.personId}\n${code}`).digest();
  }

  function destinationHashOf(record: Pick<StoredOneTimeCode, '_id' | 'channel'>, destination: string): string {
    return createHmac('sha256', hashKey).update(`destination\n${record._id}\n${addressKey(record.channel, destination)}`).digest('base64url');
  }

  function codeInForce(interactionUid: string) {
    return codes.inForce(storedUidOf(interactionUid));
  }

  /** Expiry is enforced on every read; this only keeps the collections small (no TTL index on the embedded database). */
  async function sweepNowAndThen(): Promise<void> {
    const now = Date.now();
    if (now - lastSweep < sweepEveryMs) return;
    lastSweep = now;
    try {
      // Marks first: a record outlives its mark, so n never restarts under a mark left behind.
      await codes.deleteMarksExpiredBefore(new Date(now));
      await codes.deleteRecordsKeptUntilBefore(new Date(now));
    } catch (error) {
      logger.warn({ err: error }, 'sweeping expired one-time codes failed');
    }
  }

  return {
    /**
     * Sends a new code for the interaction, replacing the one before. Throws a
     * ResendTooSoonError (429) within OTP_RESEND_AFTER seconds of the last one, and the
     * delivery's error when it cannot be sent (the code is then withdrawn; the wait still applies).
     */
    async send({ personId, interactionUid, channel, destination, message, now: time }: SendCodeRequest): Promise<SentCode> {
      const now = toDate(time);
      if (!personId || !interactionUid) throw new InvalidInputError('A code is sent for a person and a sign-in.');
      if (channel !== 'email' && channel !== 'sms') throw new InvalidInputError('A code is sent by email or by SMS.');
      if (!destination.trim()) throw new InvalidInputError(channel === 'email' ? 'There is no email address to send the code to.' : 'There is no cell phone number to send the code to.');
      if (delivery.describe()[channel] === 'none') throw channelNotConfigured(channel);
      await sweepNowAndThen();

      const previous = await codeInForce(interactionUid);
      if (previous) {
        const allowedAt = new Date(previous.sentAt.getTime() + resendAfterMs);
        if (allowedAt > now) throw new ResendTooSoonError(allowedAt, now);
      }
      const n = (previous?.n ?? 0) + 1;
      const storedUid = storedUidOf(interactionUid);
      const _id = `${storedUid}:${n}`;
      const salt = randomBytes(16).toString('base64url');
      const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
      const content = message(code);
      const record: StoredOneTimeCode = {
        _id,
        interactionUid: storedUid,
        n,
        personId,
        channel,
        sentTo: maskDestination(channel, destination),
        destinationHash: destinationHashOf({ _id, channel }, destination),
        salt,
        hash: hashOf({ _id, personId, salt }, code).toString('base64url'),
        sentAt: now,
        expiresAt: new Date(now.getTime() + ttlMs),
        keepUntil: new Date(now.getTime() + keepRecordsMs),
      };
      try {
        await codes.insert(record);
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        // Another send for this interaction claimed n first.
        const winner = await codes.byId(record._id);
        throw new ResendTooSoonError(new Date((winner?.sentAt ?? now).getTime() + resendAfterMs), now);
      }
      await codes.insertUnusedMark({ _id: record._id, interactionUid: storedUid, n, salt, expiresAt: record.expiresAt });
      // The codes before are out of force already (verify reads the highest n); drop their marks.
      await codes.deleteUnusedMarksBefore(storedUid, n).catch((error: unknown) => logger.warn({ err: error }, 'dropping replaced one-time codes failed'));

      try {
        if (channel === 'email') await delivery.sendEmail({ to: destination, subject: content.subject ?? 'Your Gatehouse sign-in code', text: content.text });
        else await delivery.sendSms({ to: destination, text: content.text });
      } catch (error) {
        // Nobody received it: it must not work. The record stays, so n only grows.
        await codes.deleteUnusedMark(record._id, salt).catch(() => undefined);
        throw error;
      }
      logger.info({ interactionUid, channel, sentTo: record.sentTo, n }, 'one-time code sent');
      return { sentTo: record.sentTo, resendAfter: new Date(now.getTime() + resendAfterMs), expiresAt: record.expiresAt };
    },

    /**
     * Checks a typed code against the code in force for the interaction and person, and
     * accepts it once. Spaces in the typed code are ignored.
     */
    async verify({ personId, interactionUid, code, now: time }: { personId: string; interactionUid: string; code: string; now?: Date | number }): Promise<Verdict> {
      const now = toDate(time);
      const typed = code.replace(/\s+/g, '');
      if (!/^\d{6}$/.test(typed)) return { outcome: 'malformed' };
      const record = await codeInForce(interactionUid);
      if (!record || record.personId !== personId) return retry('no-code-sent');
      if (now >= record.expiresAt) return retry('expired');
      if (!timingSafeEqual(hashOf(record, typed), Buffer.from(record.hash, 'base64url'))) return retry('wrong-code');
      const deletedCount = await codes.deleteUnusedMark(record._id, record.salt);
      if (deletedCount !== 1) return retry('reused');
      logger.info({ interactionUid, channel: record.channel, n: record.n }, 'one-time code accepted');
      return { outcome: 'success', amr: record.channel === 'sms' ? ['sms', 'otp'] : ['otp'] };
    },

    /**
     * Whether the interaction's code in force — the one just accepted — was sent to
     * `destination`: a used code proves that address (email_verified, phone_number_verified).
     */
    async wasSentTo({ personId, interactionUid, destination }: { personId: string; interactionUid: string; destination: string }): Promise<boolean> {
      const record = await codeInForce(interactionUid);
      if (!record || record.personId !== personId || !record.destinationHash) return false;
      return timingSafeEqual(Buffer.from(destinationHashOf(record, destination)), Buffer.from(record.destinationHash));
    },

    /**
     * The last code sent for the interaction to this person, if any (expired or used ones
     * included): what the challenge page shows ("sent to p***@…, a new one in 20 s") instead
     * of sending again when it is reloaded.
     */
    async lastSent({ personId, interactionUid }: { personId: string; interactionUid: string }): Promise<LastSentCode | undefined> {
      const record = await codeInForce(interactionUid);
      if (!record || record.personId !== personId) return undefined;
      return {
        channel: record.channel,
        sentTo: record.sentTo,
        sentAt: record.sentAt,
        expiresAt: record.expiresAt,
        resendAfter: new Date(record.sentAt.getTime() + resendAfterMs),
      };
    },
  };
}

export type OneTimeCodes = ReturnType<typeof createOneTimeCodes>;
