import { FEATURE_COUNT } from '@titanic/features';
import * as ort from 'onnxruntime-node';
import { TrainerError } from '../errors.ts';

/** The largest difference the exported file may show against the trainer's own scoring. */
export const PARITY_TOLERANCE = 1e-5;

/** Runs an exported model in onnxruntime over `n` rows of `features`. */
export async function onnxProbabilities(
  onnx: Uint8Array,
  features: Float32Array,
  n: number,
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(onnx);
  try {
    const out = await session.run({ features: new ort.Tensor('float32', features, [n, FEATURE_COUNT]) });
    const probability = out.probability;
    if (probability?.dims.length !== 1 || probability.dims[0] !== n) {
      throw new TrainerError(
        `the exported model answers ${JSON.stringify(probability?.dims)} for ${n} rows, not [${n}]`,
      );
    }
    return probability.data as Float32Array;
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/**
 * Scores the training matrix with the exported file in onnxruntime, the runtime the server uses,
 * and refuses a file whose answers differ from the trainer's by more than the tolerance: a model
 * that serves other numbers than it was evaluated on is never written.
 */
export async function checkOnnxParity(
  onnx: Uint8Array,
  features: Float32Array,
  expected: Float32Array,
): Promise<number> {
  const n = expected.length;
  const worst = maxAbsDiff(await onnxProbabilities(onnx, features, n), expected);
  if (!(worst <= PARITY_TOLERANCE)) {
    throw new TrainerError(
      `the exported ONNX model differs from the trainer's scoring by ${worst} on the training rows (at most ${PARITY_TOLERANCE} allowed); nothing was written`,
    );
  }
  return worst;
}
