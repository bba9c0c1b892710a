import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The promoter's own Prometheus metrics, on a registry per server (tests run several). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'promoter_webhook_requests_total',
      help: 'Alertmanager webhook deliveries by outcome (accepted, unauthorized, malformed, busy, retry, error).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    rollbacks: new Counter({
      name: 'promoter_rollbacks_total',
      help: 'Alert-driven rollbacks by environment and result (opened, reused, refused, nothing_to_do, ignored, failed).',
      labelNames: ['env', 'result'] as const,
      registers: [registry],
    }),
    queued: new Gauge({
      name: 'promoter_webhook_queued_deliveries',
      help: 'Deliveries waiting behind the one being handled (new ones get 503 at the limit).',
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'promoter_webhook_duration_seconds',
      help: 'Time to handle one webhook delivery, GitHub calls included.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
