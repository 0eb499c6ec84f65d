import type { Logger } from 'pino';
import type { FirstPartySession } from '../http/firstPartySession.ts';
import type { Services } from '../services.ts';

/** What the account page's routes are built from: its browser sign-in and the services it shows and changes, all built at start. */
export type AccountDependencies = {
  issuer: string;
  session: FirstPartySession;
  services: Pick<Services, 'persons' | 'questions' | 'totpSelfService' | 'factorNotices' | 'webauthn'>;
  logger: Logger;
};
