import { join } from 'node:path';
import { localVersions, MODEL_FILES } from '@titanic/features';
import { ModelLoadError } from '../errors.ts';
import { DEFAULT_MODEL_REGISTRY } from '../paths.ts';

export { compareVersions } from '@titanic/features';

/** The model.onnx of the newest version in a registry folder. */
export function newestModelPath(registry = DEFAULT_MODEL_REGISTRY): string {
  const newest = localVersions(registry)[0];
  if (!newest)
    throw new ModelLoadError(
      `no model version under ${registry}; run \`npm run train\` or set MODEL_PATH to a model.onnx file`,
    );
  return join(registry, newest, MODEL_FILES.onnx);
}
