import type { Config } from '../config.ts';
import type { PredictionLog } from '../db/prediction-log.ts';
import type { Feedback } from '../feedback/feedback.ts';
import type { Predictor } from '../model/predictor.ts';
import type { DriftWindow } from '../telemetry/drift-window.ts';
import type { AccessLog, Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { Scrape } from '../telemetry/scrape.ts';
import type { LogPolicy } from './log-policy.ts';

/** What the HTTP layer needs from the rest of the service. */
export interface AppDeps {
  readonly config: Config;
  /** The served model and its shadow, when one is configured and loaded. */
  readonly predictor: Predictor;
  readonly predictionLog: PredictionLog;
  /** Ground truth: POST /v1/feedback. */
  readonly feedback: Feedback;
  /** The log's overflow policy, applied by the prediction routes. */
  readonly policy: LogPolicy;
  /** /metrics on the API port; undefined when it is served on its own port. */
  readonly scrape: Scrape | undefined;
  readonly metrics: Metrics;
  readonly drift: DriftWindow;
  readonly logger: Logger;
  /** One line per request (see telemetry/logger.ts). */
  readonly access: AccessLog;
  /** Readiness: false until start-up finished and again from the start of shutdown. */
  readonly state: { ready: boolean };
}
