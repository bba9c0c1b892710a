import type { Harness } from './harness.ts';

/** The environment the promoter CLI runs with against the harness: its fake GitHub and registry, unpaced. */
export function cliEnv(h: Harness): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    GITHUB_TOKEN: h.github.token,
    GITHUB_REPOSITORY: `${h.github.coordinates.owner}/${h.github.coordinates.repo}`,
    GITHUB_API_URL: h.github.url,
    GITHUB_WRITE_PACING_MS: '0',
    REGISTRY_URL: h.registry.url,
    REGISTRY_USERNAME: h.registry.username,
    REGISTRY_PASSWORD: h.registry.password,
    REGISTRY_TOKEN_ORIGINS: h.registry.tokenOrigin,
  };
}
