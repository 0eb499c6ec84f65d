import type Router from '@koa/router';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';

/** (being built) */
export function ipGroupPages(_router: Router, _deps: AdminConsoleDependencies): void {}
