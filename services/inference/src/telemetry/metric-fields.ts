import client from 'prom-client';
import { BulkHistogram } from './bulk-histogram.ts';

/** One exported metric: its Prometheus name, help text, label names and kind. */
export interface MetricDefinition {
  readonly kind: 'counter' | 'gauge' | 'histogram' | 'bulk histogram';
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly string[];
  /**
   * Histogram bucket bounds (histograms only; a bulk histogram must have them).
   * @default prom-client's default buckets
   */
  readonly buckets?: readonly number[];
  /** Created outside the registry: its owner registers it once there is something to export. */
  readonly unregistered?: true;
}

type LabelsOf<D> = D extends { readonly labelNames: readonly (infer L extends string)[] } ? L : string;

type MetricOf<D extends MetricDefinition> = D['kind'] extends 'counter'
  ? client.Counter<LabelsOf<D>>
  : D['kind'] extends 'gauge'
    ? client.Gauge<LabelsOf<D>>
    : D['kind'] extends 'histogram'
      ? client.Histogram<LabelsOf<D>>
      : BulkHistogram;

/** The metric objects of a table of definitions, under the table's keys. */
export type MetricsOf<T extends Record<string, MetricDefinition>> = {
  readonly [K in keyof T]: MetricOf<T[K]>;
};

function create(
  definition: MetricDefinition,
  registry: client.Registry,
): client.Counter | client.Gauge | client.Histogram | BulkHistogram {
  const { kind, name, help, labelNames = [], buckets } = definition;
  const registers = definition.unregistered ? [] : [registry];
  switch (kind) {
    case 'counter':
      return new client.Counter({ name, help, labelNames, registers });
    case 'gauge':
      return new client.Gauge({ name, help, labelNames, registers });
    case 'histogram':
      return new client.Histogram({
        name,
        help,
        labelNames,
        registers,
        ...(buckets && { buckets: [...buckets] }),
      });
    case 'bulk histogram':
      if (!buckets) throw new Error(`metric ${name}: a bulk histogram needs its buckets`);
      return new BulkHistogram({ name, help, buckets, registers });
  }
}

/**
 * A base class whose instances hold `registry` and one read-only field per definition, created and
 * registered in the table's order (the order of the exposition text). The fields are defined with
 * `Object.defineProperty`, which keeps the instance's properties in V8's fast mode; assigning dozens
 * of computed keys to `this` would turn it into a dictionary, a hash lookup on every field read.
 */
export function metricFields<T extends Record<string, MetricDefinition>>(table: T) {
  class Fields {
    readonly registry = new client.Registry();

    constructor() {
      for (const [field, definition] of Object.entries(table))
        Object.defineProperty(this, field, { value: create(definition, this.registry), enumerable: true });
    }
  }
  return Fields as new () => Fields & MetricsOf<T>;
}
