import { readFile } from 'node:fs/promises';
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

/** Sources of the COPY instructions (without --from) before the RUN that matches `run`. */
function copiedBefore(all: Instruction[], run: RegExp): string[] {
  const at = all.findIndex((i) => i.getKeyword() === 'RUN' && run.test(i.getArgumentsContent() ?? ''));
  if (at < 0) throw new Error(`no RUN matching ${run}`);
  return all
    .slice(0, at)
    .filter((i) => i.getKeyword() === 'COPY' && !/--from=/.test(i.getTextContent()))
    .flatMap((i) =>
      i
        .getArguments()
        .map((a) => a.getValue())
        .slice(0, -1),
    );
}

describe('the Dockerfiles run the build scripts the image tests run', () => {
  it('inference: build.sh deps sees the lockfile and every workspace manifest, build.sh app every source it bundles', async () => {
    const all = await instructions(`${SERVICE}/Dockerfile`);
    const root = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      workspaces: string[];
    };
    const deps = copiedBefore(all, /build\.sh deps /);
    expect(deps.sort()).toEqual(
      [
        'package.json',
        'package-lock.json',
        ...root.workspaces.map((w) => `${w}/package.json`),
        `${SERVICE}/image/build.sh`,
      ].sort(),
    );
    const app = copiedBefore(all, /build\.sh app /);
    for (const input of ['services/features/src', `${SERVICE}/src`, `${SERVICE}/public`])
      expect(app).toContain(input);
    const runtime = all.slice(all.findLastIndex((i) => i.getKeyword() === 'FROM'));
    expect(runtime.filter((i) => i.getKeyword() === 'COPY').map((i) => i.getTextContent())).toEqual([
      'COPY --from=build /app ./',
    ]);
  });

  it('modelcar: modelcar.sh writes the only file the image keeps', async () => {
    const all = await instructions(`${SERVICE}/modelcar.Dockerfile`);
    expect(copiedBefore(all, /modelcar\.sh /)).toContain(`${SERVICE}/image/modelcar.sh`);
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
