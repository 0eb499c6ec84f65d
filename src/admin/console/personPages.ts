import type Router from '@koa/router';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import { personDeletePages } from './personDeletePages.ts';
import { personEditPages } from './personEditPages.ts';
import { personListPage } from './personListPage.ts';
import { personMfaPages } from './personMfaPages.ts';
import { personQuestionsPages } from './personQuestionsPages.ts';
import { personRenamePages } from './personRenamePages.ts';
import { personTemporaryPasswordPages } from './personTemporaryPasswordPages.ts';

/**
 * "Work with Persons" (`/admin/persons`): the list with its subset form, Add person, and
 * the options 1 Work with (with the password, and issuing a temporary one), 3 Rename, 4 Delete, 7 Questions and 9 MFA.
 * Option 8, the TOTP key menu (`/admin/persons/:name/totp`), is totpPages.ts. Add person's
 * `/admin/persons/new` comes before `/admin/persons/:name`.
 */
export function personPages(router: Router, deps: AdminConsoleDependencies): void {
  personListPage(router, deps);
  personEditPages(router, deps);
  personTemporaryPasswordPages(router, deps);
  personRenamePages(router, deps);
  personDeletePages(router, deps);
  personQuestionsPages(router, deps);
  personMfaPages(router, deps);
}
