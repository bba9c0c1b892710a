import { dashboards } from '@titanic/platform/charts/grafana/dashboards/index.ts';
import { UPSTREAM } from '@titanic/platform/charts/images.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRAFANA_SCHEMA_VERSION, type GrafanaValidators, grafanaValidators } from './grafana-schema.ts';

/** The provisioned JSON as Grafana reads it (the schema test checks the full shape). */
interface JsonPanel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: unknown;
  gridPos?: { x: number; y: number; w: number; h: number };
  options?: unknown;
  fieldConfig?: { defaults?: { custom?: unknown } };
  targets?: { expr?: string; datasource?: unknown }[];
}
interface Json {
  uid?: string;
  templating?: { list?: { name: string; type: string; query?: unknown }[] };
  panels: JsonPanel[];
}

// What Grafana reads from the provisioned files: plain JSON, not the SDK's objects.
const files = Object.entries(dashboards()).map(
  ([file, d]) => [file, JSON.parse(JSON.stringify(d)) as Json] as const,
);
let validators: GrafanaValidators;
const DATASOURCE_VARIABLE = { type: 'prometheus', uid: '$' + '{datasource}' };

beforeAll(() => {
  validators = grafanaValidators();
});

describe('dashboards', () => {
  it('are checked against the schema of the Grafana release the chart deploys', () => {
    expect(UPSTREAM.grafana.tag).toBe(GRAFANA_SCHEMA_VERSION);
  });

  it('are deterministic and keep their stable uids and file names', () => {
    expect(JSON.stringify(dashboards())).toBe(JSON.stringify(dashboards()));
    expect(Object.fromEntries(files.map(([file, d]) => [file, d.uid]))).toEqual({
      'titanic-gitops.json': 'titanic-gitops',
      'titanic-inference.json': 'titanic-inference',
    });
  });

  it.each(files)(
    '%s validates against Grafana’s dashboard, panel options and field config schemas',
    (_file, d) => {
      const errors: string[] = [];
      if (!validators.dashboard(d)) errors.push(JSON.stringify(validators.dashboard.errors));
      for (const panel of d.panels) {
        if (panel.type === 'row') continue;
        const options = validators.panelOptions[panel.type];
        if (!options) errors.push(`${panel.title}: no schema for panel type ${panel.type}`);
        else if (!options(panel.options ?? {}))
          errors.push(`${panel.title}: ${JSON.stringify(options.errors)}`);
        const custom = validators.fieldConfig[panel.type];
        if (custom && !custom(panel.fieldConfig?.defaults?.custom ?? {}))
          errors.push(`${panel.title} field config: ${JSON.stringify(custom.errors)}`);
      }
      expect(errors).toEqual([]);
    },
  );

  it.each(files)(
    '%s reads every query from the datasource variable and has unique, descriptive titles',
    (_file, d) => {
      const variables = d.templating?.list ?? [];
      expect(variables.find((v) => v.name === 'datasource')).toMatchObject({
        type: 'datasource',
        query: 'prometheus',
      });
      const panels = d.panels.filter((p) => p.type !== 'row');
      const titles = panels.map((p) => p.title ?? '');
      expect(new Set(titles).size).toBe(titles.length);
      for (const panel of panels) {
        expect(panel.title?.length, panel.title).toBeGreaterThan(15);
        expect(panel.description, panel.title).toBeTruthy();
        expect(panel.datasource).toEqual(DATASOURCE_VARIABLE);
        expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
        for (const t of panel.targets ?? []) {
          expect(t.datasource).toEqual(DATASOURCE_VARIABLE);
          expect(t.expr, panel.title).toMatch(/\S/);
        }
      }
    },
  );

  it.each(files)('%s lays panels out on the 24-column grid without overlaps', (_file, d) => {
    const cells = new Set<string>();
    d.panels.forEach((p, i) => {
      expect(p.id).toBe(i + 1);
      const g = p.gridPos!;
      expect(g.x + g.w, p.title).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          const cell = `${x},${y}`;
          expect(cells.has(cell), `${p.title} overlaps at ${cell}`).toBe(false);
          cells.add(cell);
        }
    });
  });

  it('cover what the inference dashboard must show', () => {
    const inference = files.find(([f]) => f === 'titanic-inference.json')![1];
    const exprs = inference.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr ?? '');
    for (const metric of [
      'http_requests_total',
      'http_request_duration_seconds_bucket',
      'titanic_predictions_total',
      'titanic_prediction_probability_bucket',
      'titanic_request_batch_size',
      'titanic_inference_batch_size',
      'titanic_model_info',
      'titanic_feature_psi',
      'titanic_prediction_log_queue_depth',
      'titanic_prediction_log_written_total',
      'titanic_prediction_log_dropped_total',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
    ])
      expect(
        exprs.some((e) => e.includes(metric)),
        metric,
      ).toBe(true);
    const gitops = files.find(([f]) => f === 'titanic-gitops.json')![1];
    const gexprs = gitops.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr ?? '');
    for (const metric of ['argocd_app_info', 'argocd_app_sync_total', 'titanic_model_info', 'ALERTS{'])
      expect(
        gexprs.some((e) => e.includes(metric)),
        metric,
      ).toBe(true);
  });
});
