import { type ModelMetadata, parseModelMetadata } from '../model-metadata.ts';
import { sha256Hex } from './sha256.ts';

/** Why an entry was refused; readers map it to their own key (e.g. `model.version`, `model.sha256`). */
export type EntryProblem = 'missing' | 'invalid' | 'onnx-missing' | 'onnx-mismatch' | 'pin-mismatch';

export type VerifiedEntry =
  | {
      readonly ok: true;
      readonly meta: ModelMetadata;
      /** Exact text of model.json, for readers that serve or publish it unchanged. */
      readonly text: string;
      /** sha256 of model.onnx when it was read. */
      readonly onnxSha256: string | undefined;
    }
  | { readonly ok: false; readonly problem: EntryProblem; readonly reason: string };

export interface EntryFiles {
  /** Path of model.json, used in every reason; model.onnx is looked up beside it. */
  readonly metadataPath: string;
  /** Text of model.json, undefined when it does not exist. */
  readonly metadataText: string | undefined;
  /** Reads a file of the entry, undefined when absent; without it model.onnx is not checked. */
  readonly readOnnx?: (path: string) => Promise<Uint8Array | undefined>;
  /** The sha256 a pin (an environment, MODEL_SHA256) expects of model.onnx. */
  readonly expectedSha256?: string;
}

/**
 * Checks a registry entry: model.json against the shared schema, model.onnx against the sha256
 * model.json records, and that record against the pin. The first failure is the answer.
 */
export async function verifyModelEntry(files: EntryFiles): Promise<VerifiedEntry> {
  const { metadataPath, metadataText } = files;
  if (metadataText === undefined)
    return { ok: false, problem: 'missing', reason: `${metadataPath} does not exist` };
  const parsed = parseModelMetadata(metadataText, metadataPath);
  if (!parsed.ok) return { ok: false, problem: 'invalid', reason: parsed.reason };
  const recorded = parsed.meta.files.onnx.sha256;
  let onnxSha256: string | undefined;
  if (files.readOnnx) {
    const dir = metadataPath.slice(0, metadataPath.lastIndexOf('/') + 1);
    const onnxPath = `${dir}${parsed.meta.files.onnx.path.split('/').pop()}`;
    const bytes = await files.readOnnx(onnxPath);
    if (bytes === undefined)
      return { ok: false, problem: 'onnx-missing', reason: `${onnxPath} does not exist` };
    onnxSha256 = sha256Hex(bytes);
    if (onnxSha256 !== recorded)
      return {
        ok: false,
        problem: 'onnx-mismatch',
        reason: `${onnxPath} hashes to ${onnxSha256}, but ${metadataPath} records ${recorded}`,
      };
  }
  if (files.expectedSha256 !== undefined && files.expectedSha256 !== recorded)
    return {
      ok: false,
      problem: 'pin-mismatch',
      reason: `expected ${recorded} (files.onnx.sha256 of ${metadataPath}), not ${files.expectedSha256}`,
    };
  return { ok: true, meta: parsed.meta, text: metadataText, onnxSha256 };
}
