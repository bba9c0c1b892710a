import * as ort from 'onnxruntime-node';

interface Pending {
  readonly features: Float32Array;
  readonly rows: number;
  readonly resolve: (probabilities: Float32Array) => void;
  readonly reject: (error: Error) => void;
}

export interface BatcherOptions {
  readonly session: ort.InferenceSession;
  readonly inputName: string;
  readonly outputName: string;
  readonly featureCount: number;
  /** Rows one onnxruntime run may take; a single request larger than this still runs alone. */
  readonly maxRows: number;
  /** Called with the row count of every run (for the batch-size histogram). */
  readonly onRun?: (rows: number) => void;
}

/**
 * Dynamic batching: requests that arrive while the event loop is busy, or while a run is in
 * flight, are coalesced into one onnxruntime `run`. The wait is bounded by one turn of the
 * event loop (setImmediate) or the run in flight, never by a timer, so an idle server adds no
 * latency. Each request is never split: its rows stay contiguous and in order.
 */
export class Batcher {
  readonly #options: BatcherOptions;
  #pending: Pending[] = [];
  #scheduled = false;
  #running = false;

  constructor(options: BatcherOptions) {
    this.#options = options;
  }

  /** Probabilities for `rows` rows of row-major features. */
  predict(features: Float32Array, rows: number): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ features, rows, resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves once nothing is queued or running. */
  async drain(): Promise<void> {
    while (this.#pending.length > 0 || this.#running) await new Promise((r) => setTimeout(r, 5));
  }

  #schedule(): void {
    if (this.#scheduled || this.#running) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  #take(): Pending[] {
    let rows = 0;
    let count = 0;
    for (const p of this.#pending) {
      if (count > 0 && rows + p.rows > this.#options.maxRows) break;
      rows += p.rows;
      count++;
    }
    return this.#pending.splice(0, count);
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const batch = this.#take();
    this.#running = true;
    try {
      const total = batch.reduce((n, p) => n + p.rows, 0);
      const input =
        batch.length === 1 ? batch[0]!.features : concat(batch, total, this.#options.featureCount);
      const output = await this.#run(input, total);
      let offset = 0;
      for (const p of batch) {
        p.resolve(output.subarray(offset, offset + p.rows));
        offset += p.rows;
      }
    } catch (err) {
      for (const p of batch) p.reject(err as Error);
    } finally {
      this.#running = false;
      if (this.#pending.length > 0) this.#schedule();
    }
  }

  async #run(input: Float32Array, rows: number): Promise<Float32Array> {
    const { session, inputName, outputName, featureCount, onRun } = this.#options;
    onRun?.(rows);
    const tensor = new ort.Tensor('float32', input, [rows, featureCount]);
    const results = await session.run({ [inputName]: tensor });
    const out = results[outputName];
    if (!out || !(out.data instanceof Float32Array) || out.data.length !== rows)
      throw new Error(`model output ${outputName} is not float32 [${rows}] (dims ${out?.dims.join('x')})`);
    return out.data;
  }
}

function concat(batch: readonly Pending[], rows: number, featureCount: number): Float32Array {
  const input = new Float32Array(rows * featureCount);
  let offset = 0;
  for (const p of batch) {
    input.set(p.features, offset);
    offset += p.features.length;
  }
  return input;
}
