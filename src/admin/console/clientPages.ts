import type Router from '@koa/router';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';

/** (being built) */
export function clientPages(_router: Router, _deps: AdminConsoleDependencies): void {}
