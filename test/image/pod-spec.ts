import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { parseAllDocuments } from 'yaml';

/** A Deployment's pod as `dist/<env>/` renders it, with what the pod can reference. */
export interface RenderedPod {
  readonly env: string;
  readonly deployment: string;
  readonly namespace: string;
  /** The name the pod gets here (the ReplicaSet's random suffix is a fixed one). */
  readonly podName: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly spec: IPodSpec;
  /** Every ConfigMap rendered for the environment, by name. */
  readonly configMaps: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML, checked field by field where it is used
type Doc = any;

/**
 * Reads Deployment `name` of `dist/<env>/` and every ConfigMap rendered beside it, from this
 * checkout or from another repository root the platform's synth rendered into.
 */
export async function readRenderedPod(env: string, name: string, root = REPO_ROOT): Promise<RenderedPod> {
  const dir = join(root, 'dist', env);
  const docs: Doc[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort())
    docs.push(...parseAllDocuments(await readFile(join(dir, file), 'utf8')).map((d) => d.toJS()));
  const deployment = docs.find((d) => d?.kind === 'Deployment' && d.metadata?.name === name);
  if (!deployment) throw new Error(`dist/${env}/: no Deployment named ${name}`);
  const template = deployment.spec.template;
  return {
    env,
    deployment: name,
    namespace: deployment.metadata.namespace ?? 'default',
    podName: `${name}-5d8f7c6b9-x2k4q`,
    labels: template.metadata?.labels ?? {},
    annotations: template.metadata?.annotations ?? {},
    spec: template.spec,
    configMaps: new Map(
      docs.filter((d) => d?.kind === 'ConfigMap').map((d) => [d.metadata.name, d.data ?? {}]),
    ),
  };
}

export function container(pod: RenderedPod, name: string): IContainer {
  const found = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === name);
  if (!found) throw new Error(`dist/${pod.env}/ Deployment ${pod.deployment}: no container named ${name}`);
  return found;
}

/** `repo:tag@sha256:…` → `repo`. */
export function imageRepository(ref: string): string {
  const name = ref.split('@')[0]!;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

/** The tag of `repo:tag` or `repo:tag@sha256:…` (the modelcar's tag is its model version). */
export function imageTag(ref: string): string {
  const name = ref.split('@')[0]!;
  const repo = imageRepository(ref);
  if (repo === name) throw new Error(`image ${ref} has no tag`);
  return name.slice(repo.length + 1);
}

const UNITS: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A Kubernetes quantity ("384Mi", "500m", "1") as a number. */
export function quantity(text: string | number): number {
  const m = /^([0-9.]+(?:e[0-9]+)?)([a-zA-Z]*)$/.exec(String(text));
  const unit = m ? UNITS[m[2]!] : undefined;
  if (!m || unit === undefined) throw new Error(`${text} is not a Kubernetes quantity`);
  return Number(m[1]) * unit;
}

/** `$(VAR)` references as the kubelet expands them: known names replaced, `$$` escapes, others kept. */
export function expand(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name?: string) =>
    match === '$$' ? '$' : name !== undefined && vars.has(name) ? vars.get(name)! : match,
  );
}

/**
 * Values the cluster would supply and this machine cannot: Secret keys (`secret/key`), plus the
 * downward API's pod facts, which are the fixed test values below.
 */
export interface TestValues {
  readonly secrets: Readonly<Record<string, string>>;
}

const POD_IP = '127.0.0.1';

function fieldValue(pod: RenderedPod, path: string): string {
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (label) return (label[1] === 'labels' ? pod.labels : pod.annotations)[label[2]!] ?? '';
  const fields: Record<string, string> = {
    'metadata.name': pod.podName,
    'metadata.namespace': pod.namespace,
    'metadata.uid': '00000000-0000-4000-8000-000000000001',
    'spec.nodeName': 'test-node',
    'spec.serviceAccountName': pod.spec.serviceAccountName ?? 'default',
    'status.hostIP': POD_IP,
    'status.hostIPs': POD_IP,
    'status.podIP': POD_IP,
    'status.podIPs': POD_IP,
  };
  const value = fields[path];
  if (value === undefined) throw new Error(`fieldRef ${path} has no test value`);
  return value;
}

function resourceValue(c: IContainer, ref: { resource: string; divisor?: string | number }): string {
  const [kind, name] = ref.resource.split('.') as ['limits' | 'requests', string];
  const amount = (c.resources?.[kind] as Record<string, string | number> | undefined)?.[name];
  if (amount === undefined)
    throw new Error(`resourceFieldRef ${ref.resource}: container ${c.name} sets no ${ref.resource}`);
  return String(Math.ceil(quantity(amount) / quantity(ref.divisor ?? 1)));
}

/** One `env` entry's value, or undefined when the kubelet would leave the variable unset. */
function envValue(
  pod: RenderedPod,
  c: IContainer,
  e: IEnvVar,
  values: TestValues,
  vars: Map<string, string>,
): string | undefined {
  if (e.value !== undefined) return expand(e.value, vars);
  const from = e.valueFrom;
  if (from?.secretKeyRef) {
    const { name, key, optional } = from.secretKeyRef;
    const value = values.secrets[`${name}/${key}`];
    if (value === undefined && !optional)
      throw new Error(`env ${e.name}: Secret ${name} key ${key} has no test value`);
    return value;
  }
  if (from?.configMapKeyRef) {
    const { name, key, optional } = from.configMapKeyRef;
    const value = pod.configMaps.get(name ?? '')?.[key];
    if (value === undefined && !optional)
      throw new Error(`env ${e.name}: ConfigMap ${name} key ${key} is not rendered in dist/${pod.env}/`);
    return value;
  }
  if (from?.fieldRef) return fieldValue(pod, from.fieldRef.fieldPath);
  if (from?.resourceFieldRef) return resourceValue(c, from.resourceFieldRef);
  return '';
}

/**
 * The container's environment as a container runtime builds it: the image's ENV, then what the
 * kubelet sets (envFrom, then env in order, `$(VAR)` expanded against the variables defined
 * before it), then the variables every container gets: HOSTNAME and the API server's address
 * (a fixed test value; enableServiceLinks is checked to be false, so there are no others).
 */
export function containerEnv(
  pod: RenderedPod,
  c: IContainer,
  imageEnv: ReadonlyArray<readonly [string, string]>,
  values: TestValues,
): { env: Record<string, string>; kubeletVars: Map<string, string> } {
  if (pod.spec.enableServiceLinks !== false)
    throw new Error(
      `dist/${pod.env}/ ${pod.deployment}: set enableServiceLinks: false (service variables are not modelled here)`,
    );
  const vars = new Map<string, string>();
  for (const source of c.envFrom ?? []) {
    const prefix = source.prefix ?? '';
    if (source.configMapRef) {
      const data = pod.configMaps.get(source.configMapRef.name ?? '');
      if (!data && !source.configMapRef.optional)
        throw new Error(`envFrom: ConfigMap ${source.configMapRef.name} is not rendered in dist/${pod.env}/`);
      for (const [k, v] of Object.entries(data ?? {})) vars.set(prefix + k, v);
    } else if (source.secretRef) {
      const name = `${source.secretRef.name}/`;
      const keys = Object.keys(values.secrets).filter((k) => k.startsWith(name));
      if (keys.length === 0 && !source.secretRef.optional)
        throw new Error(`envFrom: Secret ${source.secretRef.name} has no test values`);
      for (const k of keys) vars.set(prefix + k.slice(name.length), values.secrets[k]!);
    }
  }
  for (const e of c.env ?? []) {
    const value = envValue(pod, c, e, values, vars);
    if (value === undefined) vars.delete(e.name);
    else vars.set(e.name, value);
  }
  const env: Record<string, string> = Object.fromEntries(imageEnv);
  Object.assign(env, Object.fromEntries(vars), {
    HOSTNAME: pod.podName,
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: '443',
    KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
  });
  return { env, kubeletVars: vars };
}

/** The process a container runs: `command` replaces ENTRYPOINT (and drops CMD), `args` replaces CMD. */
export function containerArgv(
  c: IContainer,
  image: { entrypoint: readonly string[]; cmd: readonly string[] },
  vars: ReadonlyMap<string, string>,
): string[] {
  const command = c.command?.map((a) => expand(a, vars));
  const args = c.args?.map((a) => expand(a, vars));
  const argv = command ? [...command, ...(args ?? [])] : [...image.entrypoint, ...(args ?? image.cmd)];
  if (argv.length === 0)
    throw new Error(`container ${c.name}: neither the pod nor the image names a command`);
  return argv;
}

export interface HttpProbe {
  readonly kind: 'startup' | 'readiness' | 'liveness';
  readonly path: string;
  readonly port: number;
  readonly headers: Readonly<Record<string, string>>;
  /** How long the kubelet waits for success before it gives up (startup) or restarts. */
  readonly budgetMs: number;
}

/** The container's probes; only httpGet probes over HTTP exist in the charts, others fail loudly. */
export function httpProbes(c: IContainer): HttpProbe[] {
  const kinds = [
    ['startup', c.startupProbe],
    ['readiness', c.readinessProbe],
    ['liveness', c.livenessProbe],
  ] as const;
  return kinds.flatMap(([kind, probe]: readonly [HttpProbe['kind'], IProbe | undefined]) => {
    if (!probe) return [];
    const get = probe.httpGet;
    if (!get || (get.scheme ?? 'HTTP') !== 'HTTP')
      throw new Error(`container ${c.name}: the ${kind} probe is not an HTTP GET (not modelled here)`);
    const port =
      typeof get.port === 'number'
        ? get.port
        : ((c.ports ?? []).find((p) => p.name === get.port)?.containerPort ?? Number(get.port));
    if (!Number.isInteger(port)) throw new Error(`container ${c.name}: probe port ${get.port} names no port`);
    const periods = (probe.failureThreshold ?? 3) * (probe.periodSeconds ?? 10);
    return [
      {
        kind,
        path: get.path ?? '/',
        port,
        headers: Object.fromEntries((get.httpHeaders ?? []).map((h) => [h.name, h.value])),
        budgetMs: ((probe.initialDelaySeconds ?? 0) + periods) * 1000,
      },
    ];
  });
}
