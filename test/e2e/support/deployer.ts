import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Exit, type InferenceProcess, spawnInference } from './inference-process.ts';
import { readRenderedPod } from './rendered-pod.ts';

const run = promisify(execFile);

interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
  }[];
  volumeMounts?: { name: string; mountPath: string }[];
  readinessProbe?: { httpGet?: { path: string } };
}
interface Volume {
  name: string;
  emptyDir?: object;
  configMap?: { name: string };
}

/** What dist/<env>/inference.yaml asks the cluster to run, as the deployer understood it. */
export interface DeploymentPlan {
  readonly image: string;
  readonly modelVersion: string;
  readonly modelSha256: string;
  readonly environment: string;
  readonly readyPath: string;
  readonly container: Container;
  /** The served model's modelcar step. */
  readonly modelcar: Container;
  /** Every init container pulling from the modelcar repository (the served model's, then the shadow's), in pod order. */
  readonly modelcars: Container[];
  /** The version of `model.shadow`'s modelcar step, when the pod has one. */
  readonly shadowVersion: string | undefined;
  readonly volumes: Volume[];
  readonly configMaps: Map<string, Record<string, string>>;
}

/** The tag of `repo:tag` or `repo:tag@sha256:…`: the modelcar image is tagged with its model version. */
export function imageTag(ref: string): string {
  const name = ref.split('@')[0]!;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon <= slash) throw new Error(`image ${ref} has no tag`);
  return name.slice(colon + 1);
}

/** The repository of `repo:tag` or `repo:tag@sha256:…`. */
function imageRepository(ref: string): string {
  const name = ref.split('@')[0]!;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

/** Reads the rendered Deployment `inference` of an environment from a checkout. */
export async function readDeployment(checkout: string, env: string): Promise<DeploymentPlan> {
  const { file, docs, pod, container } = await readRenderedPod<Container>(checkout, env, 'inference');
  const initContainers = (pod.initContainers ?? []) as Container[];
  const modelcar = initContainers.find((c) => c.name === 'modelcar');
  if (!modelcar) throw new Error(`${file}: Deployment/inference has no modelcar init container`);
  const repository = imageRepository(modelcar.image);
  const modelcars = initContainers.filter((c) => imageRepository(c.image) === repository);
  const shadow = initContainers.find((c) => c.name === 'shadow-modelcar');
  const value = (name: string) => {
    const v = container.env?.find((e) => e.name === name)?.value;
    if (v === undefined) throw new Error(`${file}: container inference sets no ${name}`);
    return v;
  };
  const configMaps = new Map<string, Record<string, string>>(
    docs
      .filter((d) => d?.kind === 'ConfigMap')
      .map((d) => [d.metadata.name as string, (d.data ?? {}) as Record<string, string>]),
  );
  return {
    image: container.image,
    modelVersion: imageTag(modelcar.image),
    modelSha256: value('MODEL_SHA256'),
    environment: value('ENVIRONMENT'),
    readyPath: container.readinessProbe?.httpGet?.path ?? '/v2/health/ready',
    container,
    modelcar,
    modelcars,
    shadowVersion: shadow ? imageTag(shadow.image) : undefined,
    volumes: pod.volumes ?? [],
    configMaps,
  };
}

/** Rewrites in-pod paths (mount points) to the folders standing in for the volumes, in one pass. */
function remap(text: string, mounts: Map<string, string>): string {
  if (mounts.size === 0) return text;
  const escaped = [...mounts.keys()]
    .sort((a, b) => b.length - a.length)
    .map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(^|[\\s"'=])(${escaped.join('|')})(?=/|$|[\\s"'])`, 'g');
  return text.replace(pattern, (_, before: string, mount: string) => `${before}${mounts.get(mount)}`);
}

/**
 * Runs a modelcar init container: its image holds only /models/model.onnx, the registry file of
 * the version it is tagged with, taken from the checkout; its own shell command runs against it.
 */
async function runModelcar(
  modelcar: Container,
  checkout: string,
  podDir: string,
  volumeDirs: ReadonlyMap<string, string>,
): Promise<void> {
  const imageDir = join(podDir, `${modelcar.name}-image`, 'models');
  await mkdir(imageDir, { recursive: true });
  const source = join(checkout, 'models', 'titanic', imageTag(modelcar.image), 'model.onnx');
  await copyFile(source, join(imageDir, 'model.onnx')).catch((err: Error) => {
    throw new Error(`${modelcar.name} ${modelcar.image}: ${source} is not in the checkout (${err.message})`);
  });
  const mounts = new Map([['/models', imageDir]]);
  for (const m of modelcar.volumeMounts ?? []) mounts.set(m.mountPath, volumeDirs.get(m.name)!);
  // busybox is the tools image's shell; the host's sh and coreutils stand in for it.
  const script = remap(
    ((modelcar.command ?? []).slice(-1)[0] ?? '').replaceAll('/tools/busybox ', ''),
    mounts,
  );
  try {
    await run('sh', ['-c', script]);
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(
      `init container ${modelcar.name} failed: ${[e.stdout, e.stderr].filter(Boolean).join('') || e.message}`,
    );
  }
}

/**
 * A one-pod stand-in for the kubelet: prepares the pod's volumes, runs each modelcar init
 * container's own shell command (the served model's, then the shadow's) against the model files
 * of the checkout (what the modelcar images hold), then starts the real inference process with
 * the container's environment.
 */
export class Deployer {
  private current: { proc: InferenceProcess; dir: string; plan: DeploymentPlan } | undefined;

  constructor(
    private readonly options: {
      readonly env: string;
      /** Loopback port the "pod" listens on; kept across restarts like a Service would. */
      readonly port: number;
      /** Values of secretKeyRef entries, keyed `secret/key`. */
      readonly secrets: Record<string, string>;
      /** Extra variables (e.g. PSI_WINDOW for a short test window). */
      readonly overrides?: Record<string, string>;
    },
  ) {}

  get process(): InferenceProcess {
    if (!this.current) throw new Error('nothing deployed');
    return this.current.proc;
  }

  /** Replaces the running pod (if any) with one built from `checkout`; returns how the old one exited. */
  async deploy(checkout: string): Promise<{ plan: DeploymentPlan; proc: InferenceProcess; replaced?: Exit }> {
    const replaced = await this.stop();
    const plan = await readDeployment(checkout, this.options.env);
    const dir = await mkdtemp(join(tmpdir(), 'deployer-pod-'));
    const volumeDirs = new Map<string, string>();
    for (const v of plan.volumes) {
      const path = join(dir, 'volumes', v.name);
      await mkdir(path, { recursive: true });
      if (v.configMap) {
        const data = plan.configMaps.get(v.configMap.name);
        if (!data)
          throw new Error(
            `volume ${v.name}: ConfigMap ${v.configMap.name} is not rendered in dist/${this.options.env}/inference.yaml`,
          );
        for (const [key, content] of Object.entries(data)) await writeFile(join(path, key), content);
      } else if (!v.emptyDir)
        throw new Error(`volume ${v.name}: only emptyDir and configMap volumes can run here`);
      volumeDirs.set(v.name, path);
    }
    for (const modelcar of plan.modelcars) await runModelcar(modelcar, checkout, dir, volumeDirs);

    const mainMounts = new Map<string, string>();
    for (const m of plan.container.volumeMounts ?? []) mainMounts.set(m.mountPath, volumeDirs.get(m.name)!);
    const env: Record<string, string> = {};
    for (const e of plan.container.env ?? []) {
      if (e.value !== undefined) env[e.name] = remap(e.value, mainMounts);
      else if (e.valueFrom?.secretKeyRef) {
        const ref = `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`;
        const secret = this.options.secrets[ref];
        // Like the kubelet: a missing optional Secret leaves the variable unset.
        if (secret !== undefined) env[e.name] = secret;
        else if (!e.valueFrom.secretKeyRef.optional)
          throw new Error(`env ${e.name}: the deployer has no value for Secret ${ref}`);
      } else throw new Error(`env ${e.name}: unsupported valueFrom`);
    }
    // One loopback port stands in for the pod's ports: /metrics is served beside the API (a blank
    // METRICS_PORT is unset), where the local Prometheus scrapes it.
    Object.assign(env, this.options.overrides ?? {}, {
      PORT: String(this.options.port),
      HOST: '127.0.0.1',
      METRICS_PORT: '',
    });
    const proc = await spawnInference(env, { readyPath: plan.readyPath }).catch((err: Error) => {
      throw new Error(
        `the pod for ${plan.image} with model ${plan.modelVersion} did not become ready: ${err.message}`,
      );
    });
    this.current = { proc, dir, plan };
    return { plan, proc, ...(replaced ? { replaced } : {}) };
  }

  /** Stops the pod (SIGTERM, as the kubelet does) and removes its volumes. */
  async stop(): Promise<Exit | undefined> {
    if (!this.current) return undefined;
    const { proc, dir } = this.current;
    this.current = undefined;
    const exit = await proc.stop('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    return exit;
  }
}
