import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { find, type Json } from '../render.ts';

const run = promisify(execFile);
let dir: string;

/**
 * kubectl cannot reach a cluster here, so a stand-in keeps Secrets as files: `get` succeeds when the
 * file exists, `create secret generic NAME --from-literal=k=v…` writes it, `delete` removes it. The
 * script under test is the exact text rendered into the Job, run by the real bash.
 */
const FAKE_KUBECTL = `#!/bin/bash
set -eu
store="$SECRETS_DIR"
echo "$*" >> "$store/../calls"
case "$1 $2" in
  "get secret") test -f "$store/$3" ;;
  "delete secret") rm -f "$store/$3" ;;
  "create secret") shift 3; name="$1"; shift; : > "$store/$name"
    for arg in "$@"; do echo "\${arg#--from-literal=}" >> "$store/$name"; done ;;
  *) echo "unexpected kubectl $*" >&2; exit 1 ;;
esac
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'titanic-creds-'));
  await mkdir(join(dir, 'bin'));
  await mkdir(join(dir, 'secrets'));
  await writeFile(join(dir, 'bin', 'kubectl'), FAKE_KUBECTL);
  await chmod(join(dir, 'bin', 'kubectl'), 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runJob(): Promise<string> {
  const job: Json = await find('prod', 'Job', 'generate-credentials');
  const [shell, flag, script] = job.spec.template.spec.containers[0].command;
  expect([shell, flag]).toEqual(['/bin/bash', '-c']);
  const { stdout } = await run('/bin/bash', ['-c', script], {
    env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, SECRETS_DIR: join(dir, 'secrets') },
  });
  return stdout;
}

describe('credentials generator Job', () => {
  it('creates the four Secrets with random values once, and never rotates them', async () => {
    expect(await runJob()).toBe('credentials present\n');
    expect((await readdir(join(dir, 'secrets'))).sort()).toEqual([
      'grafana-admin',
      'inference-database',
      'postgres-credentials',
      'promoter-webhook-token',
    ]);
    const postgres = await readFile(join(dir, 'secrets', 'postgres-credentials'), 'utf8');
    const password = /^password=([A-Za-z0-9]{32})$/m.exec(postgres)?.[1];
    expect(password).toBeDefined();
    const url = await readFile(join(dir, 'secrets', 'inference-database'), 'utf8');
    expect(url.trim()).toBe(
      `url=postgresql://titanic:${password}@postgres.titanic-prod.svc:5432/titanic?sslmode=disable`,
    );
    const token = await readFile(join(dir, 'secrets', 'promoter-webhook-token'), 'utf8');
    expect(token).toMatch(/^token=[A-Za-z0-9]{32}\n$/);

    await writeFile(join(dir, 'calls'), '');
    expect(await runJob()).toBe('credentials present\n');
    const calls = (await readFile(join(dir, 'calls'), 'utf8')).trim().split('\n');
    expect(calls.every((c) => c.startsWith('get secret'))).toBe(true);
    expect(await readFile(join(dir, 'secrets', 'postgres-credentials'), 'utf8')).toBe(postgres);
  });

  it('its Role reads only the Secrets it manages', async () => {
    const role: Json = await find('prod', 'Role', 'generate-credentials');
    expect(role.rules).toEqual([
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: [
          'postgres-credentials',
          'inference-database',
          'grafana-admin',
          'promoter-webhook-token',
        ],
        verbs: ['get', 'delete'],
      },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ]);
  });
});
