import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ENVIRONMENTS, loadEnvironment, loadEnvironments } from '../../src/environments/load.ts';
import { FIXTURE_ROOT } from '../charts/render.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'titanic-env-'));
  await cp(join(FIXTURE_ROOT, 'environments'), join(root, 'environments'), { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Edits one environment file the way the promoter does: through the yaml Document API. */
async function edit(env: string, change: (doc: ReturnType<typeof parseDocument>) => void): Promise<string> {
  const path = join(root, 'environments', `${env}.yaml`);
  const doc = parseDocument(await readFile(path, 'utf8'));
  change(doc);
  const text = doc.toString();
  await writeFile(path, text);
  return text;
}

async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a rejection');
}

describe('environment files', () => {
  it('the checkout has dev, staging and prod, each valid', async () => {
    const envs = await loadEnvironments();
    expect(envs.map((e) => e.name)).toEqual([...ENVIRONMENTS]);
    expect(envs.map((e) => e.promotion.upstream)).toEqual([undefined, 'dev', 'staging']);
  });

  it('pins staging and prod to one model and dev to the same or a newer one', async () => {
    const [dev, staging, prod] = await loadEnvironments();
    expect(staging?.model.version).toBe(prod?.model.version);
    expect(dev!.model.version >= staging!.model.version).toBe(true);
  });

  it('names file, key path and expectation for a bad sha256', async () => {
    await edit('prod', (d) => d.setIn(['model', 'sha256'], 'abc'));
    expect(await errorOf(loadEnvironment('prod', { root }))).toBe(
      'environments/prod.yaml: model.sha256: expected 64 hex characters',
    );
  });

  it('reports every problem of a file, each on its own line', async () => {
    await edit('staging', (d) => {
      d.setIn(['image', 'tag'], 'latest');
      d.setIn(['inference', 'maxReplicas'], 1);
      d.setIn(['promotion', 'minimumSoak'], 'one hour');
      d.setIn(['monitoring', 'alerts', 'errorRatio'], 2);
    });
    const message = await errorOf(loadEnvironment('staging', { root }));
    expect(message.split('\n').sort()).toEqual([
      'environments/staging.yaml: image.tag: expected a pinned tag, not "latest"',
      'environments/staging.yaml: inference.maxReplicas: expected maxReplicas >= minReplicas',
      'environments/staging.yaml: monitoring.alerts.errorRatio: expected a ratio between 0 and 1',
      'environments/staging.yaml: promotion.minimumSoak: expected a duration like "30s", "5m", "1h" or "1h30m"',
    ]);
  });

  it('flags unknown keys, missing keys, unquoted numbers and a wrong name', async () => {
    await edit('dev', (d) => {
      d.setIn(['inference', 'replicas'], 3);
      d.deleteIn(['host']);
      d.setIn(['postgres', 'version'], 16);
    });
    const message = await errorOf(loadEnvironment('dev', { root }));
    expect(message).toContain('environments/dev.yaml: inference.replicas: unknown key (check the spelling)');
    expect(message).toContain('environments/dev.yaml: host: required, expected string');
    expect(message).toContain(
      'environments/dev.yaml: postgres.version: expected string, received number (quote the value)',
    );
    await edit('dev', (d) => {
      d.deleteIn(['inference', 'replicas']);
      d.set('host', 'titanic.dev.example.com');
      d.setIn(['postgres', 'version'], '16.4');
      d.set('name', 'prod');
    });
    expect(await errorOf(loadEnvironment('dev', { root }))).toBe(
      'environments/dev.yaml: name: expected "dev" (the file name), got "prod"',
    );
  });

  it('validates holds and reports their index', async () => {
    await edit('prod', (d) =>
      d.setIn(['promotion', 'holds'], [{ model: '2026.01.01-1', reason: 'drift', since: 'yesterday' }]),
    );
    expect(await errorOf(loadEnvironment('prod', { root }))).toBe(
      'environments/prod.yaml: promotion.holds[0].since: expected an ISO 8601 timestamp like 2026-11-25T10:00:00Z',
    );
  });

  it('reports YAML syntax errors and missing files with the file name', async () => {
    await writeFile(join(root, 'environments', 'dev.yaml'), 'name: dev\n  bad: [\n');
    expect(await errorOf(loadEnvironment('dev', { root }))).toMatch(/^environments\/dev\.yaml: \(yaml\): /);
    await rm(join(root, 'environments', 'prod.yaml'));
    expect(await errorOf(loadEnvironment('prod', { root }))).toBe(
      'environments/prod.yaml: (root): cannot read the file (ENOENT)',
    );
    expect(await errorOf(loadEnvironment('qa', { root }))).toContain('unknown environment "qa"');
  });

  it('keeps comments through a promoter-style edit of image, model and holds', async () => {
    const before = await readFile(join(root, 'environments', 'prod.yaml'), 'utf8');
    const after = await edit('prod', (d) => {
      d.setIn(['image', 'tag'], '0.2.0');
      d.setIn(['image', 'digest'], `sha256:${'b'.repeat(64)}`);
      d.setIn(['model', 'version'], '2026.01.02-1');
      d.setIn(['model', 'sha256'], 'c'.repeat(64));
      d.setIn(['model', 'digest'], `sha256:${'d'.repeat(64)}`);
      d.setIn(
        ['promotion', 'holds'],
        [{ model: '2026.01.01-1', reason: 'psi alert', since: '2026-01-02T03:04:05Z', by: 'alertmanager' }],
      );
    });
    const comments = (t: string) => t.split('\n').filter((l) => l.trim().startsWith('#'));
    expect(comments(after)).toEqual(comments(before));
    const env = await loadEnvironment('prod', { root });
    expect(env.image).toEqual({
      repository: 'ghcr.io/titanic-ml/titanic-inference',
      tag: '0.2.0',
      digest: `sha256:${'b'.repeat(64)}`,
    });
    expect(env.promotion.holds[0]?.by).toBe('alertmanager');
  });
});
