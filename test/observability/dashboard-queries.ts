import { dashboards } from '@titanic/platform/charts/grafana/dashboards/index.ts';

export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly expr: string;
}

interface JsonDashboard {
  panels?: { type: string; title?: string; targets?: { expr?: string }[] }[];
}

/** Every PromQL expression of every panel, by dashboard file and panel title. */
export function panelQueries(): PanelQuery[] {
  return Object.entries(dashboards()).flatMap(([file, d]) =>
    ((d as JsonDashboard).panels ?? []).flatMap((p) =>
      (p.targets ?? []).map((t) => ({ dashboard: file, panel: p.title ?? '', expr: t.expr ?? '' })),
    ),
  );
}

/** Expands the Grafana variables the dashboards use, as Grafana would before sending the query. */
export function expandGrafanaVariables(expr: string, vars: { env: string; rateInterval: string }): string {
  return expr
    .replaceAll('$__rate_interval', vars.rateInterval)
    .replaceAll('$__interval', vars.rateInterval)
    .replaceAll('$__range', '1h')
    .replaceAll('$' + '{env}', vars.env)
    .replaceAll('$env', vars.env);
}
