import { IMAGE_REGISTRY } from '../charts/constants.ts';
import { EnvironmentError, environmentFile } from '../environments/load.ts';
import type { Environment } from '../environments/schema.ts';

/**
 * The project's images live under one registry namespace (IMAGE_REGISTRY in platform/src/charts/constants.ts, where a
 * fork renames it): an environment pointing elsewhere would pull images no release workflow pushed.
 */
export function checkImageRegistry(env: Environment): void {
  const keys: [string, string][] = [
    ['image.repository', env.image.repository],
    ['model.modelcarRepository', env.model.modelcarRepository],
    ['promoter.image.repository', env.promoter.image.repository],
  ];
  const problems = keys
    .filter(([, repository]) => !repository.startsWith(`${IMAGE_REGISTRY}/`))
    .map(
      ([key, repository]) =>
        `${key}: ${repository} is outside ${IMAGE_REGISTRY}/ (set IMAGE_REGISTRY in platform/src/charts/constants.ts when the registry moves)`,
    );
  if (problems.length > 0) throw new EnvironmentError(environmentFile(env.name), problems);
}
