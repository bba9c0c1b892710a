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
 * Dynamic batching: requests that arrive while a run is in flight are coalesced into the next
 * onnxruntime `run`, started as soon as the one in flight completes. An idle batcher starts a
 * run at once: onnxruntime's `run` already defers its work to the check phase of the current
 * event-loop turn, so requests read in the same turn still find a run in flight and share the
 * next one, and a lone request waits for no further turn. No timer is involved, so an idle
 * server adds no latency. Each request is never split: its rows stay contiguous and in order.
 */
export class Batcher {
  readonly #options: BatcherOptions;
  #pending: Pending[] = [];
  #running = false;

  constructor(options: BatcherOptions) {
    this.#options = options;
  }

  /** Probabilities for `rows` rows of row-major features. */
  predict(features: Float32Array, rows: number): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ features, rows, resolve, reject });
      if (!this.#running) void this.#flush();
    });
  }

  /** Resolves once nothing is queued or running. */
  async drain(): Promise<void> {
    while (this.#pending.length > 0 || this.#running) await new Promise((r) => setTimeout(r, 5));
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
      if (this.#pending.length > 0) void this.#flush();
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
