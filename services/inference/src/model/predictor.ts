import {
  DECISION_THRESHOLD,
  type EncoderParams,
  encodeBatch,
  FEATURE_COUNT,
  type Passenger,
} from '@titanic/features';
import type { DriftWindow } from '../telemetry/drift-window.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { Batcher } from './batcher.ts';
import type { LoadedModel } from './load.ts';

/** Passengers the self-test predicts before the server reports ready. */
export const SELF_TEST: Passenger[] = [
  { pclass: 1, sex: 'female', age: 38, sibsp: 1, parch: 0, fare: 71.28, embarked: 'C' },
  { pclass: 3, sex: 'male', age: null, sibsp: 0, parch: 0, fare: null, embarked: null },
];

/** Throws unless every self-test answer is a probability. */
export function checkSelfTest(probabilities: Float32Array): void {
  for (const p of probabilities)
    if (!Number.isFinite(p) || p < 0 || p > 1)
      throw new Error(`self-test prediction returned ${p}, expected a probability in [0, 1]`);
}

/**
 * Encoding, batched inference and the per-prediction bookkeeping (metrics, drift window) for
 * both APIs. Everything about the model comes from its files.
 */
export class Predictor {
  readonly version: string;
  readonly threshold = DECISION_THRESHOLD;
  readonly featureCount = FEATURE_COUNT;
  readonly #encoder: EncoderParams;
  readonly #batcher: Batcher;
  readonly #counters: ReturnType<Metrics['forModel']>;
  readonly #drift: DriftWindow;

  constructor(
    readonly model: LoadedModel,
    options: { metrics: Metrics; drift: DriftWindow; maxRows: number },
  ) {
    this.version = model.metadata.version;
    this.#encoder = model.metadata.encoder;
    this.#drift = options.drift;
    this.#counters = options.metrics.forModel(this.version);
    const inferenceBatchSize = options.metrics.inferenceBatchSize;
    this.#batcher = new Batcher({
      session: model.session,
      inputName: model.metadata.onnx.inputName,
      outputName: model.metadata.onnx.outputName,
      featureCount: FEATURE_COUNT,
      maxRows: options.maxRows,
      onRun: (rows) => inferenceBatchSize.observe(rows),
    });
  }

  encode(passengers: readonly Passenger[]): Float32Array {
    return encodeBatch(passengers, this.#encoder);
  }

  /** Probabilities for encoded rows; records metrics and the drift window. */
  async predict(features: Float32Array, rows: number, api: 'v1' | 'v2'): Promise<Float32Array> {
    const probabilities = await this.#batcher.predict(features, rows);
    (api === 'v1' ? this.#counters.v1Size : this.#counters.v2Size).observe(rows);
    let survived = 0;
    for (let i = 0; i < rows; i++) if (probabilities[i]! >= this.threshold) survived++;
    this.#counters.probability.observeMany(probabilities, rows);
    if (survived > 0) this.#counters.survived.inc(survived);
    if (rows - survived > 0) this.#counters.died.inc(rows - survived);
    this.#drift.add(features, rows, probabilities, this.threshold);
    return probabilities;
  }

  /** Fails unless the model answers sane probabilities for known passengers. */
  async selfTest(): Promise<void> {
    checkSelfTest(await this.#batcher.predict(this.encode(SELF_TEST), SELF_TEST.length));
  }

  drain(): Promise<void> {
    return this.#batcher.drain();
  }
}
