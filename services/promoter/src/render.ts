import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ENVIRONMENTS } from '@titanic/platform/environments/schema.ts';
import { parse } from 'yaml';
import { PromoterError } from './errors.ts';
import type { FileChange, Repository } from './github.ts';

/**
 * Re-renders `dist/<env>/` with the synth code from environment files as they will be after the
 * change. Synth reads a repository root, so the inputs it needs (all environment files and the
 * model.json each pins) are copied from the base commit into a temporary root.
 */
export async function renderEnvironment(
  repo: Repository,
  baseSha: string,
  baseFiles: Map<string, string>,
  env: string,
  edited: Record<string, string>,
): Promise<FileChange[]> {
  const root = await mkdtemp(join(tmpdir(), 'promoter-render-'));
  try {
    const put = async (path: string, content: string) => {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    };
    for (const name of ENVIRONMENTS) {
      const path = `environments/${name}.yaml`;
      const text = edited[path] ?? (await repo.readText(baseSha, path));
      if (text === undefined)
        throw new PromoterError(`${path} is missing on the default branch`, 'environment');
      await put(path, text);
      const pins = parse(text) as { model?: { name?: string; version?: string } };
      const model = `models/${pins.model?.name}/${pins.model?.version}/model.json`;
      const meta = await repo.readText(baseSha, model);
      if (meta !== undefined) await put(model, meta);
    }
    let rendered: Record<string, string>;
    try {
      // Loaded on demand: cdk8s is heavy and only promotions render.
      const { synthEnvironments } = await import('@titanic/platform/synth/render.ts');
      rendered = await synthEnvironments({ root, envs: [env] });
    } catch (error) {
      throw new PromoterError(
        `rendering dist/${env}/ failed: ${(error as Error).message}`,
        'render',
        'run `npm run synth` locally to see the problem',
      );
    }
    const prefix = `dist/${env}/`;
    const changes: FileChange[] = [];
    const fresh = Object.entries(rendered).filter(([path]) => path.startsWith(prefix));
    for (const [path, content] of fresh) {
      const old = baseFiles.get(path);
      if (!old || (await repo.blob(old)).toString('utf8') !== content) changes.push({ path, content });
    }
    for (const path of baseFiles.keys()) {
      if (path.startsWith(prefix) && !(path in rendered)) changes.push({ path, content: null });
    }
    return changes;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
