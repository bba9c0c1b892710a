import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { localVersions, readModelEntry } from '@titanic/features';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import { writeDist } from '@titanic/platform/synth/dist.ts';
import { EnvironmentFile } from '@titanic/promoter/env-file.ts';

/** `model.shadow` of an environment file. */
export interface ShadowPin {
  readonly version: string;
  readonly sha256: string;
  readonly digest: string;
}

/**
 * The shadow's modelcar digest. The promoter takes it from the registry; the image tests build
 * modelcar images by tag, so any digest of the right form runs the same pod.
 */
const SHADOW_DIGEST = `sha256:${'5'.repeat(64)}`;

/**
 * A repository root at `dir` holding this checkout's environments/ and models/, in which `env`
 * pins the newest registry version it does not serve as its shadow, written as
 * `promote --as shadow` writes the pin, and whose dist/<env>/ the platform's synth rendered.
 */
export async function checkoutWithShadow(dir: string, env: string): Promise<{ shadow: ShadowPin }> {
  for (const folder of ['environments', 'models'])
    await cp(join(REPO_ROOT, folder), join(dir, folder), { recursive: true });
  const path = join(dir, 'environments', `${env}.yaml`);
  const file = EnvironmentFile.parse(env, await readFile(path, 'utf8'));
  const { model } = file.value();
  const version = localVersions(join(dir, 'models', model.name)).find((v) => v !== model.version);
  if (!version)
    throw new Error(`models/${model.name}/ holds no version beside ${model.version} to shadow it`);
  const entry = await readModelEntry(dir, model.name, version);
  if (!entry.ok) throw new Error(entry.reason);
  const shadow = { version, sha256: entry.meta.files.onnx.sha256, digest: SHADOW_DIGEST };
  file.setShadow(shadow);
  await writeFile(path, file.toString());
  await writeDist({ root: dir, envs: [env] });
  return { shadow };
}
