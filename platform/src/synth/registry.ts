import { REGISTRY } from '../charts/constants.ts';
import { EnvironmentError, environmentFile } from '../environments/load.ts';
import type { Environment } from '../environments/schema.ts';

/**
 * The project's images live under one registry namespace (REGISTRY in platform/src/charts/constants.ts, where a
 * fork renames it): an environment pointing elsewhere would pull images no release workflow pushed.
 */
export function checkRegistry(env: Environment): void {
  const keys: [string, string][] = [
    ['image.repository', env.image.repository],
    ['model.modelcarRepository', env.model.modelcarRepository],
    ['promoter.image.repository', env.promoter.image.repository],
  ];
  const problems = keys
    .filter(([, repository]) => !repository.startsWith(`${REGISTRY}/`))
    .map(
      ([key, repository]) =>
        `${key}: ${repository} is outside ${REGISTRY}/ (set REGISTRY in platform/src/charts/constants.ts when the registry moves)`,
    );
  if (problems.length > 0) throw new EnvironmentError(environmentFile(env.name), problems);
}
