import {
  LegendDisplayMode,
  LegendPlacement,
  TableCellDisplayMode,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  type Dashboard,
  type DataSourceRef,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableHide,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';

/** Every panel reads from the Prometheus the `datasource` variable points at. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

export const INFERENCE = 'job="inference",env=~"$env"';

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus');
}

/** Environments that have inference pods reporting a model. */
export function envVariable(): QueryVariableBuilder {
  return new QueryVariableBuilder('env')
    .label('Environment')
    .datasource(DATASOURCE)
    .query('label_values(titanic_model_info, env)')
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .includeAll(true)
    .allValue('.*')
    .multi(true)
    .hide(VariableHide.DontHide);
}

/** A range query drawn as time series. */
export function series(expr: string, legend: string, refId = 'A'): DataqueryBuilder {
  return new DataqueryBuilder().datasource(DATASOURCE).expr(expr).legendFormat(legend).range().refId(refId);
}

/** An instant query shown as a table (one row per series, labels as columns). */
export function table(expr: string, refId = 'A'): DataqueryBuilder {
  return new DataqueryBuilder()
    .datasource(DATASOURCE)
    .expr(expr)
    .instant()
    .format(PromQueryFormat.Table)
    .refId(refId);
}

/** Bucket increases per interval, drawn by a heatmap panel. */
export function heatmap(expr: string, refId = 'A'): DataqueryBuilder {
  return new DataqueryBuilder()
    .datasource(DATASOURCE)
    .expr(expr)
    .range()
    .format(PromQueryFormat.Heatmap)
    .legendFormat('{{le}}')
    .refId(refId);
}

/** A half-width time series panel with a legend, since most panels split by label. */
export function timeseries(title: string, description: string, unit: string): TimeseriesPanel {
  return new TimeseriesPanel()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .height(8)
    .span(12)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.List)
        .placement(LegendPlacement.Bottom)
        .calcs([]),
    );
}

/** A half-width table panel for instant queries. */
export function tablePanel(title: string, description: string): TablePanel {
  return new TablePanel()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .height(8)
    .span(12)
    .cellOptions({ type: TableCellDisplayMode.Auto });
}

/** Keys the SDK writes on every variable although only interval variables (auto*) or newer Grafana releases use them. */
const FOREIGN_VARIABLE_KEYS = ['allowCustomValue', 'auto', 'auto_min', 'auto_count'] as const;

/**
 * Numbers panels and rows in layout order, so links like ?viewPanel=3 stay valid across renders, and
 * drops variable keys the deployed Grafana's dashboard model does not have.
 */
export function finalize(dashboard: Dashboard): Dashboard {
  let id = 0;
  for (const panel of dashboard.panels ?? []) panel.id = ++id;
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type === 'interval') continue;
    for (const key of FOREIGN_VARIABLE_KEYS) delete (variable as unknown as Record<string, unknown>)[key];
  }
  return dashboard;
}
