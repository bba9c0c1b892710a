import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/bin/prometheus-alertmanager';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The real Alertmanager, routing every alert to a webhook with a bearer credentials file. */
export class Alertmanager {
  private constructor(
    readonly url: string,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(webhookUrl: string, secret: string): Promise<Alertmanager> {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: apt-get install prometheus-alertmanager`);
    const dir = await mkdtemp(join(tmpdir(), 'alertmanager-'));
    await writeFile(join(dir, 'secret'), secret, { mode: 0o600 });
    await writeFile(
      join(dir, 'alertmanager.yml'),
      [
        'route:',
        '  receiver: promoter',
        '  group_by: [alertname, env]',
        '  group_wait: 0s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: promoter',
        '    webhook_configs:',
        `      - url: ${webhookUrl}`,
        '        send_resolved: false',
        '        http_config:',
        '          authorization:',
        '            type: Bearer',
        `            credentials_file: ${join(dir, 'secret')}`,
      ].join('\n'),
    );
    const port = await freePort();
    const child = spawn(
      BIN,
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/-/ready`)).ok) break;
      } catch {}
      if (i > 100 || child.exitCode !== null)
        throw new Error(`alertmanager did not start: ${stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return new Alertmanager(url, dir, child);
  }

  async fire(labels: Record<string, string>, annotations: Record<string, string>): Promise<void> {
    const res = await fetch(`${this.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          labels,
          annotations,
          startsAt: new Date().toISOString(),
          generatorURL: 'http://prometheus.invalid/graph',
        },
      ]),
    });
    if (!res.ok) throw new Error(`alertmanager refused the alert: ${res.status} ${await res.text()}`);
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await new Promise<void>((r) => (this.child.exitCode !== null ? r() : this.child.once('exit', () => r())));
    await rm(this.dir, { recursive: true, force: true });
  }
}
