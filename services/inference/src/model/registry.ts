import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_VERSION_PATTERN } from '@titanic/features';
import { ModelLoadError } from '../errors.ts';
import { DEFAULT_REGISTRY } from '../paths.ts';

/** Version strings sort as dates with a counter: 2026.11.25-10 is newer than 2026.11.25-9. */
export function compareVersions(a: string, b: string): number {
  const [dateA, nA] = a.split('-');
  const [dateB, nB] = b.split('-');
  if (dateA !== dateB) return dateA! < dateB! ? -1 : 1;
  return Number(nA) - Number(nB);
}

/** The model.onnx of the newest version in a registry folder. */
export function newestModelPath(registry = DEFAULT_REGISTRY): string {
  let versions: string[];
  try {
    versions = readdirSync(registry, { withFileTypes: true })
      .filter((d) => d.isDirectory() && MODEL_VERSION_PATTERN.test(d.name))
      .map((d) => d.name);
  } catch {
    versions = [];
  }
  const newest = versions.sort(compareVersions).at(-1);
  if (!newest)
    throw new ModelLoadError(
      `no model version under ${registry}; run \`npm run train\` or set MODEL_PATH to a model.onnx file`,
    );
  return join(registry, newest, 'model.onnx');
}
