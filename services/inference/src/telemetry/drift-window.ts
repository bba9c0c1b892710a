import { binIndex, type FeatureHistogram, psi } from '@titanic/features';

interface Tracked {
  readonly feature: string;
  readonly expected: readonly number[];
}

/**
 * A sliding window over the last `size` served passengers: per-feature bin counts of the
 * encoded inputs (kept incrementally, O(features) per passenger), the share predicted to
 * survive and the predicted probabilities. PSI and the mean probability are computed on
 * demand, at scrape time.
 */
export class DriftWindow {
  readonly #tracked: Tracked[];
  // Every tracked feature's column, bin edges and window counts in flat typed arrays: a
  // 1,000-passenger request bins 39,000 values, and this layout keeps that loop free of
  // property look-ups (it measured over twice as fast as one object per feature).
  readonly #columns: Int32Array;
  /** Feature t's edges are #edges[#edgeStart[t] .. #edgeStart[t + 1]). */
  readonly #edgeStart: Int32Array;
  readonly #edges: Float64Array;
  /** Feature t's bin b counts at #actual[#edgeStart[t] + t + b] (one more bin than edges). */
  readonly #actual: Int32Array;
  /** The bin of each tracked feature for each slot: slot * tracked + t. */
  readonly #bins: Uint16Array;
  readonly #positive: Uint8Array;
  readonly #probability: Float32Array;
  readonly #size: number;
  readonly #featureCount: number;
  #next = 0;
  #filled = 0;
  #positives = 0;

  constructor(options: {
    size: number;
    features: readonly string[];
    histograms: readonly FeatureHistogram[];
  }) {
    this.#size = options.size;
    this.#featureCount = options.features.length;
    const used = options.histograms
      .map((h) => ({ h, column: options.features.indexOf(h.feature) }))
      .filter(({ column }) => column >= 0);
    this.#tracked = used.map(({ h }) => ({ feature: h.feature, expected: h.counts }));
    this.#columns = Int32Array.from(used, ({ column }) => column);
    this.#edgeStart = new Int32Array(used.length + 1);
    used.forEach(({ h }, t) => {
      this.#edgeStart[t + 1] = this.#edgeStart[t]! + h.edges.length;
    });
    this.#edges = Float64Array.from(used.flatMap(({ h }) => h.edges));
    this.#actual = new Int32Array(this.#edges.length + used.length);
    this.#bins = new Uint16Array(this.#size * used.length);
    this.#positive = new Uint8Array(this.#size);
    this.#probability = new Float32Array(this.#size);
  }

  get length(): number {
    return this.#filled;
  }

  /** Rows of encoded features and their predicted probabilities (survived: at or above threshold). */
  add(features: Float32Array, rows: number, probabilities: ArrayLike<number>, threshold: number): void {
    const width = this.#columns.length;
    const columns = this.#columns;
    const edgeStart = this.#edgeStart;
    const edges = this.#edges;
    const actual = this.#actual;
    const bins = this.#bins;
    const size = this.#size;
    const featureCount = this.#featureCount;
    let slot = this.#next;
    let filled = this.#filled;
    for (let row = Math.max(0, rows - size); row < rows; row++) {
      const base = slot * width;
      const evict = filled === size;
      const at = row * featureCount;
      for (let t = 0; t < width; t++) {
        const first = edgeStart[t]!;
        const offset = first + t;
        if (evict) actual[offset + bins[base + t]!]!--;
        const bin = binIndex(edges, features[at + columns[t]!]!, first, edgeStart[t + 1]!);
        bins[base + t] = bin;
        actual[offset + bin]!++;
      }
      if (evict) this.#positives -= this.#positive[slot]!;
      const probability = probabilities[row]!;
      const positive = probability >= threshold ? 1 : 0;
      this.#positive[slot] = positive;
      this.#probability[slot] = probability;
      this.#positives += positive;
      slot = slot + 1 === size ? 0 : slot + 1;
      if (!evict) filled++;
    }
    this.#next = slot;
    this.#filled = filled;
  }

  /** PSI per feature; empty before the first passenger. */
  psi(): { feature: string; value: number }[] {
    if (this.#filled === 0) return [];
    return this.#tracked.map((h, t) => {
      const from = this.#edgeStart[t]! + t;
      const to = this.#edgeStart[t + 1]! + t + 1;
      return { feature: h.feature, value: psi(h.expected, Array.from(this.#actual.subarray(from, to))) };
    });
  }

  positiveRate(): number | undefined {
    return this.#filled === 0 ? undefined : this.#positives / this.#filled;
  }

  /** Mean predicted probability: for a calibrated model, an estimate of the positive rate. */
  meanProbability(): number | undefined {
    if (this.#filled === 0) return undefined;
    // Summed afresh (at most `size` values per scrape): a running sum would drift with rounding.
    let sum = 0;
    for (let i = 0; i < this.#filled; i++) sum += this.#probability[i]!;
    return sum / this.#filled;
  }
}
