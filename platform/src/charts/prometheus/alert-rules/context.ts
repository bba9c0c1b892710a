import type { Environment } from '../../../environments/schema.ts';

/** What the alert rules read of an environment: names, the served model and the thresholds. */
export interface AlertedEnvironment {
  readonly name: string;
  readonly namespace: string;
  /** The served model (`model.version`), named in model alerts. */
  readonly model: { readonly version: string };
  /** Thresholds and durations (`monitoring.alerts`). */
  readonly monitoring: { readonly alerts: Environment['monitoring']['alerts'] };
}

/** What the alert groups need to know about one environment. */
export interface RuleContext {
  readonly env: AlertedEnvironment;
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
