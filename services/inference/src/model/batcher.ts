import * as ort from 'onnxruntime-node';

interface Pending {
  /** One row-major float32 block per input. */
  readonly inputs: readonly Float32Array[];
  readonly rows: number;
  readonly resolve: (outputs: Float32Array[]) => void;
  readonly reject: (error: Error) => void;
}

export interface BatcherOptions {
  readonly session: ort.InferenceSession;
  /** The float32 [N, featureCount] inputs every run takes, in this order (a paired graph may have two). */
  readonly inputNames: readonly string[];
  /** The float32 [N] outputs every run answers, in this order (a paired graph has two). */
  readonly outputNames: readonly string[];
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

  /** Each output's values for `rows` rows, given each input's row-major features. */
  predict(inputs: readonly Float32Array[], rows: number): Promise<Float32Array[]> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ inputs, rows, resolve, reject });
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
      const { inputNames, featureCount } = this.#options;
      const inputs =
        batch.length === 1
          ? batch[0]!.inputs
          : inputNames.map((_, i) => concat(batch, i, total, featureCount));
      const outputs = await this.#run(inputs, total);
      if (batch.length === 1) batch[0]!.resolve(outputs);
      else {
        let offset = 0;
        for (const p of batch) {
          const end = offset + p.rows;
          p.resolve(outputs.map((o) => o.subarray(offset, end)));
          offset = end;
        }
      }
    } catch (err) {
      for (const p of batch) p.reject(err as Error);
    } finally {
      this.#running = false;
      if (this.#pending.length > 0) void this.#flush();
    }
  }

  async #run(inputs: readonly Float32Array[], rows: number): Promise<Float32Array[]> {
    const { session, inputNames, outputNames, featureCount, onRun } = this.#options;
    onRun?.(rows);
    const feeds: Record<string, ort.Tensor> = {};
    inputNames.forEach((name, i) => {
      feeds[name] = new ort.Tensor('float32', inputs[i]!, [rows, featureCount]);
    });
    const results = await session.run(feeds);
    return outputNames.map((name) => {
      const out = results[name];
      if (!out || !(out.data instanceof Float32Array) || out.data.length !== rows)
        throw new Error(`model output ${name} is not float32 [${rows}] (dims ${out?.dims.join('x')})`);
      return out.data;
    });
  }
}

/** The batch's rows of input `i`, one request after another. */
function concat(batch: readonly Pending[], i: number, rows: number, featureCount: number): Float32Array {
  const input = new Float32Array(rows * featureCount);
  let offset = 0;
  for (const p of batch) {
    input.set(p.inputs[i]!, offset);
    offset += p.inputs[i]!.length;
  }
  return input;
}
