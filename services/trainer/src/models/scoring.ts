import type { GbdtModel, Tree } from './gbdt.ts';
import type { LogisticModel } from './logistic.ts';

/**
 * The shipped model in the exact shape of the exported ONNX graph:
 *   logit = (features · weights) + bias + Σ trees(features);  probability = sigmoid(logit)
 * Blend weights and calibration are folded into `weights`, `bias` and the leaf values, and all
 * numbers are float32, so scoring here and in onnxruntime differ only by float rounding order.
 */
export interface ScoringModel {
  readonly weights: number[] | null;
  readonly bias: number;
  readonly trees: Tree[];
}

export interface Components {
  readonly logistic?: LogisticModel | undefined;
  readonly gbdt?: GbdtModel | undefined;
  /** Weight of the logistic logit in the blend; the trees get 1 − this. */
  readonly logisticWeight: number;
  /** Platt scaling applied to the blended logit: a·z + b. */
  readonly calibration?: { readonly a: number; readonly b: number } | undefined;
}

export function toScoringModel(c: Components): ScoringModel {
  const wl = c.gbdt ? (c.logistic ? c.logisticWeight : 0) : 1;
  const wg = 1 - wl;
  const a = c.calibration?.a ?? 1;
  const b = c.calibration?.b ?? 0;
  const weights = c.logistic ? Array.from(c.logistic.weights, (w) => Math.fround(w * wl * a)) : null;
  let bias = b;
  if (c.logistic) bias += c.logistic.bias * wl * a;
  if (c.gbdt) bias += c.gbdt.base * wg * a;
  const trees = (c.gbdt?.trees ?? []).map((t) => ({
    ...t,
    value: t.value.map((v) => Math.fround(v * wg * a)),
  }));
  return { weights, bias: Math.fround(bias), trees };
}

function leaf(tree: Tree, X: Float32Array, offset: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    node = X[offset + tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return tree.value[node]!;
}

/** Logits computed as the graph does, in float32 (tree sums accumulate in float32 too). */
export function scoringLogits(m: ScoringModel, X: Float32Array, n: number, F: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    if (m.weights) {
      for (let j = 0; j < F; j++) z += m.weights[j]! * X[i * F + j]!;
      z = Math.fround(z);
    }
    z = Math.fround(z + m.bias);
    if (m.trees.length) {
      let s = 0;
      for (const t of m.trees) s = Math.fround(s + leaf(t, X, i * F));
      z = Math.fround(z + s);
    }
    out[i] = z;
  }
  return out;
}

export function scoringProbabilities(m: ScoringModel, X: Float32Array, n: number, F: number): Float32Array {
  return scoringLogits(m, X, n, F).map((z) => 1 / (1 + Math.exp(-z)));
}
