import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { REPO_ROOT } from '@titanic/features/checkout';
import { describe, expect, it } from 'vitest';

/**
 * Packages meet only through their names: a relative import that leaves its package would tie the
 * two together behind their manifests' backs (the promoter would render charts without declaring
 * cdk8s, a bundle would miss files). The repository root is a package too: its suites import the
 * others by name.
 */
const rootManifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  workspaces: string[];
};
const PACKAGES = rootManifest.workspaces;

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const manifestOf = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8'));
const NAMES = new Map(PACKAGES.map((dir) => [manifestOf(dir).name, dir]));

function packageOf(path: string): string {
  return PACKAGES.find((dir) => path.startsWith(`${dir}/`)) ?? '.';
}

const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g;

/** Every import of `text` (a file at `path`) that leaves its package by a relative path. */
function crossings(path: string, text: string): string[] {
  const home = packageOf(path);
  const found: string[] = [];
  for (const [, spec] of text.matchAll(IMPORT)) {
    if (!spec!.startsWith('.')) continue;
    const target = posix.normalize(posix.join(posix.dirname(path), spec!));
    if (packageOf(target) !== home)
      found.push(`${path}: '${spec}' reaches ${target} in ${packageOf(target)}/`);
  }
  return found;
}

/** `@titanic/*` names a package imports without declaring them in its package.json. */
function undeclared(path: string, text: string): string[] {
  const home = packageOf(path);
  if (home === '.') return [];
  const manifest = manifestOf(home);
  const declared = { ...manifest.dependencies, ...manifest.devDependencies };
  const found: string[] = [];
  for (const [, spec] of text.matchAll(IMPORT)) {
    const name = spec!.match(/^@titanic\/[^/]+/)?.[0];
    if (name && name !== manifest.name && NAMES.has(name) && !(name in declared))
      found.push(`${path}: imports ${name}, which ${home}/package.json does not declare`);
  }
  return found;
}

const sources = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts', '*.mjs', '*.js'], {
  cwd: REPO_ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f && !f.startsWith('dist/'));

describe('package boundaries', () => {
  it('finds the sources and the workspace packages', () => {
    expect(sources.length).toBeGreaterThan(200);
    expect([...NAMES.keys()]).toEqual(expect.arrayContaining(['@titanic/platform', '@titanic/promoter']));
  });

  it('no relative import leaves its package', () => {
    const found = sources.flatMap((f) => crossings(f, readFileSync(join(REPO_ROOT, f), 'utf8')));
    expect(found).toEqual([]);
  });

  it('every package declares the @titanic packages it imports', () => {
    const found = sources.flatMap((f) => undeclared(f, readFileSync(join(REPO_ROOT, f), 'utf8')));
    expect(found).toEqual([]);
  });

  it('reports a service reaching the platform by path, and a dynamic import too', () => {
    const text = [
      "import type { Environment } from '../../../environments/schema.ts';",
      "const { synthEnvironments } = await import('../../../platform/src/synth/render.ts');",
      "import { errors } from './errors.ts';",
    ].join('\n');
    expect(crossings('services/promoter/src/gates.ts', text)).toEqual([
      "services/promoter/src/gates.ts: '../../../environments/schema.ts' reaches environments/schema.ts in ./",
      "services/promoter/src/gates.ts: '../../../platform/src/synth/render.ts' reaches platform/src/synth/render.ts in platform/",
    ]);
    expect(
      undeclared('services/trainer/src/main.ts', "import { x } from '@titanic/promoter/cli.ts';"),
    ).toEqual([
      'services/trainer/src/main.ts: imports @titanic/promoter, which services/trainer/package.json does not declare',
    ]);
  });
});
