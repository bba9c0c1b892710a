import fc from 'fast-check';
import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BulkHistogram } from '../../src/telemetry/bulk-histogram.ts';

const BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

/** The same observations through prom-client's Histogram and a BulkHistogram. */
function both(batches: { version: string; values: number[] }[]) {
  const reference = new client.Registry();
  const ours = new client.Registry();
  const histogram = new client.Histogram({
    name: 'titanic_prediction_probability',
    help: 'Predicted survival probability',
    labelNames: ['model_version'],
    buckets: BUCKETS,
    registers: [reference],
  });
  const bulk = new BulkHistogram({
    name: 'titanic_prediction_probability',
    help: 'Predicted survival probability',
    buckets: BUCKETS,
    registers: [ours],
  });
  const seen = new Set<string>();
  for (const { version, values } of batches) {
    // A series exists from its first use, observed or not (prom-client: from zero()).
    if (!seen.has(version)) histogram.zero({ model_version: version });
    seen.add(version);
    for (const v of values) histogram.observe({ model_version: version }, v);
    bulk.series({ model_version: version }).observeMany(Float32Array.from(values), values.length);
  }
  return { reference, ours };
}

describe('BulkHistogram', () => {
  it('exports exactly what prom-client exports for the same observations, as text and as JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            version: fc.constantFrom('2026.11.25-1', '2026.11.25-2'),
            values: fc.array(
              fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.1, 1, 1.5)),
              {
                maxLength: 50,
              },
            ),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        async (batches) => {
          // Float32 inputs, as the model returns them.
          const rounded = batches.map((b) => ({ ...b, values: Array.from(Float32Array.from(b.values)) }));
          const { reference, ours } = both(rounded);
          expect(await ours.metrics()).toBe(await reference.metrics());
          expect(await ours.getMetricsAsJSON()).toEqual(await reference.getMetricsAsJSON());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('observes only the first n values and resets to zero', async () => {
    const { ours } = both([]);
    const bulk = ours.getSingleMetric('titanic_prediction_probability') as unknown as BulkHistogram;
    const series = bulk.series({ model_version: 'v' });
    series.observeMany(Float32Array.of(0.05, 0.95, 0.5), 2);
    expect(series.count).toBe(2);
    expect(Array.from(series.counts)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    ours.resetMetrics();
    expect(await ours.metrics()).toContain('titanic_prediction_probability_count{model_version="v"} 0');
  });
});
