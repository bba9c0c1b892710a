import type { Environment } from '../../../environments/schema.ts';

/** What the alert groups need to know about one environment. */
export interface RuleContext {
  readonly env: Environment;
  /** Range of rate()/increase() windows. */
  readonly rateWindow: string;
  /** Share of survivors the served model predicted on its training data (model.json). */
  readonly trainingPositiveRate: number;
}

/**
 * Routes that serve predictions, as the server labels them (the router's patterns, not request
 * paths); health checks and /metrics would dilute latency and error ratios.
 */
export const PREDICTION_ROUTES =
  '/v1/predict|/v2/models/:model/infer|/v2/models/:model/versions/:version/infer';
