import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FEATURE_NAMES, type ModelMetadata, parseModelMetadata } from '@titanic/features';
import * as ort from 'onnxruntime-node';
import { ModelLoadError } from '../errors.ts';

export interface LoadedModel {
  readonly metadata: ModelMetadata;
  readonly sha256: string;
  readonly path: string;
  /** The model file's bytes, checked against its sha256 (a shadow may be paired with them). */
  readonly onnx: Uint8Array;
  readonly session: ort.InferenceSession;
}

/** An onnxruntime session as the service runs every model. */
export function openSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, {
    // One thread: the request path already keeps the core busy; more threads only contend.
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // The arena keeps the largest batch's buffers forever; plain allocation keeps RSS flat.
    enableCpuMemArena: false,
  });
}

async function readOrFail(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelLoadError(`cannot read ${what} ${path} (${code ?? String(err)})`);
  }
}

function parseMetadata(bytes: Buffer, path: string): ModelMetadata {
  const parsed = parseModelMetadata(bytes.toString('utf8'), path);
  if (!parsed.ok) throw new ModelLoadError(parsed.reason);
  return parsed.meta;
}

/**
 * Reads model.onnx and the model.json beside it (or at `metadataPath`), checks the file against
 * the expected sha256 values and opens an onnxruntime session. Every failure is a ModelLoadError
 * whose message says which file and what is wrong.
 */
export async function loadModel(options: {
  modelPath: string;
  expectedSha256?: string | undefined;
  metadataPath?: string | undefined;
}): Promise<LoadedModel> {
  const { modelPath } = options;
  const metadataPath = options.metadataPath ?? join(dirname(modelPath), 'model.json');
  const [onnxBytes, metadataBytes] = await Promise.all([
    readOrFail(modelPath, 'model file'),
    readOrFail(metadataPath, 'model metadata'),
  ]);
  const metadata = parseMetadata(metadataBytes, metadataPath);
  const sha256 = createHash('sha256').update(onnxBytes).digest('hex');
  if (options.expectedSha256 && sha256 !== options.expectedSha256)
    throw new ModelLoadError(
      `sha256 of ${modelPath} is ${sha256} but MODEL_SHA256 expects ${options.expectedSha256}; the file is not the pinned model`,
    );
  if (sha256 !== metadata.files.onnx.sha256)
    throw new ModelLoadError(
      `sha256 of ${modelPath} is ${sha256} but ${metadataPath} records ${metadata.files.onnx.sha256}; the file is corrupt or belongs to another version`,
    );
  const expected = FEATURE_NAMES.join(',');
  if (metadata.features.join(',') !== expected)
    throw new ModelLoadError(
      `${metadataPath} lists features [${metadata.features.join(', ')}] but this server encodes [${expected}]; deploy a server built for this model`,
    );
  let session: ort.InferenceSession;
  try {
    session = await openSession(onnxBytes);
  } catch (err) {
    throw new ModelLoadError(`onnxruntime cannot load ${modelPath}: ${(err as Error).message}`);
  }
  if (!session.inputNames.includes(metadata.onnx.inputName))
    throw new ModelLoadError(
      `${modelPath} has inputs [${session.inputNames.join(', ')}], model.json names ${metadata.onnx.inputName}`,
    );
  if (!session.outputNames.includes(metadata.onnx.outputName))
    throw new ModelLoadError(
      `${modelPath} has outputs [${session.outputNames.join(', ')}], model.json names ${metadata.onnx.outputName}`,
    );
  return { metadata, sha256, path: modelPath, onnx: onnxBytes, session };
}
