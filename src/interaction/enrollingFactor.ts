import { factorOf } from '../factors/index.ts';
import { enrolsAtSignIn } from '../factors/Factor.ts';
import { InteractionExpiredError } from './InteractionExpiredError.ts';
import type { Resumed } from './loadSignIn.ts';

/** The factor being set up: the one the progress names (in records from before it named one, the plan's), or an expired page. */
export function enrollingFactor(resumed: Pick<Resumed, 'progress' | 'plan'>) {
  const factor = factorOf(resumed.progress.enrolment?.factor ?? resumed.plan.enrolment?.factor ?? '');
  if (!factor || !enrolsAtSignIn(factor)) throw new InteractionExpiredError();
  return factor;
}
