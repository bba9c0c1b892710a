/**
 * One answered request as feedback sees it: whose probabilities, and the labels so far. A copy
 * taken when it was looked up; `labelAt` and `setLabel` reach the memory's own labels while the
 * request is still held there.
 */
export interface RecentPrediction {
  readonly modelVersion: string;
  readonly probabilities: Float32Array;
  readonly shadow?: { readonly version: string; readonly probabilities: Float32Array } | undefined;
  /** Per passenger: 0 no label yet, 1 died, 2 survived. */
  readonly labels: Uint8Array;
}

export const NO_LABEL = 0;
export const labelCode = (survived: boolean) => (survived ? 2 : 1);

/** A copy handed out by `get`, with where the request was held when it was taken. */
interface Held extends RecentPrediction {
  readonly requestId: string;
  readonly slot: number;
}

/**
 * The most recent answered requests by id, bounded by passengers held (the oldest go first):
 * feedback on them is checked and scored without asking the database. Older requests are
 * looked up in the prediction log.
 *
 * Every request is remembered, so remembering one must cost next to nothing: the values live in
 * preallocated rings (a passenger's probabilities and label at one position, a request's id,
 * versions and rows at one slot) and a map from request id to slot. Nothing is allocated per
 * request but the map's entry, and the garbage collector never traces the held values.
 */
export class RecentPredictions {
  readonly #slotOf = new Map<string, number>();
  // Per slot (a request), oldest at #head.
  readonly #ids: (string | undefined)[];
  readonly #versions: (string | undefined)[];
  readonly #shadowVersions: (string | undefined)[];
  /** Absolute position of the request's first passenger (increasing; modulo the ring size). */
  readonly #starts: Float64Array;
  readonly #rows: Int32Array;
  // Per passenger position.
  readonly #probabilities: Float32Array;
  #shadowProbabilities: Float32Array | undefined;
  readonly #labels: Uint8Array;
  /** Requests and passenger positions the rings hold. */
  readonly #size: number;
  #head = 0;
  #length = 0;
  /** Absolute position the next request's passengers start at. */
  #next = 0;

  constructor(readonly maxPassengers: number) {
    const size = Math.max(1, maxPassengers);
    this.#size = size;
    this.#ids = new Array(size).fill(undefined);
    this.#versions = new Array(size).fill(undefined);
    this.#shadowVersions = new Array(size).fill(undefined);
    this.#starts = new Float64Array(size);
    this.#rows = new Int32Array(size);
    this.#probabilities = new Float32Array(size);
    this.#labels = new Uint8Array(size);
  }

  get size(): number {
    return this.#slotOf.size;
  }

  /** A copy of what is held for the request, or undefined when it is not held (any more). */
  get(requestId: string): RecentPrediction | undefined {
    const slot = this.#slotOf.get(requestId);
    if (slot === undefined) return undefined;
    const from = this.#starts[slot]! % this.#size;
    const to = from + this.#rows[slot]!;
    const shadowVersion = this.#shadowVersions[slot];
    const held: Held = {
      requestId,
      slot,
      modelVersion: this.#versions[slot]!,
      probabilities: this.#probabilities.slice(from, to),
      shadow:
        shadowVersion === undefined
          ? undefined
          : { version: shadowVersion, probabilities: this.#shadowProbabilities!.slice(from, to) },
      labels: this.#labels.slice(from, to),
    };
    return held;
  }

  /** Remembers an answered request (the hot path: values are copied into the rings). */
  add(
    requestId: string,
    modelVersion: string,
    probabilities: Float32Array,
    shadow?: { version: string; probabilities: Float32Array },
  ): void {
    this.#store(requestId, modelVersion, probabilities, shadow, undefined);
  }

  /** Remembers a request looked up in the database, with its labels so far. */
  put(requestId: string, p: RecentPrediction): void {
    this.#store(requestId, p.modelVersion, p.probabilities, p.shadow, p.labels);
  }

  #store(
    requestId: string,
    modelVersion: string,
    probabilities: Float32Array,
    shadow: RecentPrediction['shadow'],
    labels: Uint8Array | undefined,
  ): void {
    const rows = probabilities.length;
    if (rows > this.maxPassengers) return;
    const at = this.#insert(requestId, rows, modelVersion, shadow?.version);
    this.#probabilities.set(probabilities, at);
    if (shadow) this.#shadows().set(shadow.probabilities, at);
    if (labels) this.#labels.set(labels, at);
    else this.#labels.fill(NO_LABEL, at, at + rows);
  }

  /** The passenger's label: the memory's own while the request is held, else the copy's. */
  labelAt(p: RecentPrediction, index: number): number {
    const at = this.#heldAt(p);
    return at === undefined ? (p.labels[index] ?? NO_LABEL) : this.#labels[at + index]!;
  }

  /** Sets the passenger's label in the copy and, while the request is held, in the memory. */
  setLabel(p: RecentPrediction, index: number, code: number): void {
    p.labels[index] = code;
    const at = this.#heldAt(p);
    if (at !== undefined) this.#labels[at + index] = code;
  }

  /** Ring position of the copy's first passenger while its request is still held there. */
  #heldAt(p: RecentPrediction): number | undefined {
    const held = p as Partial<Held>;
    if (held.slot === undefined || held.requestId === undefined) return undefined;
    if (this.#slotOf.get(held.requestId) !== held.slot) return undefined;
    return this.#starts[held.slot]! % this.#size;
  }

  #shadows(): Float32Array {
    this.#shadowProbabilities ??= new Float32Array(this.#probabilities.length);
    return this.#shadowProbabilities;
  }

  /** Takes a slot and `rows` contiguous passenger positions, evicting the oldest requests. */
  #insert(requestId: string, rows: number, modelVersion: string, shadowVersion: string | undefined): number {
    const size = this.#size;
    // A request's passengers never wrap around the end of the ring.
    let start = this.#next;
    if ((start % size) + rows > size) start += size - (start % size);
    // What stays must lie within the one lap of the ring that ends with this request.
    while (this.#length === size || (this.#length > 0 && this.#starts[this.#head]! < start + rows - size))
      this.#evictOldest();
    this.#next = start + rows;
    const slot = (this.#head + this.#length) % size;
    this.#length++;
    this.#ids[slot] = requestId;
    this.#versions[slot] = modelVersion;
    this.#shadowVersions[slot] = shadowVersion;
    this.#starts[slot] = start;
    this.#rows[slot] = rows;
    this.#slotOf.set(requestId, slot);
    return start % size;
  }

  #evictOldest(): void {
    const slot = this.#head;
    const id = this.#ids[slot]!;
    // A request id seen again since points at its newer slot: that one stays.
    if (this.#slotOf.get(id) === slot) this.#slotOf.delete(id);
    this.#ids[slot] = undefined;
    this.#versions[slot] = undefined;
    this.#shadowVersions[slot] = undefined;
    this.#head = (this.#head + 1) % this.#size;
    this.#length--;
  }
}
