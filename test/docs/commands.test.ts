import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../e2e/support/ports.ts';
import { documented, matchesDocumented, shapeOf } from './documented.ts';
import { REPO_ROOT, shellCommands, trackedDocs } from './markdown.ts';
import { runCommand, type Started, startCommand } from './run.ts';

const scratch = mkdtempSync(join(tmpdir(), 'docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('every npm command the documents show', () => {
  it('names a script of the root package.json (the documents say to run them from the root)', () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts);
    const builtIn = new Set(['ci', 'install', 'test', 'start', 'audit', 'exec']);
    const unknown = trackedDocs().flatMap((file) =>
      shellCommands(file).flatMap((c) =>
        [...c.command.matchAll(/\bnpm (?:run(?:-script)? (?:-s )?)?([\w:-]+)/g)]
          .map((m) => m[1]!)
          .filter((name) => !builtIn.has(name) && !scripts.includes(name))
          .map((name) => `${file}:${c.line} npm ${name}`),
      ),
    );
    expect(unknown).toEqual([]);
    expect(scripts).toEqual(
      expect.arrayContaining(['start', 'test', 'train', 'synth', 'policy', 'promoter']),
    );
  });
});

describe('npm start and the example prediction', () => {
  let server: Started;
  let port: number;

  beforeAll(async () => {
    documented('README.md', (c) => c === 'npm start', '`npm start`');
    documented('services/inference/README.md', (c) => c === 'npm ci && npm start', '`npm ci && npm start`');
    port = await freePort();
    server = await startCommand('npm start', /is serving on/, {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: join(scratch, 'pglite'),
      LOG_LEVEL: 'warn',
    });
  });
  afterAll(() => server?.stop());

  for (const file of ['README.md', 'services/inference/README.md']) {
    it(`${file}: the curl example answers as documented`, async () => {
      const curl = documented(
        file,
        (c) => c.startsWith('curl') && c.includes('/v1/predict'),
        'the predict example',
      );
      expect(curl.command).toContain('localhost:8080');
      const run = await runCommand(curl.command.replace('localhost:8080', `127.0.0.1:${port}`));
      expect(run.code, run.stderr).toBe(0);
      const served = JSON.parse(run.stdout);
      expect(served).toMatchObject({ model: { name: 'titanic' } });
      if (file === 'services/inference/README.md') expect(curl.output.length).toBe(1);
      for (const line of curl.output) expect(matchesDocumented(JSON.parse(line), served)).toEqual([]);
    });
  }
});

describe('npm run train -- --quick', () => {
  it('writes a model version with its card where --out says', async () => {
    const train = documented(
      'services/trainer/README.md',
      (c) => c.startsWith('npm run train -- --quick --out '),
      'a quick training run',
    );
    const out = join(scratch, 'models');
    const run = await runCommand(train.command.replace(/--out \S+/, `--out ${out}`));
    expect(run.code, run.stderr).toBe(0);
    const [version] = readdirSync(join(out, 'titanic'));
    for (const f of ['model.onnx', 'model.json', 'MODEL_CARD.md'])
      expect(existsSync(join(out, 'titanic', version!, f))).toBe(true);
  });
});

describe('render and policy', () => {
  /** A checkout of what synth reads and writes, so the test can break its dist/. */
  function checkout(): string {
    const root = mkdtempSync(join(scratch, 'checkout-'));
    for (const dir of ['environments', 'models', 'dist'])
      cpSync(join(REPO_ROOT, dir), join(root, dir), { recursive: true });
    return root;
  }

  it('synth --check exits 0 on a fresh render and 1 listing stale, missing and extra files', async () => {
    const check = documented(
      'platform/src/synth/README.md',
      (c) => c === 'npm run synth -- --check',
      '`npm run synth -- --check`',
    );
    const root = checkout();
    const args = check.command.replace('--check', `--root ${root} --check`);
    expect((await runCommand(args)).code).toBe(0);

    const [stale, gone] = readdirSync(join(root, 'dist', 'dev')).sort();
    writeFileSync(join(root, 'dist', 'dev', stale!), 'edited by hand\n');
    rmSync(join(root, 'dist', 'dev', gone!));
    writeFileSync(join(root, 'dist', 'dev', 'extra.yaml'), 'kind: ConfigMap\n');
    const run = await runCommand(args);
    expect(run.code).toBe(1);
    for (const f of [stale!, gone!, 'extra.yaml']) expect(run.stdout + run.stderr).toContain(`dist/dev/${f}`);
  });

  it('policy passes on dist/ and prints the documented summary', async () => {
    const policy = documented('README.md', (c) => c === 'npm run policy', '`npm run policy`');
    const run = await runCommand(policy.command.replace('npm run ', 'npm run -s '));
    expect(run.code, run.stdout).toBe(0);
    const summary = readFileSync(join(REPO_ROOT, 'platform/src/policies/README.md'), 'utf8').match(
      /^\d+ tests, .*$/m,
    );
    expect(summary, 'platform/src/policies/README.md shows the summary line').not.toBeNull();
    const last = run.stdout.trim().split('\n').at(-1)!;
    expect(last).toMatch(shapeOf(summary![0]));
    expect(last).toMatch(/ 0 failures, 0 exceptions$/);
  });
});

describe('promoter usage errors', () => {
  it('exit 2, as the README says, before any configuration is read', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'services/promoter/README.md'), 'utf8');
    expect(readme).toMatch(/Exit codes: 0 done[^.]*, 1 refused by a\s+gate or failed, 2 usage error/);
    const env = { GITHUB_TOKEN: '', GITHUB_TOKEN_FILE: '', GITHUB_REPOSITORY: '' };
    for (const args of [
      'promote --env nope',
      'promote',
      'rollback --env nope',
      'promote --env dev --bogus',
      'nonsense',
    ]) {
      const run = await runCommand(`npm run -s promoter -- ${args}`, env);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).not.toContain('GITHUB_TOKEN is not set');
    }
  });
});
