import type { ClassPolicy } from '../../policy/types.ts';

/** The class's retry limits (none without a class), as at sign-in: the same wherever a code is typed. */
export const retryRuleOf = (policy: ClassPolicy | undefined) => ({ maxRetries: policy?.maxRetries ?? 0, waitSeconds: policy?.waitSeconds ?? 60 });
