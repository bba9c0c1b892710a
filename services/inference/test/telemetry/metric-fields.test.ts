import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BulkHistogram } from '../../src/telemetry/bulk-histogram.ts';
import { metricFields } from '../../src/telemetry/metric-fields.ts';

const Table = metricFields({
  served: { kind: 'counter', name: 'served_total', help: 'Served', labelNames: ['version'] },
  depth: { kind: 'gauge', name: 'depth', help: 'Depth' },
  later: { kind: 'gauge', name: 'later', help: 'Registered by its owner', unregistered: true },
  size: { kind: 'histogram', name: 'size', help: 'Size', buckets: [1, 10] },
  probability: { kind: 'bulk histogram', name: 'probability', help: 'Probability', buckets: [0.5, 1] },
});

describe('metricFields', () => {
  it('holds one metric of the defined kind per entry, under the entry key', () => {
    const fields = new Table();
    expect(fields.served).toBeInstanceOf(client.Counter);
    expect(fields.depth).toBeInstanceOf(client.Gauge);
    expect(fields.later).toBeInstanceOf(client.Gauge);
    expect(fields.size).toBeInstanceOf(client.Histogram);
    expect(fields.probability).toBeInstanceOf(BulkHistogram);
  });

  it('registers the entries in table order, except an unregistered one, in a registry of its own', async () => {
    const a = new Table();
    const b = new Table();
    expect(a.registry).not.toBe(b.registry);
    expect((await a.registry.getMetricsAsJSON()).map((m) => m.name)).toEqual([
      'served_total',
      'depth',
      'size',
      'probability',
    ]);
    a.served.inc({ version: '1' }, 2);
    expect(await a.registry.getSingleMetricAsString('served_total')).toContain('served_total{version="1"} 2');
    expect(await b.registry.getSingleMetricAsString('served_total')).not.toContain('version="1"');
  });

  it("gives a histogram without buckets prom-client's defaults, and refuses a bulk histogram without them", async () => {
    const Defaults = metricFields({ h: { kind: 'histogram', name: 'h', help: 'H' } });
    const text = await new Defaults().registry.getSingleMetricAsString('h');
    expect(text).toContain('h_bucket{le="0.005"} 0');
    expect(text).toContain('h_bucket{le="10"} 0');
    const Bulk = metricFields({ b: { kind: 'bulk histogram', name: 'b', help: 'B' } });
    expect(() => new Bulk()).toThrow('metric b: a bulk histogram needs its buckets');
  });
});
