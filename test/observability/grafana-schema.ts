import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';

const require = createRequire(import.meta.url);
const PACKAGE = dirname(require.resolve('@grafana/schema/package.json'));
const RAW = join(PACKAGE, 'dist/esm/raw');

/** The Grafana release these schemas describe; must equal the image the grafana chart deploys. */
export const GRAFANA_SCHEMA_VERSION: string = require('@grafana/schema/package.json').version;

/** Panel type in dashboard JSON → folder of its options in @grafana/schema. */
const PANELS: Record<string, { dir: string; file: string; fieldConfig: boolean }> = {
  timeseries: { dir: 'timeseries', file: 'TimeSeriesPanelCfg', fieldConfig: true },
  stat: { dir: 'stat', file: 'StatPanelCfg', fieldConfig: false },
  table: { dir: 'table', file: 'TablePanelCfg', fieldConfig: true },
  heatmap: { dir: 'heatmap', file: 'HeatmapPanelCfg', fieldConfig: true },
  'state-timeline': { dir: 'statetimeline', file: 'StateTimelinePanelCfg', fieldConfig: true },
};

export interface GrafanaValidators {
  readonly dashboard: ValidateFunction;
  readonly panelOptions: Readonly<Record<string, ValidateFunction>>;
  readonly fieldConfig: Readonly<Record<string, ValidateFunction>>;
}

const alias = (type: string) => type.replace(/[^A-Za-z]/g, '');

/**
 * JSON Schemas derived from Grafana's own published model (@grafana/schema, which Grafana generates
 * from its CUE kinds): the dashboard and, per panel plugin, its options and custom field config.
 * Objects are closed, so a misspelt or misplaced key fails, not only a wrong type.
 */
export function grafanaValidators(): GrafanaValidators {
  const dir = mkdtempSync(join(tmpdir(), 'grafana-schema-'));
  try {
    // The generator only finds types declared in the entry file, so alias each imported one there.
    const lines = [
      `import type * as dashboard from '${RAW}/dashboard/x/dashboard_types.gen';`,
      'export type GrafanaDashboard = dashboard.Dashboard;',
    ];
    for (const [type, p] of Object.entries(PANELS)) {
      const ns = alias(type);
      lines.push(`import type * as ${ns} from '${RAW}/composable/${p.dir}/panelcfg/x/${p.file}_types.gen';`);
      lines.push(`export type ${ns}Options = ${ns}.Options;`);
      if (p.fieldConfig) lines.push(`export type ${ns}FieldConfig = ${ns}.FieldConfig;`);
    }
    const entry = join(dir, 'grafana.ts');
    writeFileSync(entry, `${lines.join('\n')}\n`);
    const generator = createGenerator({ path: entry, type: '*', skipTypeCheck: true, expose: 'export' });
    const ajv = new Ajv({ allErrors: true, strict: false });
    const compile = (name: string) => ajv.compile(generator.createSchema(name));
    const panelOptions: Record<string, ValidateFunction> = {};
    const fieldConfig: Record<string, ValidateFunction> = {};
    for (const [type, p] of Object.entries(PANELS)) {
      panelOptions[type] = compile(`${alias(type)}Options`);
      if (p.fieldConfig) fieldConfig[type] = compile(`${alias(type)}FieldConfig`);
    }
    return { dashboard: compile('GrafanaDashboard'), panelOptions, fieldConfig };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
