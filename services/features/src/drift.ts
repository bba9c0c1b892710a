import { z } from 'zod';

/**
 * A training histogram for one encoded feature. Bin i counts values v with
 * edges[i-1] < v <= edges[i]; the first bin is open below, the last open above,
 * so `counts.length === edges.length + 1`.
 */
export const featureHistogramSchema = z
  .object({
    feature: z.string(),
    edges: z.array(z.number()),
    counts: z.array(z.number().int().nonnegative()),
  })
  .refine((h) => h.counts.length === h.edges.length + 1, 'counts must have one more entry than edges');
export type FeatureHistogram = z.infer<typeof featureHistogramSchema>;

/**
 * Index of the bin `value` falls in: the first edge at or above it (binary search over sorted
 * edges), or the edge count when it is above them all. With `from`/`to`, the edges are
 * `edges[from..to)` of a larger flat array and the index is relative to `from`.
 */
export function binIndex(edges: ArrayLike<number>, value: number, from = 0, to = edges.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo - from;
}

/** Edges at the distinct deciles of `values`: few bins for binary features, ten for continuous ones. */
export function quantileEdges(values: readonly number[], bins = 10): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const edges = new Set<number>();
  for (let q = 1; q < bins; q++)
    edges.add(sorted[Math.min(sorted.length - 1, Math.floor((q * sorted.length) / bins))]!);
  const max = sorted[sorted.length - 1]!;
  edges.delete(max); // an edge at the maximum would leave the top bin empty by construction
  return [...edges].sort((a, b) => a - b);
}

export function histogram(
  feature: string,
  values: readonly number[],
  edges: readonly number[],
): FeatureHistogram {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) counts[binIndex(edges, v)]!++;
  return { feature, edges: [...edges], counts };
}

/**
 * Population stability index of `actual` counts against `expected` counts over the same bins.
 * Empty bins are smoothed with a small share so one unseen bin does not make the index infinite.
 * Rule of thumb: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 significant shift.
 */
export function psi(expected: readonly number[], actual: readonly number[], epsilon = 1e-4): number {
  if (expected.length !== actual.length) throw new Error('psi: expected and actual need the same bins');
  const eTotal = expected.reduce((a, b) => a + b, 0);
  const aTotal = actual.reduce((a, b) => a + b, 0);
  if (eTotal === 0 || aTotal === 0) return 0;
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i]! / eTotal, epsilon);
    const a = Math.max(actual[i]! / aTotal, epsilon);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}
