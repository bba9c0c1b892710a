/** What feedback needs of one answered request: whose probabilities, and the labels so far. */
export interface RecentPrediction {
  readonly modelVersion: string;
  readonly probabilities: Float32Array;
  readonly shadow?: { readonly version: string; readonly probabilities: Float32Array } | undefined;
  /** Per passenger: 0 no label yet, 1 died, 2 survived. */
  readonly labels: Uint8Array;
}

export const NO_LABEL = 0;
export const labelCode = (survived: boolean) => (survived ? 2 : 1);

/**
 * The most recent answered requests by id, bounded by passengers held (the oldest go first):
 * feedback on them is checked and scored without asking the database. Older requests are
 * looked up in the prediction log.
 */
export class RecentPredictions {
  readonly #byId = new Map<string, RecentPrediction>();
  #passengers = 0;

  constructor(readonly maxPassengers: number) {}

  get size(): number {
    return this.#byId.size;
  }

  get(requestId: string): RecentPrediction | undefined {
    return this.#byId.get(requestId);
  }

  /** Remembers a request; its probabilities are copied out of the (shared) inference output. */
  add(
    requestId: string,
    modelVersion: string,
    probabilities: Float32Array,
    shadow?: { version: string; probabilities: Float32Array },
  ): void {
    const rows = probabilities.length;
    if (rows > this.maxPassengers) return;
    this.put(requestId, {
      modelVersion,
      probabilities: probabilities.slice(),
      shadow: shadow && { version: shadow.version, probabilities: shadow.probabilities.slice() },
      labels: new Uint8Array(rows),
    });
  }

  /** Remembers a request as it is (one looked up in the database). */
  put(requestId: string, prediction: RecentPrediction): void {
    const old = this.#byId.get(requestId);
    if (old) {
      this.#passengers -= old.labels.length;
      this.#byId.delete(requestId);
    }
    this.#byId.set(requestId, prediction);
    this.#passengers += prediction.labels.length;
    for (const [id, p] of this.#byId) {
      if (this.#passengers <= this.maxPassengers) break;
      this.#byId.delete(id);
      this.#passengers -= p.labels.length;
    }
  }
}
