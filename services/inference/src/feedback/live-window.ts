/** Probabilities are clipped this far from 0 and 1 for log loss, as scikit-learn's log_loss does. */
const EPS = 1e-15;

export interface LiveScores {
  readonly labelled: number;
  readonly accuracy: number;
  readonly brier: number;
  readonly logLoss: number;
}

/** The last `size` labelled predictions of one model version, in a ring. */
class Ring {
  readonly p: Float64Array;
  readonly y: Uint8Array;
  count = 0;
  next = 0;
  constructor(size: number) {
    this.p = new Float64Array(size);
    this.y = new Uint8Array(size);
  }
}

/**
 * Live quality per model version over a sliding window of its most recent labelled predictions:
 * labelled count, accuracy at the decision threshold, Brier score and log loss. Scores are
 * computed when asked (at scrape time), from the window as it is: no running sums to drift.
 */
export class LiveWindow {
  readonly #rings = new Map<string, Ring>();

  constructor(
    readonly size: number,
    readonly threshold: number,
    /** Versions kept at once; the one labelled longest ago goes first. */
    readonly maxVersions = 8,
  ) {}

  add(version: string, probability: number, survived: boolean): void {
    let ring = this.#rings.get(version);
    if (ring) this.#rings.delete(version);
    else ring = new Ring(this.size);
    this.#rings.set(version, ring);
    for (const old of this.#rings.keys()) {
      if (this.#rings.size <= this.maxVersions) break;
      this.#rings.delete(old);
    }
    ring.p[ring.next] = probability;
    ring.y[ring.next] = survived ? 1 : 0;
    ring.next = (ring.next + 1) % this.size;
    ring.count = Math.min(ring.count + 1, this.size);
  }

  scores(version: string): LiveScores | undefined {
    const ring = this.#rings.get(version);
    if (!ring || ring.count === 0) return undefined;
    let correct = 0;
    let brier = 0;
    let logLoss = 0;
    for (let i = 0; i < ring.count; i++) {
      const p = ring.p[i]!;
      const y = ring.y[i]!;
      if ((p >= this.threshold ? 1 : 0) === y) correct++;
      brier += (p - y) ** 2;
      const q = Math.min(1 - EPS, Math.max(EPS, p));
      logLoss -= y === 1 ? Math.log(q) : Math.log(1 - q);
    }
    const n = ring.count;
    return { labelled: n, accuracy: correct / n, brier: brier / n, logLoss: logLoss / n };
  }

  versions(): string[] {
    return [...this.#rings.keys()];
  }
}
