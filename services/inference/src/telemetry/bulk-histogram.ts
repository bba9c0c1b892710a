import type { Registry } from 'prom-client';

interface Sample {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
  /** prom-client's field for exemplars; none are recorded. */
  exemplar?: null;
}

/** One label set: per-bucket (not cumulative) counts, sum and count. */
export class HistogramSeries {
  readonly #bounds: readonly number[];
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    bounds: readonly number[],
  ) {
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length);
  }

  /** Observes `values[0..n)` (a value above every bound counts in +Inf only, as in prom-client). */
  observeMany(values: ArrayLike<number>, n = values.length): void {
    const bounds = this.#bounds;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      this.sum += v;
      for (let b = 0; b < bounds.length; b++)
        if (v <= bounds[b]!) {
          this.counts[b]!++;
          break;
        }
    }
    this.count += n;
  }
}

/**
 * A Prometheus histogram fed whole arrays of observations: a 1,000-passenger request observes
 * 1,000 probabilities, which prom-client's Histogram takes one call (a label hash and a bucket
 * search) at a time; here it is one loop. Registered in a prom-client Registry and exported
 * exactly as prom-client's own Histogram would export the same observations.
 */
export class BulkHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, HistogramSeries>();

  constructor(options: { name: string; help: string; buckets: readonly number[]; registers: Registry[] }) {
    this.name = options.name;
    this.help = options.help;
    this.#bounds = [...options.buckets].sort((a, b) => a - b);
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  /** The series for these label values (created on first use; hold on to it). */
  series(labels: Record<string, string>): HistogramSeries {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
    let series = this.#series.get(key);
    if (!series) {
      series = new HistogramSeries({ ...labels }, this.#bounds);
      this.#series.set(key, series);
    }
    return series;
  }

  reset(): void {
    for (const s of this.#series.values()) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }

  /** The text exposition's form (series labels as shared labels, as prom-client does). */
  async getForPromString() {
    const bucket = `${this.name}_bucket`;
    const values: Sample[] = [];
    for (const s of this.#series.values()) {
      let acc = 0;
      this.#bounds.forEach((le, b) => {
        acc += s.counts[b]!;
        values.push({
          labels: { le },
          sharedLabels: s.labels,
          value: acc,
          metricName: bucket,
          exemplar: null,
        });
      });
      values.push({
        labels: { le: '+Inf' },
        sharedLabels: s.labels,
        value: s.count,
        metricName: bucket,
        exemplar: null,
      });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The JSON form: every label on the sample. */
  async get() {
    const data = await this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ labels, sharedLabels, ...rest }) => ({
        ...rest,
        labels: { ...labels, ...sharedLabels },
      })),
    };
  }
}
