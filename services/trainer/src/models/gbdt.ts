import { binIndex } from '@titanic/features';
import { createRng } from '../rng.ts';
import type { FitRows } from './fit-rows.ts';

/**
 * A small histogram gradient-boosted tree ensemble for the logistic loss (second-order leaf
 * values, as in XGBoost/LightGBM). Split thresholds are always an actual float32 training
 * value `t`, with rows `x <= t` going left: that is exactly ONNX TreeEnsemble's BRANCH_LEQ, so
 * the exported trees route every row the way training did.
 */
export interface GbdtParams {
  readonly trees: number;
  readonly depth: number;
  readonly learningRate: number;
  /** L2 penalty on leaf values. */
  readonly lambda: number;
  /** Minimum hessian sum per child (XGBoost's min_child_weight). */
  readonly minChildWeight: number;
  /** Share of rows each tree sees (seeded). */
  readonly subsample: number;
  /** Most bins per feature; more distinct values are cut at quantiles. */
  readonly maxBins?: number;
  /**
   * Early stopping: `trees` becomes the most trees grown. A seeded, stratified share of the rows
   * is held out, trees are added while its log loss improved within the last `patience` trees,
   * and the ensemble is refitted on every row with the best count (see early-stopping.ts).
   */
  readonly earlyStopping?: { readonly validationShare: number; readonly patience: number };
}

/** One tree in flat arrays; `feature[i] < 0` marks a leaf holding `value[i]`. */
export interface Tree {
  readonly feature: number[];
  readonly threshold: number[];
  readonly left: number[];
  readonly right: number[];
  readonly value: number[];
}

export interface GbdtModel {
  readonly kind: 'gbdt';
  /** Log-odds every row starts from (float32). */
  readonly base: number;
  readonly trees: Tree[];
}

/** Candidate thresholds per feature: distinct float32 values (all but the largest), or quantiles of them. */
function binEdges(X: Float32Array, rows: readonly number[], F: number, maxBins: number): Float32Array[] {
  const edges: Float32Array[] = [];
  for (let j = 0; j < F; j++) {
    const values = Float32Array.from(rows, (r) => X[r * F + j]!).sort();
    const distinct: number[] = [];
    for (let i = 0; i < values.length; i++)
      if (i === 0 || values[i] !== values[i - 1]) distinct.push(values[i]!);
    distinct.pop();
    if (distinct.length <= maxBins - 1) {
      edges.push(Float32Array.from(distinct));
      continue;
    }
    const picked = new Set<number>();
    for (let q = 1; q < maxBins; q++) picked.add(values[Math.floor((q * values.length) / maxBins) - 1]!);
    picked.delete(values[values.length - 1]!);
    edges.push(Float32Array.from([...picked].sort((a, b) => a - b)));
  }
  return edges;
}

interface Binned {
  readonly edges: Float32Array[];
  readonly maxB: number;
  /** Per row of X (all of them): each feature's slot in a flat [feature, bin] histogram. */
  readonly slots: Uint32Array;
}

// Every candidate of a CV fold, and both fits of an early-stopped one, bin the same matrix on the
// same rows: the binning is computed once per (matrix, rows, maxBins).
const binCache = new WeakMap<Float32Array, WeakMap<readonly number[], Map<number, Binned>>>();

function binned(X: Float32Array, rows: readonly number[], F: number, maxBins: number): Binned {
  let byRows = binCache.get(X);
  if (!byRows) {
    byRows = new WeakMap();
    binCache.set(X, byRows);
  }
  let byBins = byRows.get(rows);
  if (!byBins) {
    byBins = new Map();
    byRows.set(rows, byBins);
  }
  const cached = byBins.get(maxBins);
  if (cached) return cached;
  const edges = binEdges(X, rows, F, maxBins);
  const maxB = 1 + Math.max(...edges.map((e) => e.length));
  const total = X.length / F;
  const slots = new Uint32Array(total * F);
  for (let r = 0; r < total; r++)
    for (let j = 0; j < F; j++) slots[r * F + j] = j * maxB + binIndex(edges[j]!, X[r * F + j]!);
  const result = { edges, maxB, slots };
  byBins.set(maxBins, result);
  return result;
}

/**
 * Grows `params.trees` trees on `rows` (early stopping is early-stopping.ts's job). `onTree` sees
 * each finished tree and may end the growth by returning false. Split candidates come from
 * `binRows` (default: `rows`), so a fit on part of a fold can share the fold's binning.
 */
export function fitGbdt(
  data: FitRows,
  params: GbdtParams,
  seed: number,
  onTree?: (tree: Tree, base: number) => boolean,
  binRows: readonly number[] = data.rows,
): GbdtModel {
  const { X, y, rows, F } = data;
  const n = rows.length;
  const { edges, maxB, slots: allSlots } = binned(X, binRows, F, params.maxBins ?? 64);
  // The fitted rows' slots, packed, so the hot loop reads them in order.
  const slots = new Uint32Array(n * F);
  for (let i = 0; i < n; i++) slots.set(allSlots.subarray(rows[i]! * F, (rows[i]! + 1) * F), i * F);
  let pos = 0;
  for (const r of rows) pos += y[r]!;
  const prior = Math.min(Math.max(pos / n, 1e-3), 1 - 1e-3);
  const base = Math.fround(Math.log(prior / (1 - prior)));
  const margin = new Float64Array(n).fill(base);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const rng = createRng(seed);
  const trees: Tree[] = [];
  const size = F * maxB;
  // Two histogram buffers (gradient, hessian) per child side per depth: a node's histogram stays
  // alive while its left subtree is grown, and the larger child's is the parent's minus the smaller's.
  const pool = Array.from({ length: params.depth + 1 }, () =>
    [0, 1].map(() => ({ g: new Float64Array(size), h: new Float64Array(size) })),
  );
  const build = (members: readonly number[], into: { g: Float64Array; h: Float64Array }) => {
    into.g.fill(0);
    into.h.fill(0);
    for (const i of members) {
      const gi = grad[i]!;
      const hi = hess[i]!;
      const o = i * F;
      for (let j = 0; j < F; j++) {
        const b = slots[o + j]!;
        into.g[b]! += gi;
        into.h[b]! += hi;
      }
    }
  };

  for (let t = 0; t < params.trees; t++) {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-margin[i]!));
      grad[i] = p - y[rows[i]!]!;
      hess[i] = Math.max(p * (1 - p), 1e-12);
    }
    const sample: number[] = [];
    for (let i = 0; i < n; i++) if (params.subsample >= 1 || rng() < params.subsample) sample.push(i);
    const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
    const grow = (members: number[], depth: number, hist: { g: Float64Array; h: Float64Array }): number => {
      const id = tree.feature.length;
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      let G = 0;
      let H = 0;
      for (const i of members) {
        G += grad[i]!;
        H += hess[i]!;
      }
      tree.value.push(Math.fround((-G / (H + params.lambda)) * params.learningRate));
      if (depth >= params.depth || H < 2 * params.minChildWeight) return id;
      const parentScore = (G * G) / (H + params.lambda);
      let bestGain = 1e-9;
      let bestF = -1;
      let bestBin = -1;
      for (let j = 0; j < F; j++) {
        let gl = 0;
        let hl = 0;
        const nb = edges[j]!.length;
        for (let b = 0; b < nb; b++) {
          gl += hist.g[j * maxB + b]!;
          hl += hist.h[j * maxB + b]!;
          const hr = H - hl;
          if (hl < params.minChildWeight || hr < params.minChildWeight) continue;
          const gr = G - gl;
          const gain = (gl * gl) / (hl + params.lambda) + (gr * gr) / (hr + params.lambda) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            bestF = j;
            bestBin = b;
          }
        }
      }
      if (bestF < 0) return id;
      const leftRows: number[] = [];
      const rightRows: number[] = [];
      const cut = bestF * maxB + bestBin;
      for (const i of members) (slots[i * F + bestF]! <= cut ? leftRows : rightRows).push(i);
      tree.feature[id] = bestF;
      tree.threshold[id] = edges[bestF]![bestBin]!;
      const [leftHist, rightHist] = pool[depth + 1] as [typeof hist, typeof hist];
      if (depth + 1 < params.depth) {
        const leftSmaller = leftRows.length <= rightRows.length;
        const small = leftSmaller ? leftHist : rightHist;
        const large = leftSmaller ? rightHist : leftHist;
        build(leftSmaller ? leftRows : rightRows, small);
        for (let b = 0; b < size; b++) {
          large.g[b] = hist.g[b]! - small.g[b]!;
          large.h[b] = hist.h[b]! - small.h[b]!;
        }
      }
      tree.left[id] = grow(leftRows, depth + 1, leftHist);
      tree.right[id] = grow(rightRows, depth + 1, rightHist);
      return id;
    };
    const root = pool[0]![0]!;
    if (params.depth > 0) build(sample, root);
    grow(sample, 0, root);
    for (let i = 0; i < n; i++) margin[i]! += leafValue(tree, X, rows[i]! * F);
    trees.push(tree);
    if (onTree && !onTree(tree, base)) break;
  }
  return { kind: 'gbdt', base, trees };
}

export function leafValue(tree: Tree, X: Float32Array, offset: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    node = X[offset + tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return tree.value[node]!;
}

export function gbdtLogits(m: GbdtModel, X: Float32Array, rows: readonly number[], F: number): Float64Array {
  const out = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    let z = m.base;
    for (const tree of m.trees) z += leafValue(tree, X, r * F);
    out[i] = z;
  });
  return out;
}
