import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENTS, REPO_ROOT } from '@titanic/platform/environments/load.ts';
import { synthEnvironments } from '@titanic/platform/synth/render.ts';
import { EnvironmentFile } from '@titanic/promoter/env-file.ts';
import { WorkingCopy } from '@titanic/promoter/test/support/fixture-repo.ts';
import { git } from '@titanic/promoter/test/support/github/git-store.ts';
import { parse } from 'yaml';

export interface Seeded {
  /** Model version each environment pins, e.g. { dev: '2026.11.25-1', … }. */
  readonly pins: Record<string, { model: string; image: string }>;
}

/**
 * Pushes this project's environment files, the model versions they pin (and the registry versions
 * named in `models`) and dist/ rendered by the project's synth code to `remote` (the fake GitHub's
 * bare repository) as the first commit of main. The sha256 a file pins is taken from the pinned
 * version's model.json, so the baseline is deployable while a model is being retrained in the
 * working tree.
 */
export async function seedFromProject(
  remote: string,
  options: { readonly models?: readonly string[] } = {},
): Promise<Seeded> {
  const root = await mkdtemp(join(tmpdir(), 'e2e-seed-'));
  await git(root, ['init', '--quiet', '--initial-branch=main']);
  await git(root, ['remote', 'add', 'origin', remote]);
  const copy = new WorkingCopy(root, remote);
  const pins: Record<string, { model: string; image: string }> = {};
  for (const name of ENVIRONMENTS) {
    const text = await readFile(join(REPO_ROOT, 'environments', `${name}.yaml`), 'utf8');
    const data = parse(text) as {
      model: { name: string; version: string; sha256: string };
      image: { tag: string };
    };
    const dir = await copyVersion(root, data.model.name, data.model.version);
    const meta = JSON.parse(await readFile(join(root, dir, 'model.json'), 'utf8'));
    const onnx = createHash('sha256')
      .update(await readFile(join(root, dir, 'model.onnx')))
      .digest('hex');
    if (meta.files.onnx.sha256 !== onnx)
      throw new Error(
        `${dir}: model.json records sha256 ${meta.files.onnx.sha256} but model.onnx hashes to ${onnx}`,
      );
    const file = EnvironmentFile.parse(name, text);
    if (data.model.sha256 !== onnx) file.setModel(data.model.version, onnx, undefined);
    await copy.write(`environments/${name}.yaml`, file.toString());
    pins[name] = { model: data.model.version, image: data.image.tag };
  }
  for (const version of options.models ?? []) await copyVersion(root, 'titanic', version);
  for (const [path, content] of Object.entries(await synthEnvironments({ root })))
    await copy.write(path, content);
  await copy.commitAll('chore: platform as in the project checkout');
  await copy.push();
  await copy.dispose();
  return { pins };
}

/** Copies `models/<name>/<version>/` of the project into `root`; returns its relative path. */
async function copyVersion(root: string, name: string, version: string): Promise<string> {
  const dir = join('models', name, version);
  await mkdir(join(root, dir), { recursive: true });
  for (const f of await readdir(join(REPO_ROOT, dir)))
    await copyFile(join(REPO_ROOT, dir, f), join(root, dir, f));
  return dir;
}
