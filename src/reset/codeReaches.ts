import { otpChannelFor } from '../factors/otp/otpChannelFor.ts';
import type { LoadedReset } from './loadReset.ts';

/** Whether the class's verification code can reach this person (a cell phone; an email inside the class's domain). */
export function codeReaches(loaded: Pick<LoadedReset, 'person' | 'policy' | 'reset'>, channel: 'sms' | 'email'): boolean {
  if (!loaded.policy) return false;
  const reach = otpChannelFor({ ...loaded.policy, mfaDevice: channel === 'sms' ? 'C' : 'E' }, loaded.person);
  return reach.deliverable;
}
