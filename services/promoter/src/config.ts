import { readFileSync } from 'node:fs';
import { PromoterError, registerSecret } from './errors.ts';
import { type GitHubAppCredentials, readGitHubApp } from './github-app.ts';
import { DEFAULT_TRUST, type Trust } from './provenance.ts';

/** Settings read from the process environment; every failure names the variable and the fix. */
export interface PromoterConfig {
  /** Empty when the promoter acts as a GitHub App. */
  readonly token: string;
  readonly app?: GitHubAppCredentials;
  readonly owner: string;
  readonly repo: string;
  readonly apiUrl: string;
  readonly registry: RegistryConfig;
  /** Pause between write requests (GITHUB_WRITE_PACING_MS, default 1000 as GitHub asks). */
  readonly writePacingMs: number;
  readonly trust: Trust;
}

export interface RegistryConfig {
  /**
   * Base URL of the registry API per registry host, e.g. `{ "ghcr.io": "https://ghcr.io" }`.
   * REGISTRY_URL overrides every host (a mirror, or a local registry in tests).
   */
  readonly urlOverride?: string;
  readonly username?: string;
  readonly password?: string;
  /** Token-service origins trusted besides https on the registry's own host (REGISTRY_TOKEN_ORIGINS). */
  readonly tokenOrigins?: readonly string[];
}

export type Env = Record<string, string | undefined>;

function required(env: Env, name: string, hint: string): string {
  const value = env[name]?.trim();
  if (!value) throw new PromoterError(`${name} is not set`, 'config', hint);
  return value;
}

export function readSecret(env: Env, name: string): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  let value = direct;
  if (!value && file) {
    try {
      value = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new PromoterError(
        `${name}_FILE=${file} cannot be read (${(error as NodeJS.ErrnoException).code})`,
        'config',
        `mount the secret at ${file} or set ${name}`,
      );
    }
  }
  registerSecret(value);
  return value || undefined;
}

function origins(list: string): string[] {
  return list
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => {
      try {
        return new URL(o).origin;
      } catch {
        throw new PromoterError(
          `REGISTRY_TOKEN_ORIGINS: ${o} is not a URL`,
          'config',
          'list origins such as https://auth.docker.io, separated by commas',
        );
      }
    });
}

export function registryConfig(env: Env): RegistryConfig {
  const password = readSecret(env, 'REGISTRY_PASSWORD');
  return {
    ...(env.REGISTRY_URL ? { urlOverride: env.REGISTRY_URL.replace(/\/+$/, '') } : {}),
    ...(env.REGISTRY_USERNAME ? { username: env.REGISTRY_USERNAME } : {}),
    ...(password ? { password } : {}),
    ...(env.REGISTRY_TOKEN_ORIGINS ? { tokenOrigins: origins(env.REGISTRY_TOKEN_ORIGINS) } : {}),
  };
}

function pacing(value: string | undefined): number {
  if (value === undefined || value === '') return 1000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new PromoterError(
      `GITHUB_WRITE_PACING_MS=${value} is not a whole number of milliseconds`,
      'config',
      'use e.g. 1000',
    );
  return n;
}

const list = (value: string | undefined, fallback: readonly string[]) =>
  value?.trim()
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : fallback;

/** PROMOTER_LOGINS (the bot's GitHub logins), MODEL_VERIFY_CHECK and MODEL_VERIFY_APPS. */
export function trustConfig(env: Env): Trust {
  return {
    botLogins: list(env.PROMOTER_LOGINS, DEFAULT_TRUST.botLogins),
    verifyCheck: env.MODEL_VERIFY_CHECK?.trim() || DEFAULT_TRUST.verifyCheck,
    verifyApps: list(env.MODEL_VERIFY_APPS, DEFAULT_TRUST.verifyApps),
  };
}

export function readConfig(env: Env): PromoterConfig {
  const app = readGitHubApp(env);
  const token = app ? '' : readSecret(env, 'GITHUB_TOKEN');
  if (!app && !token)
    throw new PromoterError(
      'GITHUB_TOKEN is not set',
      'config',
      'set GITHUB_TOKEN (or GITHUB_TOKEN_FILE) to a token with contents and pull-requests write access, or GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID and GITHUB_APP_PRIVATE_KEY_FILE',
    );
  const repository = required(
    env,
    'GITHUB_REPOSITORY',
    'set GITHUB_REPOSITORY=owner/name, e.g. titanic-ml/titanic-gitops',
  );
  const [owner, repo, extra] = repository.split('/');
  if (!owner || !repo || extra !== undefined) {
    throw new PromoterError(
      `GITHUB_REPOSITORY=${repository} is not owner/name`,
      'config',
      'use the form titanic-ml/titanic-gitops',
    );
  }
  return {
    token: token ?? '',
    ...(app ? { app } : {}),
    owner,
    repo,
    apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    registry: registryConfig(env),
    writePacingMs: pacing(env.GITHUB_WRITE_PACING_MS),
    trust: trustConfig(env),
  };
}
