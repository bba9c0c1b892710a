import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.ts';
import { createClient, Repository } from '../src/github.ts';
import { FakeGitHub } from './support/github/server.ts';

const APP_ID = 4242;
const INSTALLATION = 777;
const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = key.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
let github: FakeGitHub;
let dir: string;

beforeAll(async () => {
  github = await FakeGitHub.start({
    app: { id: APP_ID, installationId: INSTALLATION, publicKey: key.publicKey },
  });
  dir = await mkdtemp(join(tmpdir(), 'github-app-'));
  await writeFile(join(dir, 'private-key.pem'), pem, { mode: 0o600 });
});
afterAll(async () => {
  await github.stop();
  await rm(dir, { recursive: true, force: true });
});

function appEnv(overrides: Record<string, string> = {}) {
  return {
    GITHUB_REPOSITORY: `${github.coordinates.owner}/${github.coordinates.repo}`,
    GITHUB_API_URL: github.url,
    GITHUB_APP_ID: String(APP_ID),
    GITHUB_APP_INSTALLATION_ID: String(INSTALLATION),
    GITHUB_APP_PRIVATE_KEY_FILE: join(dir, 'private-key.pem'),
    ...overrides,
  };
}

function repository(env: Record<string, string>) {
  const config = readConfig(env);
  const client = createClient({ ...config, retryBaseMs: 5, writePacingMs: 0 });
  return new Repository(client, config.owner, config.repo);
}

describe('the promoter as a GitHub App', () => {
  it('mints an installation token from a signed JWT and reuses it until it expires', async () => {
    const repo = repository(appEnv());
    const before = github.mintedTokens;
    expect(await repo.defaultBranch()).toBe('main');
    expect(await repo.defaultBranch()).toBe('main');
    expect(github.mintedTokens - before).toBe(1);
    expect(github.violations).toEqual([]);
  });

  it('is refused by GitHub when the key is not the App key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await writeFile(join(dir, 'other.pem'), other.export({ type: 'pkcs1', format: 'pem' }).toString());
    const repo = repository(appEnv({ GITHUB_APP_PRIVATE_KEY_FILE: join(dir, 'other.pem') }));
    await expect(repo.defaultBranch()).rejects.toMatchObject({ status: 401 });
  });

  it('names the variable and the fix for bad settings', () => {
    expect(() => readConfig(appEnv({ GITHUB_APP_INSTALLATION_ID: 'abc' }))).toThrow(
      'GITHUB_APP_INSTALLATION_ID=abc is not a GitHub App id',
    );
    expect(() => readConfig(appEnv({ GITHUB_APP_PRIVATE_KEY_FILE: join(dir, 'missing.pem') }))).toThrow(
      /GITHUB_APP_PRIVATE_KEY_FILE=.*missing\.pem cannot be read \(ENOENT\)/,
    );
    expect(() =>
      readConfig(appEnv({ GITHUB_APP_PRIVATE_KEY_FILE: '', GITHUB_APP_PRIVATE_KEY: 'not a key' })),
    ).toThrow('GITHUB_APP_PRIVATE_KEY is not a PEM private key');
  });
});
