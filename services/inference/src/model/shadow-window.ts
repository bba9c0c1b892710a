import { psi } from '@titanic/features';

/** Equal-width probability bins for the shadow's PSI against the served model. */
const BINS = 10;

export interface ShadowWindowStats {
  readonly pairs: number;
  readonly agreement: number;
  readonly meanAbsDiff: number;
  readonly meanPrimary: number;
  readonly meanShadow: number;
  /** PSI of the shadow's probabilities against the served model's, over the same passengers. */
  readonly psi: number;
}

/**
 * The last `size` (served, shadow) probability pairs, bin counts kept incrementally; the
 * comparison is computed on demand (scrape, web page).
 */
export class ShadowWindow {
  readonly #primary: Float32Array;
  readonly #shadow: Float32Array;
  readonly #primaryBins = new Array<number>(BINS).fill(0);
  readonly #shadowBins = new Array<number>(BINS).fill(0);
  #next = 0;
  #filled = 0;

  constructor(
    readonly size: number,
    readonly threshold: number,
  ) {
    this.#primary = new Float32Array(size);
    this.#shadow = new Float32Array(size);
  }

  add(primary: Float32Array, shadow: Float32Array, rows: number): void {
    for (let i = 0; i < rows; i++) {
      const slot = this.#next;
      if (this.#filled === this.size) {
        this.#primaryBins[bin(this.#primary[slot]!)]!--;
        this.#shadowBins[bin(this.#shadow[slot]!)]!--;
      } else this.#filled++;
      const p = primary[i]!;
      const s = shadow[i]!;
      this.#primary[slot] = p;
      this.#shadow[slot] = s;
      this.#primaryBins[bin(p)]!++;
      this.#shadowBins[bin(s)]!++;
      this.#next = (slot + 1) % this.size;
    }
  }

  stats(): ShadowWindowStats | undefined {
    const n = this.#filled;
    if (n === 0) return undefined;
    const sums = pairSums(this.#primary, this.#shadow, n, this.threshold);
    return {
      pairs: n,
      agreement: sums.agree / n,
      meanAbsDiff: sums.absDiff / n,
      meanPrimary: sums.primary / n,
      meanShadow: sums.shadow / n,
      psi: psi(this.#primaryBins, this.#shadowBins),
    };
  }
}

const bin = (p: number) => (p >= 1 ? BINS - 1 : p <= 0 || !(p > 0) ? 0 : Math.floor(p * BINS));

/** Over the first `rows` pairs: label agreements, summed |Δp|, and each side's summed probability. */
export function pairSums(primary: Float32Array, shadow: Float32Array, rows: number, threshold: number) {
  let agree = 0;
  let absDiff = 0;
  let sp = 0;
  let ss = 0;
  for (let i = 0; i < rows; i++) {
    const p = primary[i]!;
    const s = shadow[i]!;
    if (p >= threshold === s >= threshold) agree++;
    absDiff += Math.abs(p - s);
    sp += p;
    ss += s;
  }
  return { agree, absDiff, primary: sp, shadow: ss };
}
