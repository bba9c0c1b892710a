import { appRoutes } from './app-routes.ts';
import { checkRoutes } from './checks.ts';
import { gitRoutes } from './git-routes.ts';
import type { Handler, Reply, Request } from './http.ts';
import type { ServedOperation } from './openapi.ts';
import { pullRoutes } from './pull-routes.ts';
import { statusRoutes } from './statuses.ts';

export type { Handler, Reply, Request };

/** Every operation the fake serves, each checked against GitHub's OpenAPI description. */
export const routes: ReadonlyArray<[ServedOperation, Handler]> = [
  ...gitRoutes,
  ...pullRoutes,
  ...checkRoutes,
  ...statusRoutes,
  ...appRoutes,
];
