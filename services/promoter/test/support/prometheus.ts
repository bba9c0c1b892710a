import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { PrometheusClient } from '../../src/prometheus.ts';

export interface LocalPrometheus {
  readonly client: PrometheusClient;
  /** Resolves once an alert matching `labels` (e.g. `env="dev"`) fires; fails after 15 s. */
  untilFiring(labels?: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real Prometheus (Debian package) with no scrape targets, evaluating `rules` every second:
 * ALERTS then holds exactly the alerts those rules fire. `history` (OpenMetrics text with
 * timestamps, ending `# EOF`) is written into its storage first by promtool, as samples it had
 * scraped at those times.
 */
export async function startPrometheus(
  rules: Array<{ alert: string; expr: string; labels: Record<string, string> }> = [],
  options: { readonly history?: string } = {},
): Promise<LocalPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'promoter-prometheus-'));
  if (options.history !== undefined) {
    await writeFile(join(dir, 'history.om'), options.history);
    await promisify(execFile)('promtool', [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      join(dir, 'history.om'),
      join(dir, 'data'),
    ]);
  }
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
  const BIN = '/usr/bin/prometheus';
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: apt-get install prometheus`);
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const child = spawn(
    BIN,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  for (let i = 0; ; i++) {
    const ready = await fetch(`http://127.0.0.1:${port}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 300 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`prometheus did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const proc = {
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
  const client = new PrometheusClient(`http://127.0.0.1:${port}`);
  return {
    client,
    async untilFiring(labels = '') {
      const selector = `ALERTS{alertstate="firing"${labels ? `,${labels}` : ''}}`;
      for (const deadline = Date.now() + 15_000; (await client.query(selector)).length === 0; ) {
        if (Date.now() > deadline) throw new Error(`${selector} did not fire within 15 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
