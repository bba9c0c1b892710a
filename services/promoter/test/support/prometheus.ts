import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startOnFreePort } from '../../../../test/observability/e2e/processes.ts';
import { PrometheusClient } from '../../src/verification/prometheus.ts';

export interface LocalPrometheus {
  readonly client: PrometheusClient;
  stop(): Promise<void>;
}

/**
 * The real Prometheus (Debian package) with no scrape targets, evaluating `rules` every second:
 * ALERTS then holds exactly the alerts those rules fire.
 */
export async function startPrometheus(
  rules: Array<{ alert: string; expr: string; labels: Record<string, string> }> = [],
): Promise<LocalPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'promoter-prometheus-'));
  await writeFile(
    join(dir, 'rules.yml'),
    stringify({
      groups: [{ name: 'drill', interval: '1s', rules: rules.map((r) => ({ ...r, for: '0s' })) }],
    }),
  );
  await writeFile(
    join(dir, 'prometheus.yml'),
    stringify({ global: { evaluation_interval: '1s' }, rule_files: [join(dir, 'rules.yml')] }),
  );
  const { proc, port } = await startOnFreePort(
    '/usr/bin/prometheus',
    (p) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${p}`,
    ],
    '/-/ready',
  );
  return {
    client: new PrometheusClient(`http://127.0.0.1:${port}`),
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
