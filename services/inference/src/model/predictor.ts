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
import type { Shadow } from './shadow.ts';

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

export interface Scored {
  /** The served model's probabilities: the answer. */
  readonly probabilities: Float32Array;
  /** The shadow's probabilities for the same rows, when a shadow scored them. */
  readonly shadow: Float32Array | undefined;
}

/**
 * Encoding, batched inference, the shadow beside it, and the per-prediction bookkeeping
 * (metrics, drift window, shadow comparison) for both APIs. Everything about the model comes
 * from its files.
 */
export class Predictor {
  readonly version: string;
  readonly threshold = DECISION_THRESHOLD;
  readonly featureCount = FEATURE_COUNT;
  readonly shadow: Shadow | undefined;
  readonly #encoder: EncoderParams;
  /** The served model alone. */
  readonly #solo: Batcher;
  /** The served model and the shadow in one graph, when they could be paired. */
  readonly #paired: Batcher | undefined;
  readonly #counters: ReturnType<Metrics['forModel']>;
  readonly #drift: DriftWindow;

  constructor(
    readonly model: LoadedModel,
    options: { metrics: Metrics; drift: DriftWindow; maxRows: number; shadow?: Shadow | undefined },
  ) {
    this.version = model.metadata.version;
    this.shadow = options.shadow;
    this.#encoder = model.metadata.encoder;
    this.#drift = options.drift;
    this.#counters = options.metrics.forModel(this.version);
    const inferenceBatchSize = options.metrics.inferenceBatchSize;
    const { inputName, outputName } = model.metadata.onnx;
    const batcher = (session: LoadedModel['session'], inputNames: string[], outputNames: string[]) =>
      new Batcher({
        session,
        inputNames,
        outputNames,
        featureCount: FEATURE_COUNT,
        maxRows: options.maxRows,
        onRun: (rows) => inferenceBatchSize.observe(rows),
      });
    this.#solo = batcher(model.session, [inputName], [outputName]);
    const paired = this.shadow?.paired;
    this.#paired =
      paired &&
      batcher(paired.session, paired.shadowInput ? [inputName, paired.shadowInput] : [inputName], [
        outputName,
        paired.shadowOutput,
      ]);
  }

  encode(passengers: readonly Passenger[]): Float32Array {
    return encodeBatch(passengers, this.#encoder);
  }

  /**
   * Probabilities for encoded rows, and the shadow's for the same rows; records metrics, the
   * drift window and the shadow comparison. `passengers` lets a shadow with another encoder
   * encode them its own way. A shadow's failure never fails the prediction: a failed paired run
   * is counted and the rows run again on the served model alone.
   */
  async predict(
    features: Float32Array,
    rows: number,
    api: 'v1' | 'v2',
    passengers?: readonly Passenger[],
  ): Promise<Scored> {
    const shadow = this.shadow;
    const shadowFeatures = shadow?.features(features, passengers);
    let probabilities: Float32Array;
    let shadowed: Float32Array | undefined;
    if (this.#paired && shadowFeatures) {
      const inputs = shadow!.paired!.shadowInput ? [features, shadowFeatures] : [features];
      try {
        [probabilities, shadowed] = (await this.#paired.predict(inputs, rows)) as [
          Float32Array,
          Float32Array,
        ];
      } catch (err) {
        shadow!.failed(err as Error);
        [probabilities] = (await this.#solo.predict([features], rows)) as [Float32Array];
      }
    } else {
      const shadowRun = shadowFeatures && shadow!.score(shadowFeatures, rows);
      [probabilities] = (await this.#solo.predict([features], rows)) as [Float32Array];
      shadowed = shadowRun && (await shadowRun);
    }
    (api === 'v1' ? this.#counters.v1Size : this.#counters.v2Size).observe(rows);
    let survived = 0;
    for (let i = 0; i < rows; i++) if (probabilities[i]! >= this.threshold) survived++;
    this.#counters.probability.observeMany(probabilities, rows);
    if (survived > 0) this.#counters.survived.inc(survived);
    if (rows - survived > 0) this.#counters.died.inc(rows - survived);
    this.#drift.add(features, rows, probabilities, this.threshold);
    if (shadowed) shadow!.compare(probabilities, shadowed, rows);
    return { probabilities, shadow: shadowed };
  }

  /** Fails unless the served model answers sane probabilities for known passengers. */
  async selfTest(): Promise<void> {
    checkSelfTest((await this.#solo.predict([this.encode(SELF_TEST)], SELF_TEST.length))[0]!);
  }

  async drain(): Promise<void> {
    await Promise.all([this.#solo.drain(), this.#paired?.drain(), this.shadow?.drain()]);
  }
}
