import { createHash } from 'node:crypto';
import {
  MODELS_DIR,
  type ModelMetadata,
  modelEntryDir,
  parseModelMetadata,
  versionsNewestFirst,
} from '@titanic/features';
import type { Repository } from './github.ts';

export type ModelLookup =
  | { readonly ok: true; readonly meta: ModelMetadata; readonly onnxSha256: string | undefined }
  | { readonly ok: false; readonly reason: string };

/** Reads `models/<name>/<version>/model.json` (and hashes model.onnx when `files` is given). */
export async function readModel(
  repo: Repository,
  ref: string,
  name: string,
  version: string,
  files?: Map<string, string>,
): Promise<ModelLookup> {
  const dir = modelEntryDir(name, version);
  const text = await repo.readText(ref, `${dir}/model.json`);
  if (text === undefined) return { ok: false, reason: `${dir}/model.json does not exist` };
  const parsed = parseModelMetadata(text, `${dir}/model.json`);
  if (!parsed.ok) return parsed;
  let onnxSha256: string | undefined;
  if (files) {
    const blob = files.get(`${dir}/${parsed.meta.files.onnx.path.split('/').pop()}`);
    if (!blob) return { ok: false, reason: `${dir}/${parsed.meta.files.onnx.path} does not exist` };
    onnxSha256 = createHash('sha256')
      .update(await repo.blob(blob))
      .digest('hex');
  }
  return { ok: true, meta: parsed.meta, onnxSha256 };
}

/** Registered versions of a model, newest first (2026.11.25-10 before 2026.11.25-9). */
export async function modelVersions(repo: Repository, ref: string, name: string): Promise<string[]> {
  const entries = await repo.list(ref, `${MODELS_DIR}/${name}`);
  return versionsNewestFirst(entries.filter((e) => e.type === 'dir').map((e) => e.name));
}
