import { binIndex, type FeatureHistogram, psi } from '@titanic/features';

interface Tracked {
  readonly feature: string;
  readonly column: number;
  readonly edges: readonly number[];
  readonly expected: readonly number[];
  readonly actual: Int32Array;
}

/**
 * A sliding window over the last `size` served passengers: per-feature bin counts of the
 * encoded inputs (kept incrementally, O(features) per passenger), the share predicted to
 * survive and the predicted probabilities. PSI and the mean probability are computed on
 * demand, at scrape time.
 */
export class DriftWindow {
  readonly #tracked: Tracked[];
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
    this.#tracked = options.histograms.flatMap((h) => {
      const column = options.features.indexOf(h.feature);
      if (column < 0) return [];
      return [{ ...h, column, expected: h.counts, actual: new Int32Array(h.counts.length) }];
    });
    this.#bins = new Uint16Array(this.#size * this.#tracked.length);
    this.#positive = new Uint8Array(this.#size);
    this.#probability = new Float32Array(this.#size);
  }

  get length(): number {
    return this.#filled;
  }

  /** Rows of encoded features and their predicted probabilities (survived: at or above threshold). */
  add(features: Float32Array, rows: number, probabilities: ArrayLike<number>, threshold: number): void {
    const tracked = this.#tracked;
    const width = tracked.length;
    const featureCount = this.#featureCount;
    for (let row = Math.max(0, rows - this.#size); row < rows; row++) {
      const slot = this.#next;
      const base = slot * width;
      const evict = this.#filled === this.#size;
      for (let t = 0; t < width; t++) {
        const h = tracked[t]!;
        if (evict) h.actual[this.#bins[base + t]!]!--;
        const bin = binIndex(h.edges, features[row * featureCount + h.column]!);
        this.#bins[base + t] = bin;
        h.actual[bin]!++;
      }
      if (evict) this.#positives -= this.#positive[slot]!;
      const probability = probabilities[row]!;
      const positive = probability >= threshold ? 1 : 0;
      this.#positive[slot] = positive;
      this.#probability[slot] = probability;
      this.#positives += positive;
      this.#next = (slot + 1) % this.#size;
      if (!evict) this.#filled++;
    }
  }

  /** PSI per feature; empty before the first passenger. */
  psi(): { feature: string; value: number }[] {
    if (this.#filled === 0) return [];
    return this.#tracked.map((h) => ({ feature: h.feature, value: psi(h.expected, Array.from(h.actual)) }));
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
