import { encodeBatch, type Passenger } from '@titanic/features';
import type * as ort from 'onnxruntime-node';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { Batcher } from './batcher.ts';
import type { LoadedModel } from './load.ts';
import { checkSelfTest, SELF_TEST } from './predictor.ts';
import { pairSums, ShadowWindow } from './shadow-window.ts';

/** The served model and the shadow in one graph: one onnxruntime run answers both. */
export interface PairedSession {
  readonly session: ort.InferenceSession;
  /** The shadow's own input in the paired graph, or undefined when it reads the served model's. */
  readonly shadowInput: string | undefined;
  /** The shadow's output in the paired graph (the served model's keeps its name). */
  readonly shadowOutput: string;
}

/** Whether two models encode passengers alike, so one's encoded rows serve the other. */
export function encodersAgree(a: LoadedModel, b: LoadedModel): boolean {
  return JSON.stringify(a.metadata.encoder) === JSON.stringify(b.metadata.encoder);
}

/**
 * A candidate model scoring the same requests as the served one. Its answers are never returned
 * to clients: they are compared with the served model's (agreement, |Δp|, means, PSI), logged
 * beside them and scored against ground truth. When the two could be paired, the shadow runs
 * inside the served model's run (`paired`); otherwise in its own session and batcher. Either way
 * a failed run is counted and the request is served as if there were no shadow.
 */
export class Shadow {
  readonly version: string;
  /** Same encoder parameters as the served model: the encoded rows are shared, not re-encoded. */
  readonly sameEncoder: boolean;
  readonly window: ShadowWindow;
  readonly metadata: LoadedModel['metadata'];
  readonly paired: PairedSession | undefined;
  readonly #model: LoadedModel;
  readonly #batcher: Batcher;
  readonly #counters;
  readonly #errors;
  readonly #logger: Logger;
  readonly #threshold: number;
  /** Comparison sums not yet added to the counters: they are added at scrape time, not per request. */
  #unpublished = { predictions: 0, agreements: 0, absDiff: 0, primary: 0, shadow: 0 };

  constructor(
    model: LoadedModel,
    primary: { version: string; model: LoadedModel; threshold: number },
    options: {
      metrics: Metrics;
      logger: Logger;
      maxRows: number;
      window: number;
      paired?: PairedSession | undefined;
    },
  ) {
    this.version = model.metadata.version;
    this.#model = model;
    this.metadata = model.metadata;
    this.#threshold = primary.threshold;
    this.sameEncoder = encodersAgree(model, primary.model);
    this.paired = options.paired;
    this.window = new ShadowWindow(options.window, primary.threshold);
    this.#batcher = new Batcher({
      session: model.session,
      inputNames: [model.metadata.onnx.inputName],
      outputNames: [model.metadata.onnx.outputName],
      featureCount: model.metadata.features.length,
      maxRows: options.maxRows,
    });
    const labels = { model_version: primary.version, shadow_version: this.version };
    const m = options.metrics;
    this.#counters = {
      predictions: m.shadowPredictions.labels(labels),
      agreements: m.shadowAgreements.labels(labels),
      absDiff: m.shadowAbsDiff.labels(labels),
      primary: m.shadowProbabilitySum.labels({ ...labels, role: 'primary' }),
      shadow: m.shadowProbabilitySum.labels({ ...labels, role: 'shadow' }),
    };
    for (const c of Object.values(this.#counters)) c.inc(0);
    this.#errors = m.shadowErrors.labels({ shadow_version: this.version });
    this.#errors.inc(0);
    this.#logger = options.logger;
  }

  /** Fails unless the shadow, in its own session, answers sane probabilities for known passengers. */
  async selfTest(): Promise<Float32Array> {
    const features = encodeBatch(SELF_TEST, this.#model.metadata.encoder);
    const [probabilities] = await this.#batcher.predict([features], SELF_TEST.length);
    checkSelfTest(probabilities!);
    return probabilities!;
  }

  /**
   * The shadow's rows: the served model's when the encoders agree, the passengers encoded its own
   * way otherwise, undefined when they differ and only encoded rows are at hand (OIP v2 tensors).
   */
  features(served: Float32Array, passengers: readonly Passenger[] | undefined): Float32Array | undefined {
    if (this.sameEncoder) return served;
    return passengers && encodeBatch(passengers, this.#model.metadata.encoder);
  }

  /** The shadow's probabilities from its own session, or undefined when its run fails (counted). Never rejects. */
  async score(features: Float32Array, rows: number): Promise<Float32Array | undefined> {
    try {
      return (await this.#batcher.predict([features], rows))[0];
    } catch (err) {
      this.failed(err as Error);
      return undefined;
    }
  }

  /** Counts and logs a run that could not score the shadow. */
  failed(err: Error): void {
    this.#errors.inc();
    this.#logger.warn({ err: err.message, shadow: this.version }, 'shadow model run failed');
  }

  /** Records how the shadow compares with the served model on the same rows. */
  compare(primary: Float32Array, shadow: Float32Array, rows: number): void {
    const sums = pairSums(primary, shadow, rows, this.#threshold);
    const u = this.#unpublished;
    u.predictions += rows;
    u.agreements += sums.agree;
    u.absDiff += sums.absDiff;
    u.primary += sums.primary;
    u.shadow += sums.shadow;
    this.window.add(primary, shadow, rows);
  }

  /** Adds the comparisons since the last call to the exported counters (at scrape time). */
  publish(): void {
    const u = this.#unpublished;
    this.#unpublished = { predictions: 0, agreements: 0, absDiff: 0, primary: 0, shadow: 0 };
    const c = this.#counters;
    c.predictions.inc(u.predictions);
    c.agreements.inc(u.agreements);
    c.absDiff.inc(u.absDiff);
    c.primary.inc(u.primary);
    c.shadow.inc(u.shadow);
  }

  drain(): Promise<void> {
    return this.#batcher.drain();
  }
}
