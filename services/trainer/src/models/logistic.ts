/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS) on standardised
 * features. Weights are returned in the raw feature space so the exported graph is a single
 * MatMul + Add on the encoded matrix.
 */
export interface LogisticParams {
  /** Inverse regularisation strength, as in scikit-learn: penalty = ||w||² / (2C). */
  readonly C: number;
  readonly maxIter?: number;
}

export interface LogisticModel {
  readonly kind: 'logistic';
  readonly weights: Float64Array;
  readonly bias: number;
}

export function fitLogistic(
  X: Float32Array,
  y: ArrayLike<number>,
  rows: readonly number[],
  features: number,
  params: LogisticParams,
): LogisticModel {
  const n = rows.length;
  const F = features;
  const mean = new Float64Array(F);
  const scale = new Float64Array(F);
  for (const r of rows) for (let j = 0; j < F; j++) mean[j]! += X[r * F + j]! / n;
  for (const r of rows) for (let j = 0; j < F; j++) scale[j]! += (X[r * F + j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < F; j++) scale[j] = scale[j]! > 1e-12 ? Math.sqrt(scale[j]!) : 1;

  const D = F + 1; // last coefficient is the intercept
  const Z = new Float64Array(n * D);
  rows.forEach((r, i) => {
    for (let j = 0; j < F; j++) Z[i * D + j] = (X[r * F + j]! - mean[j]!) / scale[j]!;
    Z[i * D + F] = 1;
  });
  const lambda = 1 / params.C;
  const beta = new Float64Array(D);
  const grad = new Float64Array(D);
  const hess = new Float64Array(D * D);
  for (let iter = 0; iter < (params.maxIter ?? 50); iter++) {
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < D; j++) z += Z[i * D + j]! * beta[j]!;
      const p = 1 / (1 + Math.exp(-z));
      const g = p - y[rows[i]!]!;
      const h = Math.max(p * (1 - p), 1e-10);
      for (let j = 0; j < D; j++) {
        const zij = Z[i * D + j]!;
        grad[j]! += g * zij;
        for (let k = 0; k <= j; k++) hess[j * D + k]! += h * zij * Z[i * D + k]!;
      }
    }
    for (let j = 0; j < F; j++) {
      grad[j]! += lambda * beta[j]!;
      hess[j * D + j]! += lambda;
    }
    hess[F * D + F]! += 1e-9;
    const step = choleskySolve(hess, grad, D);
    let maxStep = 0;
    for (let j = 0; j < D; j++) {
      beta[j]! -= step[j]!;
      maxStep = Math.max(maxStep, Math.abs(step[j]!));
    }
    if (maxStep < 1e-10) break;
  }
  const weights = new Float64Array(F);
  let bias = beta[F]!;
  for (let j = 0; j < F; j++) {
    weights[j] = beta[j]! / scale[j]!;
    bias -= weights[j]! * mean[j]!;
  }
  return { kind: 'logistic', weights, bias };
}

/** Solves A x = b for symmetric positive definite A, given its lower triangle. */
function choleskySolve(A: Float64Array, b: Float64Array, D: number): Float64Array {
  const L = new Float64Array(D * D);
  for (let j = 0; j < D; j++) {
    let s = A[j * D + j]!;
    for (let k = 0; k < j; k++) s -= L[j * D + k]! ** 2;
    const d = Math.sqrt(Math.max(s, 1e-12));
    L[j * D + j] = d;
    for (let i = j + 1; i < D; i++) {
      let t = A[i * D + j]!;
      for (let k = 0; k < j; k++) t -= L[i * D + k]! * L[j * D + k]!;
      L[i * D + j] = t / d;
    }
  }
  const z = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * D + k]! * z[k]!;
    z[i] = s / L[i * D + i]!;
  }
  const x = new Float64Array(D);
  for (let i = D - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < D; k++) s -= L[k * D + i]! * x[k]!;
    x[i] = s / L[i * D + i]!;
  }
  return x;
}

export function logisticLogits(
  m: LogisticModel,
  X: Float32Array,
  rows: readonly number[],
  F: number,
): Float64Array {
  const out = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    let z = m.bias;
    for (let j = 0; j < F; j++) z += m.weights[j]! * X[r * F + j]!;
    out[i] = z;
  });
  return out;
}
