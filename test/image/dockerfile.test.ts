import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';

// The image tests run image/build.sh and image/modelcar.sh; these checks keep the Dockerfiles
// running those same scripts over the same inputs, on the pinned Node 24 base.

const SERVICE = 'services/inference';

async function instructions(file: string): Promise<Instruction[]> {
  return DockerfileParser.parse(await readFile(join(REPO_ROOT, file), 'utf8')).getInstructions();
}

/**
 * The repository files a COPY source names: a glob (`*` within one path segment) is matched
 * against the repository's folders. A COPY with a glob must keep each file's folders
 * (`--parents`); without it every match would land in the one destination folder.
 */
async function expand(source: string, parents: boolean): Promise<string[]> {
  if (!source.includes('*')) return [source];
  if (!parents) throw new Error(`COPY ${source} matches several files: add --parents to keep their folders`);
  let paths = [''];
  for (const segment of source.split('/')) {
    const re = new RegExp(`^${segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*')}$`);
    const next: string[] = [];
    for (const dir of paths) {
      const names = segment.includes('*')
        ? (await readdir(join(REPO_ROOT, dir)).catch(() => [])).filter((n) => re.test(n))
        : [segment];
      next.push(...names.map((n) => (dir ? `${dir}/${n}` : n)));
    }
    paths = next;
  }
  return paths.filter((path) => existsSync(join(REPO_ROOT, path)));
}

/** Repository files the COPY instructions (without --from) before the RUN that matches `run` copy. */
async function copiedBefore(all: Instruction[], run: RegExp): Promise<string[]> {
  const at = all.findIndex((i) => i.getKeyword() === 'RUN' && run.test(i.getArgumentsContent() ?? ''));
  if (at < 0) throw new Error(`no RUN matching ${run}`);
  const copies = all
    .slice(0, at)
    .filter((i) => i.getKeyword() === 'COPY' && !/--from=/.test(i.getTextContent()));
  const files: string[] = [];
  for (const copy of copies) {
    const parents = /--parents\b/.test(copy.getTextContent());
    const sources = copy
      .getArguments()
      .map((a) => a.getValue())
      .slice(0, -1);
    for (const source of sources) files.push(...(await expand(source, parents)));
  }
  return files;
}

/** The root manifest, the lockfile and every workspace's manifest: what npm ci needs. */
async function workspaceManifests(): Promise<string[]> {
  const root = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };
  return ['package.json', 'package-lock.json', ...root.workspaces.map((w) => `${w}/package.json`)];
}

describe('the Dockerfiles run the build scripts the image tests run', () => {
  it('inference: build.sh deps sees the lockfile and every workspace manifest, build.sh app every source it bundles', async () => {
    const all = await instructions(`${SERVICE}/Dockerfile`);
    const deps = await copiedBefore(all, /build\.sh deps /);
    expect(deps.sort()).toEqual([...(await workspaceManifests()), `${SERVICE}/image/build.sh`].sort());
    const app = await copiedBefore(all, /build\.sh app /);
    for (const input of ['services/features/src', `${SERVICE}/src`, `${SERVICE}/public`])
      expect(app).toContain(input);
    const runtime = all.slice(all.findLastIndex((i) => i.getKeyword() === 'FROM'));
    expect(runtime.filter((i) => i.getKeyword() === 'COPY').map((i) => i.getTextContent())).toEqual([
      'COPY --from=build /app ./',
    ]);
  });

  it('promoter: npm ci sees the lockfile and every workspace manifest', async () => {
    const all = await instructions('services/promoter/Dockerfile');
    const manifests = await copiedBefore(all, /npm ci -w services\/promoter /);
    expect(manifests.sort()).toEqual((await workspaceManifests()).sort());
  });

  it('modelcar: modelcar.sh writes the only file the image keeps', async () => {
    const all = await instructions(`${SERVICE}/modelcar.Dockerfile`);
    expect(await copiedBefore(all, /modelcar\.sh /)).toContain(`${SERVICE}/image/modelcar.sh`);
    const runtime = all.slice(all.findLastIndex((i) => i.getKeyword() === 'FROM'));
    expect(runtime[0]!.getArgumentsContent()).toBe('scratch');
    expect(runtime.filter((i) => i.getKeyword() === 'COPY').map((i) => i.getTextContent())).toEqual([
      'COPY --from=verify --chown=10001:10001 /image/models/model.onnx /models/model.onnx',
    ]);
  });

  it.each([`${SERVICE}/Dockerfile`, `${SERVICE}/modelcar.Dockerfile`])(
    '%s builds on the official node:24-slim pinned by digest',
    async (file) => {
      const bases = (await instructions(file))
        .filter((i) => i.getKeyword() === 'FROM')
        .map((i) => i.getArguments()[0]!.getValue())
        .filter((image) => image !== 'scratch');
      expect(bases.length).toBeGreaterThan(0);
      for (const image of bases) expect(image).toMatch(/^node:24-slim@sha256:[0-9a-f]{64}$/);
    },
  );

  it('the build context keeps what the scripts read', async () => {
    // .dockerignore patterns: `*` within a path segment, `**` across them, and a match of a
    // folder excludes everything below it.
    const patterns = (await readFile(join(REPO_ROOT, '.dockerignore'), 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'))
      .map((p) => {
        const body = p
          .replace(/^\//, '')
          .split('**')
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*'))
          .join('.*');
        return { p, re: new RegExp(`^${body}(/.*)?$`) };
      });
    for (const path of [
      `${SERVICE}/image/build.sh`,
      `${SERVICE}/src/main.ts`,
      `${SERVICE}/public/index.html`,
      'services/features/src/index.ts',
      'models/titanic/x/model.onnx',
      'package-lock.json',
    ])
      expect(
        patterns.filter(({ re }) => re.test(path)).map(({ p }) => p),
        path,
      ).toEqual([]);
    expect(patterns.filter(({ re }) => re.test(`${SERVICE}/test/x.ts`)).length).toBeGreaterThan(0);
  });
});
