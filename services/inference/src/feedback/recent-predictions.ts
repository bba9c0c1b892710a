/** What feedback needs of one answered request: whose probabilities, and the labels so far. */
export interface RecentPrediction {
  readonly modelVersion: string;
  readonly probabilities: Float32Array;
  readonly shadow?: { readonly version: string; readonly probabilities: Float32Array } | undefined;
  /**
   * Per passenger: 0 no label yet, 1 died, 2 survived; absent until the first label (most
   * requests never get one). Read and written through `labelAt` and `setLabel`.
   */
  labels?: Uint8Array | undefined;
}

export const NO_LABEL = 0;
export const labelCode = (survived: boolean) => (survived ? 2 : 1);

export const labelAt = (p: RecentPrediction, index: number): number => p.labels?.[index] ?? NO_LABEL;

export function setLabel(p: RecentPrediction, index: number, code: number): void {
  p.labels ??= new Uint8Array(p.probabilities.length);
  p.labels[index] = code;
}

/** An entry with the insertion number that tells a live entry from an older one of the same id. */
interface Entry extends RecentPrediction {
  readonly seq: number;
}

/**
 * The most recent answered requests by id, bounded by passengers held (the oldest go first):
 * feedback on them is checked and scored without asking the database. Older requests are
 * looked up in the prediction log.
 *
 * Insertion order lives in a ring of ids beside the map: evicting from the front of a Map
 * instead would walk the holes its deletions leave, a cost that grows with every request.
 */
export class RecentPredictions {
  readonly #byId = new Map<string, Entry>();
  /** Ids and insertion numbers, oldest at `#head`; one slot per passenger held at most. */
  readonly #ids: (string | undefined)[];
  readonly #seqs: Float64Array;
  #head = 0;
  #length = 0;
  #seq = 0;
  #passengers = 0;

  constructor(readonly maxPassengers: number) {
    this.#ids = new Array(Math.max(1, maxPassengers));
    this.#seqs = new Float64Array(Math.max(1, maxPassengers));
  }

  get size(): number {
    return this.#byId.size;
  }

  get(requestId: string): RecentPrediction | undefined {
    return this.#byId.get(requestId);
  }

  /**
   * Remembers a request. The probabilities are kept as given: a view into one batched run's
   * output holds no more than the run's own rows, all of which are remembered alike.
   */
  add(
    requestId: string,
    modelVersion: string,
    probabilities: Float32Array,
    shadow?: { version: string; probabilities: Float32Array },
  ): void {
    const rows = probabilities.length;
    if (rows > this.maxPassengers) return;
    this.#insert(requestId, rows, modelVersion, probabilities, shadow, undefined);
  }

  /** Remembers a request as it is (one looked up in the database). */
  put(requestId: string, p: RecentPrediction): void {
    const rows = p.probabilities.length;
    if (rows > this.maxPassengers) return;
    this.#insert(requestId, rows, p.modelVersion, p.probabilities, p.shadow, p.labels);
  }

  #insert(
    requestId: string,
    rows: number,
    modelVersion: string,
    probabilities: Float32Array,
    shadow: RecentPrediction['shadow'],
    labels: Uint8Array | undefined,
  ): void {
    const old = this.#byId.get(requestId);
    if (old) {
      this.#passengers -= old.probabilities.length;
      this.#byId.delete(requestId);
    }
    while (this.#passengers + rows > this.maxPassengers || this.#length === this.#ids.length)
      this.#evictOldest();
    const seq = ++this.#seq;
    this.#byId.set(requestId, { modelVersion, probabilities, shadow, labels, seq });
    this.#passengers += rows;
    const tail = (this.#head + this.#length) % this.#ids.length;
    this.#ids[tail] = requestId;
    this.#seqs[tail] = seq;
    this.#length++;
  }

  #evictOldest(): void {
    const id = this.#ids[this.#head]!;
    const seq = this.#seqs[this.#head]!;
    this.#ids[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#ids.length;
    this.#length--;
    const entry = this.#byId.get(id);
    // A request put again since is younger than this slot: its newer slot evicts it.
    if (entry?.seq !== seq) return;
    this.#byId.delete(id);
    this.#passengers -= entry.probabilities.length;
  }
}
