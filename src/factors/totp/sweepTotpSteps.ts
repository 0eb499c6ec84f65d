import type { Connection } from 'mongoose';
import { totpStepRepository } from '../../store/repositories/totpStepRepository.ts';
import { totpPeriodRange } from './totpKeyInput.ts';

/**
 * A claimed step matters only while a code of it could still be typed: a window of one
 * step of drift each way, at most 300 s a step. Well after that the person's `lastStep`
 * refuses it anyway, so older claims are only rows to delete. Kept for an hour.
 */
export const keepClaimsMs = Math.max(60 * 60 * 1000, 4 * totpPeriodRange.max * 1000);

/** Deletes the step claims no code can match any more (the sweeper's, never the sign-in's); returns how many went. */
export async function sweepTotpSteps(connection: Connection, now = Date.now()): Promise<number> {
  return totpStepRepository(connection).deleteClaimedBefore(new Date(now - keepClaimsMs));
}
