import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
import { registerSecret } from './errors.ts';
import { appAuthOptions, type GitHubAppCredentials } from './github-app.ts';

export interface GitHubOptions {
  /** A personal or Actions token; ignored when `app` is given. */
  readonly token: string;
  /** Act as a GitHub App installation (tokens minted and renewed by the client). */
  readonly app?: GitHubAppCredentials;
  readonly owner: string;
  readonly repo: string;
  readonly apiUrl: string;
  /** Base delay of retries in ms (GitHub etiquette: 1000). */
  readonly retryBaseMs?: number;
  /** Pause between write requests in ms (GitHub asks for 1000; tests use 0). */
  readonly writePacingMs?: number;
  readonly log?: (line: string) => void;
}

const PromoterOctokit = Octokit.plugin(retry, throttling);
export type Client = InstanceType<typeof PromoterOctokit>;

/** Octokit with retries and GitHub's rate-limit etiquette; the token is registered for redaction. */
export function createClient(options: GitHubOptions): Client {
  registerSecret(options.token);
  const log = options.log ?? (() => {});
  const pacing = options.writePacingMs ?? 1000;
  return new PromoterOctokit({
    ...(options.app ? appAuthOptions(options.app) : { auth: options.token }),
    baseUrl: options.apiUrl,
    userAgent: 'titanic-promoter',
    log: { debug: () => {}, info: () => {}, warn: (m: string) => log(m), error: (m: string) => log(m) },
    retry: { retryAfterBaseValue: options.retryBaseMs ?? 1000 },
    throttle: {
      retryAfterBaseValue: options.retryBaseMs ?? 1000,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: pacing }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: pacing * 3 }),
      onRateLimit: (after: number, options: { method: string; url: string }, _o: unknown, count: number) => {
        log(`rate limited on ${options.method} ${options.url}; retry ${count + 1} in ${after}s`);
        return count < 2;
      },
      onSecondaryRateLimit: (
        after: number,
        options: { method: string; url: string },
        _o: unknown,
        count: number,
      ) => {
        log(`secondary rate limit on ${options.method} ${options.url}; retry ${count + 1} in ${after}s`);
        return count < 2;
      },
    },
  });
}
