import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { loadEnvironment } from '@titanic/platform/environments/load.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import type { PromoterContext } from '@titanic/promoter/context.ts';
import { rollback } from '@titanic/promoter/rollback.ts';
import { type ArgoCdConfig, syncMergedRollback } from '@titanic/promoter/rollback-sync.ts';
import { WorkingCopy } from '@titanic/promoter/test/support/fixture-repo.ts';
import { FakeGitHub } from '@titanic/promoter/test/support/github/server.ts';
import { testContext } from '@titanic/promoter/test/support/harness.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../observability/e2e/processes.ts';
import { FakeArgoCd } from './support/fake-argocd.ts';
import { freePort } from './support/ports.ts';
import { readPromoterDeployment, startPromoterFromManifest } from './support/promoter-deployment.ts';
import { seedFromProject } from './support/seed.ts';

const ROLE_TOKEN = `argocd-role-${Math.random().toString(36).slice(2)}`;
const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();

let prod: Environment;
let github: FakeGitHub;
let clone: WorkingCopy;
let ctx: PromoterContext;
let work: string;
const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

beforeAll(async () => {
  prod = await loadEnvironment('prod');
  work = await mkdtemp(join(tmpdir(), 'rollback-sync-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));
  github = await FakeGitHub.start({
    app: {
      id: prod.promoter.githubApp.appId,
      installationId: prod.promoter.githubApp.installationId,
      publicKey: createPublicKey(appKey),
    },
  });
  cleanups.push(() => github.stop());
  await seedFromProject(github.repoDir);
  clone = await WorkingCopy.clone(github.repoDir);
  cleanups.push(() => clone.dispose());
  ({ ctx } = testContext(github, undefined, { log: () => {}, now: () => new Date() }));
});

/**
 * A promotion of prod as the promoter makes it: a commit with rendered manifests and trailers on the
 * bot's `promote/prod/…` branch, brought to main by merging the bot's pull request. Returns main.
 */
async function promoteProd(marker: string): Promise<string> {
  await clone.pull();
  for (const file of ['environments/prod.yaml', 'dist/prod/inference.yaml'])
    await clone.write(file, `${await clone.read(file)}# ${marker}\n`);
  await clone.commitAll(
    `promote(prod): titanic ${marker}, image 0.1.0\n\nPromote-Env: prod\nPromote-Model: ${prod.model.version}\nPromote-Image: 0.1.0\n`,
  );
  const branch = `promote/prod/${prod.model.version}-0.1.0`;
  await clone.run(['push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`]);
  const { owner, repo } = github.coordinates;
  const { data: pull } = await ctx.repo.client.rest.pulls.create({
    owner,
    repo,
    head: branch,
    base: 'main',
    title: `promote(prod): ${marker}`,
  });
  const { data } = await ctx.repo.client.rest.pulls.merge({
    owner,
    repo,
    pull_number: pull.number,
    merge_method: 'merge',
  });
  return data.sha;
}

/** titanic-prod as Argo CD reports it: `deployed` running, `target` waiting (OutOfSync). */
function application(deployed: string, target: string): Application {
  return new Application({
    metadata: { name: 'titanic-prod', namespace: 'argocd' },
    spec: {
      project: 'titanic',
      source: {
        repoURL: 'https://github.com/titanic-ml/titanic-gitops.git',
        path: 'dist/prod',
        targetRevision: 'main',
      },
      destination: { server: 'https://kubernetes.default.svc', namespace: prod.namespace },
    },
    status: {
      sync: { status: deployed === target ? 'Synced' : 'OutOfSync', revision: target },
      operationState: {
        phase: 'Succeeded',
        startedAt: '2026-12-01T10:00:00Z',
        operation: { sync: { revision: deployed } },
        syncResult: { revision: deployed },
      },
    },
  });
}

async function mergedRollback(): Promise<string> {
  const r = await rollback(ctx, { env: 'prod', reason: 'drift at 03:00', hold: false, by: 'on-call' });
  const { data } = await ctx.repo.client.rest.pulls.merge({
    owner: github.coordinates.owner,
    repo: github.coordinates.repo,
    pull_number: r.pull.number,
    merge_method: 'merge',
  });
  return data.sha;
}

describe('a merged rollback reaches prod outside the sync window', () => {
  it('the promoter from dist/prod/promoter.yaml asks Argo CD to sync the rollback revision', async () => {
    expect(prod.argocd.syncWindow?.manualSync, 'prod must allow manual syncs outside its window').toBe(true);
    const promoted = await promoteProd('2026.12.01-1');
    const merged = await mergedRollback();
    const argocd = await FakeArgoCd.start(
      { token: ROLE_TOKEN, allowed: ['titanic-prod'], window: { open: false, manualSync: true } },
      [application(promoted, merged)],
    );
    cleanups.push(() => argocd.stop());
    const plan = await readPromoterDeployment(process.cwd(), 'prod');
    const promoter = await startPromoterFromManifest(plan, {
      root: join(work, 'pod'),
      secrets: {
        'promoter-github-app/private-key.pem': appKey,
        'promoter-webhook-token/token': 'w'.repeat(32),
        'promoter-argocd-token/token': ROLE_TOKEN,
      },
      overrides: {
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        GITHUB_API_URL: github.url,
        GITHUB_WRITE_PACING_MS: '0',
        ARGOCD_SERVER: argocd.url,
        ARGOCD_SYNC_CHECK_MS: '200',
      },
    });
    cleanups.push(() => promoter.stop());
    const sync = await waitFor('the promoter to sync titanic-prod', async () => argocd.syncs[0], 15_000);
    expect(sync).toMatchObject({ name: 'titanic-prod', revision: merged, body: { prune: true } });
    expect(argocd.refreshes.length).toBeGreaterThan(0);
    expect(argocd.violations).toEqual([]);
    expect(github.mintedTokens).toBeGreaterThanOrEqual(1);
    expect(promoter.output()).not.toContain(ROLE_TOKEN);
  });

  it('leaves anything that is not a rollback of prod for the window, and needs the role of that one app', async () => {
    const before = await promoteProd('2026.12.01-2');
    const merged = await mergedRollback();
    const next = await promoteProd('2026.12.01-3');
    const argocd = await FakeArgoCd.start(
      { token: ROLE_TOKEN, allowed: ['titanic-prod'], window: { open: false, manualSync: true } },
      [application(before, next)],
    );
    cleanups.push(() => argocd.stop());
    const argo: ArgoCdConfig = {
      server: argocd.url,
      application: 'titanic-prod',
      env: 'prod',
      token: ROLE_TOKEN,
    };
    // A promotion on top of the rollback waits for the window.
    expect(await syncMergedRollback(ctx, argo)).toMatchObject({
      action: 'waiting-for-window',
      revision: next,
    });
    // Synced: nothing to do.
    argocd.apps.set('titanic-prod', application(merged, merged));
    expect(await syncMergedRollback(ctx, argo)).toEqual({ action: 'in-sync' });
    expect(argocd.syncs).toEqual([]);
    // The role's token cannot touch another Application.
    await expect(syncMergedRollback(ctx, { ...argo, application: 'titanic-staging' })).rejects.toThrow(
      /403: permission denied.*hint|403: permission denied/,
    );
    // With manualSync false the window would block the rollback: Argo CD refuses, the promoter says so.
    argocd.apps.set('titanic-prod', application(before, merged));
    argocd.options.window = { open: false, manualSync: false };
    await expect(syncMergedRollback(ctx, argo)).rejects.toThrow('blocked by sync window');
    expect(argocd.violations).toEqual([]);
  });
});
