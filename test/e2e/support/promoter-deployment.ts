import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import { readRenderedPod } from './rendered-pod.ts';
import { type ServiceProcess, spawnService } from './service-process.ts';

const run = promisify(execFile);

interface Container {
  name: string;
  command: string[];
  args?: string[];
  env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  volumeMounts: { name: string; mountPath: string }[];
}
interface Volume {
  name: string;
  secret?: { secretName: string; items?: { key: string; path: string }[] };
}

/** What dist/<env>/promoter.yaml asks the cluster to run. */
export interface PromoterPlan {
  readonly container: Container;
  readonly volumes: Volume[];
}

export async function readPromoterDeployment(checkout: string, env: string): Promise<PromoterPlan> {
  const { pod, container } = await readRenderedPod<Container>(checkout, env, 'promoter');
  return { container, volumes: pod.volumes ?? [] };
}

/**
 * Runs the promoter the way its Deployment does: the bundle the image carries (built here with the
 * same `npm run build`), the container's command, args and env, and each Secret volume written as
 * files under `root` at its mount path. `secrets` holds the Secret values by `<secretName>/<key>`;
 * `overrides` replace only what points outside this machine (GitHub's and the registry's URLs, the port).
 */
export async function startPromoterFromManifest(
  plan: PromoterPlan,
  options: {
    readonly root: string;
    readonly secrets: Record<string, string>;
    readonly overrides: Record<string, string>;
  },
): Promise<ServiceProcess> {
  const { container } = plan;
  const [node, ...entry] = container.command;
  if (node !== 'node') throw new Error(`promoter command starts with ${node}, expected node`);
  await run('npm', ['run', 'build', '-w', 'services/promoter'], { cwd: REPO_ROOT });
  const remap = (path: string) => join(options.root, path);
  for (const mount of container.volumeMounts) {
    const volume = plan.volumes.find((v) => v.name === mount.name);
    if (!volume?.secret) throw new Error(`volume ${mount.name}: only Secret volumes are expected`);
    const { secretName } = volume.secret;
    // Without `items` the kubelet writes every key of the Secret as a file named after the key.
    const items =
      volume.secret.items ??
      Object.keys(options.secrets)
        .filter((k) => k.startsWith(`${secretName}/`))
        .map((k) => ({ key: k.slice(secretName.length + 1), path: k.slice(secretName.length + 1) }));
    for (const item of items) {
      const value = options.secrets[`${volume.secret.secretName}/${item.key}`];
      if (value === undefined)
        throw new Error(`no value for Secret ${volume.secret.secretName} key ${item.key}`);
      const path = remap(join(mount.mountPath, item.path));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, value, { mode: 0o600 });
    }
  }
  const mounts = container.volumeMounts.map((m) => m.mountPath);
  const env: Record<string, string> = {};
  for (const e of container.env) {
    // This machine is the pod: its loopback address stands in for the pod IP.
    if (e.valueFrom?.fieldRef?.fieldPath === 'status.podIP') {
      env[e.name] = '127.0.0.1';
      continue;
    }
    if (e.value === undefined)
      throw new Error(`env ${e.name}: only literal values or the pod IP are expected`);
    env[e.name] = mounts.some((m) => e.value!.startsWith(`${m}/`)) ? remap(e.value) : e.value;
  }
  return spawnService({
    label: 'promoter (rendered Deployment)',
    entry: [...entry, ...(container.args ?? [])],
    env: { ...env, ...options.overrides },
    readyPath: '/healthz',
    timeoutMs: 20_000,
    defaultGraceMs: 5000,
  });
}
