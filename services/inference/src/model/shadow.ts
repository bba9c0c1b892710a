import { encodeBatch, type Passenger } from '@titanic/features';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { Batcher } from './batcher.ts';
import type { LoadedModel } from './load.ts';
import { checkSelfTest, SELF_TEST } from './predictor.ts';
import { pairSums, ShadowWindow } from './shadow-window.ts';

/**
 * A candidate model scoring the same requests as the served one, in its own onnxruntime
 * session and batcher. Its answers are never returned to clients: they are compared with the
 * served model's (agreement, |Δp|, means, PSI), logged beside them and scored against ground
 * truth. A failed run is counted and the request is served as if there were no shadow.
 */
export class Shadow {
  readonly version: string;
  /** Same encoder parameters as the served model: the encoded rows are shared, not re-encoded. */
  readonly sameEncoder: boolean;
  readonly window: ShadowWindow;
  readonly metadata: LoadedModel['metadata'];
  readonly #model: LoadedModel;
  readonly #batcher: Batcher;
  readonly #counters;
  readonly #errors;
  readonly #logger: Logger;
  readonly #threshold: number;

  constructor(
    model: LoadedModel,
    primary: { version: string; model: LoadedModel; threshold: number },
    options: { metrics: Metrics; logger: Logger; maxRows: number; window: number },
  ) {
    this.version = model.metadata.version;
    this.#model = model;
    this.metadata = model.metadata;
    this.#threshold = primary.threshold;
    this.sameEncoder =
      JSON.stringify(model.metadata.encoder) === JSON.stringify(primary.model.metadata.encoder);
    this.window = new ShadowWindow(options.window, primary.threshold);
    this.#batcher = new Batcher({
      session: model.session,
      inputName: model.metadata.onnx.inputName,
      outputName: model.metadata.onnx.outputName,
      featureCount: model.metadata.features.length,
      maxRows: options.maxRows,
    });
    const labels = { model_version: primary.version, shadow_version: this.version };
    const m = options.metrics;
    this.#counters = {
      predictions: m.shadowPredictions.labels(labels),
      agreements: m.shadowAgreements.labels(labels),
      absDiff: m.shadowAbsDiff.labels(labels),
      primarySum: m.shadowProbabilitySum.labels({ ...labels, role: 'primary' }),
      shadowSum: m.shadowProbabilitySum.labels({ ...labels, role: 'shadow' }),
    };
    for (const c of Object.values(this.#counters)) c.inc(0);
    this.#errors = m.shadowErrors.labels({ shadow_version: this.version });
    this.#errors.inc(0);
    this.#logger = options.logger;
  }

  /** Fails unless the shadow answers sane probabilities for known passengers. */
  async selfTest(): Promise<void> {
    const features = encodeBatch(SELF_TEST, this.#model.metadata.encoder);
    checkSelfTest(await this.#batcher.predict(features, SELF_TEST.length));
  }

  /** The shadow's rows for these passengers: the served model's when the encoders agree. */
  encode(passengers: readonly Passenger[], served: Float32Array): Float32Array {
    return this.sameEncoder ? served : encodeBatch(passengers, this.#model.metadata.encoder);
  }

  /** The shadow's probabilities, or undefined (counted) when its run fails. Never rejects. */
  async score(features: Float32Array, rows: number): Promise<Float32Array | undefined> {
    try {
      return await this.#batcher.predict(features, rows);
    } catch (err) {
      this.#errors.inc();
      this.#logger.warn({ err: (err as Error).message, shadow: this.version }, 'shadow model run failed');
      return undefined;
    }
  }

  /** Records how the shadow compares with the served model on the same rows. */
  compare(primary: Float32Array, shadow: Float32Array, rows: number): void {
    const sums = pairSums(primary, shadow, rows, this.#threshold);
    const c = this.#counters;
    c.predictions.inc(rows);
    c.agreements.inc(sums.agree);
    c.absDiff.inc(sums.absDiff);
    c.primarySum.inc(sums.primary);
    c.shadowSum.inc(sums.shadow);
    this.window.add(primary, shadow, rows);
  }

  drain(): Promise<void> {
    return this.#batcher.drain();
  }
}
