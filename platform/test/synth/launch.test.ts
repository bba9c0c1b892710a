import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..', '..', '..');
let copy: string;
let cache: string;

/** `npm run synth -- <args>` as package.json runs it, in the copy, with its own bundle cache. */
const synth = (...args: string[]) =>
  run(process.execPath, [join(copy, 'platform', 'src', 'synth', 'launch.mjs'), ...args], {
    cwd: copy,
    env: { ...process.env, SYNTH_CACHE: cache },
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      out: err.stdout + err.stderr,
    }),
  );

const bundles = async () => (await readdir(cache)).filter((f) => f.endsWith('.cjs'));

beforeAll(async () => {
  // A checkout of the render's sources and data; packages come from this one.
  copy = await mkdtemp(join(tmpdir(), 'synth-launch-'));
  cache = join(copy, '.bundle-cache');
  for (const dir of ['platform/src', 'environments', 'models', 'dist', 'services/features'])
    await cp(join(REPO, dir), join(copy, dir), { recursive: true });
  for (const file of ['package.json', 'tsconfig.json']) await cp(join(REPO, file), join(copy, file));
  await symlink(join(REPO, 'node_modules'), join(copy, 'node_modules'));
});
afterAll(async () => {
  await rm(copy, { recursive: true, force: true });
});

describe('synth launcher', () => {
  it('renders through a cached bundle, reuses it, and rebuilds when a source changes', async () => {
    const first = await synth('--check');
    expect(first.out).toContain('dist/ is up to date (19 files');
    expect(first.code).toBe(0);
    const [bundle] = await bundles();
    const manifest = JSON.parse(await readFile(join(cache, 'manifest.json'), 'utf8')) as {
      inputs: Record<string, string>;
    };
    expect(Object.keys(manifest.inputs)).toEqual(
      expect.arrayContaining([
        'platform/src/charts/constants.ts',
        'platform/src/synth/main.ts',
        'services/features/src/registry/version.ts',
      ]),
    );
    const built = (await stat(join(cache, bundle!))).mtimeMs;

    expect((await synth('--check')).code).toBe(0);
    expect(await bundles()).toEqual([bundle]);
    expect((await stat(join(cache, bundle!))).mtimeMs).toBe(built);

    const constants = join(copy, 'platform', 'src', 'charts', 'constants.ts');
    const text = await readFile(constants, 'utf8');
    expect(text).toMatch(/REPO_SLUG = '[^']+'/);
    await writeFile(constants, text.replace(/REPO_SLUG = '[^']+'/, "REPO_SLUG = 'someone-else/titanic'"));
    const stale = await synth('--check');
    expect(stale.code).toBe(1);
    expect(stale.out).toContain('stale:   dist/argocd/argocd.yaml');
    expect(await bundles()).toHaveLength(2);
  });

  it('keeps each module’s own location: data is found from the checkout the sources are in', async () => {
    await rm(join(copy, 'environments', 'dev.yaml'));
    const missing = await synth('--check');
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('environments/dev.yaml: (root): cannot read the file (ENOENT)');
  });
});
