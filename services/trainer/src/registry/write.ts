import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelMetadata } from '@titanic/features';
import { TrainerError } from '../errors.ts';
import { formatJson } from './json.ts';

export interface RegistryFiles {
  readonly onnx: Uint8Array;
  readonly metadata: ModelMetadata;
  readonly card: string;
  readonly rocSvg: string;
  readonly calibrationSvg: string;
  /** Permutation importance chart; absent when the run skipped the evaluations. */
  readonly importanceSvg?: string | undefined;
}

export function assertFree(root: string, version: string): void {
  const modelDir = join(root, 'titanic');
  if (existsSync(modelDir) && readdirSync(modelDir).includes(version)) {
    throw new TrainerError(`model version ${version} already exists in ${modelDir}; versions are immutable`);
  }
}

/**
 * Writes `<root>/titanic/<version>/` through a temporary directory and one rename, so a reader
 * never sees a half-written version and an existing version is never overwritten.
 */
export function writeVersion(root: string, files: RegistryFiles): string {
  const modelDir = join(root, 'titanic');
  const dir = join(modelDir, files.metadata.version);
  mkdirSync(modelDir, { recursive: true });
  assertFree(root, files.metadata.version);
  const tmp = join(modelDir, `.tmp-${files.metadata.version}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  writeFileSync(join(tmp, 'model.onnx'), files.onnx);
  writeFileSync(join(tmp, 'model.json'), `${formatJson(files.metadata)}\n`);
  writeFileSync(join(tmp, 'MODEL_CARD.md'), files.card);
  writeFileSync(join(tmp, 'roc.svg'), files.rocSvg);
  writeFileSync(join(tmp, 'calibration.svg'), files.calibrationSvg);
  if (files.importanceSvg) writeFileSync(join(tmp, 'importance.svg'), files.importanceSvg);
  renameSync(tmp, dir);
  return dir;
}
