import { createPrivateKey } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { type Env, readSecret } from './config.ts';
import { PromoterError } from './errors.ts';

/** A GitHub App installation the promoter acts as (GITHUB_APP_ID, _INSTALLATION_ID, _PRIVATE_KEY[_FILE]). */
export interface GitHubAppCredentials {
  readonly appId: number;
  readonly installationId: number;
  readonly privateKey: string;
}

function id(env: Env, name: string): number {
  const value = env[name]?.trim() ?? '';
  const n = Number(value);
  if (!/^\d+$/.test(value) || n <= 0)
    throw new PromoterError(
      `${name}=${value || '(unset)'} is not a GitHub App id`,
      'config',
      `set ${name} to the number shown on the GitHub App's settings page`,
    );
  return n;
}

/** The App credentials when GITHUB_APP_ID is set; undefined means "use GITHUB_TOKEN". */
export function readGitHubApp(env: Env): GitHubAppCredentials | undefined {
  if (!env.GITHUB_APP_ID) return undefined;
  const appId = id(env, 'GITHUB_APP_ID');
  const installationId = id(env, 'GITHUB_APP_INSTALLATION_ID');
  const privateKey = readSecret(env, 'GITHUB_APP_PRIVATE_KEY');
  if (!privateKey)
    throw new PromoterError(
      'GITHUB_APP_PRIVATE_KEY is not set',
      'config',
      'mount the App private key (.pem) and set GITHUB_APP_PRIVATE_KEY_FILE to its path',
    );
  try {
    createPrivateKey(privateKey);
  } catch {
    throw new PromoterError(
      'GITHUB_APP_PRIVATE_KEY is not a PEM private key',
      'config',
      "use the .pem file downloaded from the GitHub App's settings page, unchanged",
    );
  }
  return { appId, installationId, privateKey };
}

/**
 * Octokit options that authenticate as the App installation: @octokit/auth-app signs a short JWT
 * with the private key, exchanges it for an installation token, caches it and mints a new one
 * before the hourly expiry, so a long-running `serve` never holds a dead token.
 */
export function appAuthOptions(app: GitHubAppCredentials) {
  return {
    authStrategy: createAppAuth,
    auth: { appId: app.appId, privateKey: app.privateKey, installationId: app.installationId },
  };
}
