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

/**
 * Encoded features looked up from the training set's ticket and family groups. A served passenger
 * is rarely in a known group, so these differ from training by design (PSI 0.8 to 5 even when the
 * training passengers themselves are served); they would keep the drift alert firing for ever.
 * Input drift shows in the passenger's own features; the dashboard still plots every feature.
 */
export const GROUP_FEATURES = 'group_.*|wc_group_.*';
