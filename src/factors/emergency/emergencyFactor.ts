import { words } from '../../policy/planWords.ts';
import { emergencyTokenRepository } from '../../store/repositories/emergencyTokenRepository.ts';
import { typedText, type Factor } from '../Factor.ts';
import { emergencyMetadata } from './emergencyMetadata.ts';
import { emergencySealedFields } from './emergencySealedFields.ts';

/**
 * Emergency tokens (product.md rule 5): accepted wherever TOTP is asked while the person
 * has some left, never chosen as the challenge, and counted as TOTP — otherwise ten wrong
 * tokens after three wrong codes would be free guesses.
 */
export const emergencyFactor = {
  id: 'Emergency',
  amr: () => [...emergencyMetadata.amr],
  displayName: 'factor.Emergency',
  partial: 'emergency',
  autoSelectable: false,
  enrollableDuringSignIn: false,
  channels: [],
  useInsteadLabel: 'challenge.useEmergency',
  acceptedWith: { factor: 'TOTP', available: (person) => person.emergencyTokensLeft > 0 },
  countsAs: 'TOTP',
  configuredFor: (person) => (person.emergencyTokensLeft > 0 ? { usable: true } : { usable: false, reason: 'no-active-key', why: words('why.emergency.noneLeft') }),
  challenge: async () => ({}),
  present: async (ctx) => ({ tokensLeft: await ctx.services.emergencyTokens.countLeft(ctx.person._id) }),
  verify: (ctx, _state, input) => ctx.services.emergencyTokens.consume(ctx.person._id, typedText(input, 'token')),
  /** The tokens are documents of their own (sealed), not to be left behind. */
  forgetPerson: (connection, personId) => emergencyTokenRepository(connection).deleteOf(personId),
  sealedFields: emergencySealedFields,
} satisfies Factor;
