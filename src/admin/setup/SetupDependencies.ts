import type { Services } from '../../services.ts';
import type { SetupLinks } from './setupLinks.ts';

/** Built at start (app.ts): the issuer, whether the link works from afar, the services the setup uses, and the setup links. */
export type SetupDependencies = {
  issuer: string;
  /** SETUP_LINK_REMOTE: the link also works from an address that is not the loopback. */
  allowRemote: boolean;
  services: Pick<Services, 'persons' | 'classes' | 'totp' | 'totpKeys' | 'emergencyTokens' | 'attempts' | 'factorNotices' | 'secretBox'>;
  setupLinks: SetupLinks;
};
