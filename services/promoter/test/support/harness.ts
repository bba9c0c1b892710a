import type { PromoterContext } from '../../src/context.ts';
import { createClient, Repository } from '../../src/github.ts';
import { RegistryClient } from '../../src/registry.ts';
import { formatReleaseRecord, type ReleaseRecord, releasePath } from '../../src/release-record.ts';
import { verifyContext } from '../../src/verification/record.ts';
import { seedRepository, WorkingCopy } from './fixture-repo.ts';
import { FakeGitHub } from './github/server.ts';
import { type FixtureModel, fixtureModel } from './model-fixture.ts';
import { OciRegistry } from './oci-registry.ts';
import { type LocalPrometheus, startPrometheus } from './prometheus.ts';

export const HOUR = 3600_000;

/** Model versions of the fixture registry, with the story each one tells. */
export const V = {
  /** What prod runs. */
  prodModel: '2026.11.20-1',
  /** What dev and staging run, better than prod. */
  good: '2026.11.24-1',
  /** Registered, but its ROC AUC is well below the running model's. */
  worse: '2026.11.25-1',
  /** Registered, but model.onnx does not hash to the recorded sha256. */
  tampered: '2026.11.25-2',
  /** A better model that dev could take next. */
  next: '2026.11.26-1',
} as const;

export interface Harness {
  readonly github: FakeGitHub;
  readonly registry: OciRegistry;
  readonly seeded: Date;
  readonly digests: Record<string, string>;
  /** A real Prometheus every environment's alerts are read from (no alert fires in it). */
  readonly prometheus: LocalPrometheus;
  clock: Date;
  /** Records the bot's passed verification of `env` on `commit` (default main's head) at `at` (default the clock). */
  verified(env: string, commit?: string, at?: Date): Promise<void>;
  ctx(overrides?: Partial<PromoterContext>): PromoterContext;
  clone(): Promise<WorkingCopy>;
  logs: string[];
  stop(): Promise<void>;
}

/**
 * The bot's context against the fake GitHub and the registry, built as the CLI builds it (no
 * pacing, fast retries). Without a registry, any registry call fails the test.
 */
export function testContext(
  github: FakeGitHub,
  registry: OciRegistry | undefined,
  options: {
    log: (line: string) => void;
    now: () => Date;
    prometheus?: LocalPrometheus;
    /** The token the client sends; default the bot's (`github.human.token` acts as a maintainer). */
    token?: string;
  },
): { client: ReturnType<typeof createClient>; ctx: PromoterContext } {
  const client = createClient({
    token: options.token ?? github.token,
    owner: github.coordinates.owner,
    repo: github.coordinates.repo,
    apiUrl: github.url,
    retryBaseMs: 5,
    writePacingMs: 0,
    log: options.log,
  });
  const ctx: PromoterContext = {
    repo: new Repository(client, github.coordinates.owner, github.coordinates.repo),
    registry: registry
      ? new RegistryClient({
          urlOverride: registry.url,
          username: registry.username,
          password: registry.password,
          tokenOrigins: [registry.tokenOrigin],
        })
      : (undefined as never),
    now: options.now,
    log: options.log,
    ...(options.prometheus ? { prometheus: () => options.prometheus!.client } : {}),
  };
  return { client, ctx };
}

function models(): FixtureModel[] {
  const tampered = fixtureModel(V.tampered, 0.9);
  return [
    fixtureModel(V.prodModel, 0.85),
    fixtureModel(V.good, 0.86, 0.83, 0.125),
    fixtureModel(V.worse, 0.8),
    { ...tampered, onnx: Buffer.concat([tampered.onnx, Buffer.from('tampered')]) },
    fixtureModel(V.next, 0.87, 0.84, 0.12),
  ];
}

/** The build the fixture's release record describes. */
export const RELEASE_COMMIT = 'b'.repeat(40);

/** The release record of everything the harness pushed (1.2.0 is pushed but never recorded). */
function fixtureRelease(digests: Record<string, string>): ReleaseRecord {
  return {
    schemaVersion: 1,
    commit: RELEASE_COMMIT,
    artifacts: [
      ...['1.0.0', '1.1.0'].map((tag) => ({
        name: 'inference' as const,
        repository: 'ghcr.io/titanic-ml/titanic-inference',
        tag,
        digest: digests[`inference:${tag}`]!,
      })),
      ...Object.values(V).map((m) => ({
        name: 'modelcar' as const,
        model: m,
        repository: 'ghcr.io/titanic-ml/titanic-model',
        tag: m,
        digest: digests[`model:${m}`]!,
      })),
    ],
  };
}

/**
 * A fake GitHub seeded with this project's environments and a fixture model registry (prod on an
 * older model and image, dev and staging three days into the newer pair), plus a real registry
 * holding the inference images 1.0.0, 1.1.0 and 1.2.0 and a modelcar per model version.
 */
export async function startHarness(): Promise<Harness> {
  const seeded = new Date(Date.now() - 72 * HOUR);
  const h = {
    clock: new Date(),
    logs: [] as string[],
  } as Harness & { clock: Date };
  const github = await FakeGitHub.start({ now: () => h.clock });
  const registry = await OciRegistry.start();
  const digests: Record<string, string> = {};
  for (const tag of ['1.0.0', '1.1.0', '1.2.0'])
    digests[`inference:${tag}`] = await registry.pushImage('titanic-ml/titanic-inference', tag);
  for (const m of Object.values(V))
    digests[`model:${m}`] = await registry.pushImage('titanic-ml/titanic-model', m);
  const pin = (model: string, image: string) => ({
    model,
    image,
    imageDigest: digests[`inference:${image}`]!,
    modelDigest: digests[`model:${model}`]!,
  });
  const seed = await seedRepository(
    github.repoDir,
    models(),
    { dev: pin(V.good, '1.1.0'), staging: pin(V.good, '1.1.0'), prod: pin(V.prodModel, '1.0.0') },
    seeded,
    { [releasePath(RELEASE_COMMIT)]: formatReleaseRecord(fixtureRelease(digests)) },
  );
  // CI re-derived the seeded models (the model-verify job on the commit that added them).
  const initial = await seed.run(['rev-parse', 'HEAD']);
  github.checks.complete(initial, 'model-verify');
  await seed.dispose();
  const prometheus = await startPrometheus();
  const verified = async (env: string, commit?: string, at?: Date) => {
    github.statuses.record({
      sha: commit ?? (await github.git.resolveRef('refs/heads/main'))!,
      state: 'success',
      context: verifyContext(env),
      description: `passed (test setup)`,
      creator: github.login,
      at: (at ?? h.clock).toISOString(),
    });
  };
  // Every environment passed its verification when it was seeded, and no alert fired since.
  for (const env of ['dev', 'staging', 'prod']) await verified(env, initial, seeded);
  const { ctx: base } = testContext(github, registry, {
    log: (l) => h.logs.push(l),
    now: () => h.clock,
    prometheus,
  });
  const clones: WorkingCopy[] = [];
  return Object.assign(h, {
    github,
    registry,
    seeded,
    digests,
    prometheus,
    verified,
    ctx: (overrides: Partial<PromoterContext> = {}) => ({ ...base, ...overrides }),
    clone: async () => {
      const c = await WorkingCopy.clone(github.repoDir);
      clones.push(c);
      return c;
    },
    stop: async () => {
      for (const c of clones) await c.dispose();
      await github.stop();
      await registry.stop();
      await prometheus.stop();
    },
  });
}
