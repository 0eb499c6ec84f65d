import type Router from '@koa/router';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';

/** (being built) */
export function auditPages(_router: Router, _deps: AdminConsoleDependencies): void {}
