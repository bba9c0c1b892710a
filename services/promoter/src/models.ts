import {
  MODEL_FILES,
  MODELS_DIR,
  type ModelMetadata,
  modelEntryPath,
  verifyModelEntry,
  versionsNewestFirst,
} from '@titanic/features';
import type { Repository } from './github.ts';

export type ModelLookup =
  | { readonly ok: true; readonly meta: ModelMetadata; readonly onnxSha256: string | undefined }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads and verifies `models/<name>/<version>/` at `ref` with the registry's own check (schema,
 * and model.onnx against the sha256 model.json records when `files`, the tree's blob ids, is given).
 */
export async function readModel(
  repo: Repository,
  ref: string,
  name: string,
  version: string,
  files?: Map<string, string>,
): Promise<ModelLookup> {
  const metadataPath = modelEntryPath(name, version, MODEL_FILES.metadata);
  const entry = await verifyModelEntry({
    metadataPath,
    metadataText: await repo.readText(ref, metadataPath),
    ...(files
      ? {
          readOnnx: async (path: string) => {
            const blob = files.get(path);
            return blob === undefined ? undefined : repo.blob(blob);
          },
        }
      : {}),
  });
  return entry.ok ? { ok: true, meta: entry.meta, onnxSha256: entry.onnxSha256 } : entry;
}

/** Registered versions of a model, newest first (2026.11.25-10 before 2026.11.25-9). */
export async function modelVersions(repo: Repository, ref: string, name: string): Promise<string[]> {
  const entries = await repo.list(ref, `${MODELS_DIR}/${name}`);
  return versionsNewestFirst(entries.filter((e) => e.type === 'dir').map((e) => e.name));
}
