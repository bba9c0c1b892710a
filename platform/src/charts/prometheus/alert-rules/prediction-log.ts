import type { RuleContext } from './context.ts';
import { inferenceSelector } from './selectors.ts';
import type { AlertDefinition } from './types.ts';

/** The asynchronous prediction log: rows lost, or a queue the database cannot drain. */
export function predictionLogAlerts({ env, rateWindow }: RuleContext): AlertDefinition[] {
  const t = env.monitoring.alerts;
  const sel = inferenceSelector(env.name);
  return [
    {
      alert: 'PredictionLogDropping',
      expr: `sum by (env) (rate(titanic_prediction_log_dropped_total${sel}[${rateWindow}])) > ${t.logDropsPerSecond}`,
      for: '5m',
      severity: 'warning',
      rollback: false,
      modelVersion: false,
      summary: (x) => `Prediction log drops ${x.value(2)} rows/s in ${env.name}`,
      description: (x) =>
        `The inference pods discard ${x.value(3)} prediction log rows per second ` +
        `(threshold ${t.logDropsPerSecond}) in ${env.name}; predictions still succeed but are not recorded.`,
    },
    {
      alert: 'PredictionLogBacklog',
      expr: `max by (env) (titanic_prediction_log_queue_depth${sel}) > ${t.logBacklog}`,
      for: '10m',
      severity: 'warning',
      rollback: false,
      modelVersion: false,
      summary: (x) => `Prediction log backlog of ${x.value(0)} rows in ${env.name}`,
      description: (x) =>
        `The largest prediction log queue is ${x.value(0)} rows (threshold ${t.logBacklog}) in ${env.name}: ` +
        'Postgres accepts rows more slowly than predictions arrive; drops follow when the queue is full.',
    },
  ];
}
