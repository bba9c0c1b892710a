import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { ImageRoot } from './image-roots.ts';
import { container, containerArgv, containerEnv, type RenderedPod, type TestValues } from './pod-spec.ts';
import { asUser, type ContainerSandbox, containerCommand, podCommand } from './sandbox.ts';

const POD_NETWORK = fileURLToPath(new URL('./pod-network.mjs', import.meta.url));

/** A service outside the pod that the pod reaches at 127.0.0.1:<port> (the test's PostgreSQL). */
export interface Reach {
  readonly port: number;
  readonly host: string;
  readonly hostPort: number;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Ran extends Exit {
  readonly output: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

interface Spawned {
  readonly proc: ChildProcess;
  readonly exited: Promise<Exit>;
  output(): string;
}

function spawnCaptured(argv: readonly string[], env: Record<string, string>): Spawned {
  const proc = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<Exit>((resolve) =>
    proc.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { proc, exited, output: () => output };
}

/**
 * A one-node stand-in for the kubelet, for one rendered pod: volumes as folders, each container
 * in its own sandbox (sandbox.ts) with the image's filesystem and the pod's mounts, env, command
 * and user, in a network namespace of the pod's own (pod-network.mjs).
 */
export class TestPod {
  private readonly volumes = new Map<string, { dir: string; readOnly: boolean }>();
  private readonly servers: Server[] = [];
  private readonly running: Spawned[] = [];

  private constructor(
    readonly rendered: RenderedPod,
    private readonly dir: string,
    private readonly images: (ref: string) => Promise<ImageRoot>,
    private readonly values: TestValues,
  ) {}

  static async create(
    rendered: RenderedPod,
    options: { dir: string; images: (ref: string) => Promise<ImageRoot>; values: TestValues },
  ): Promise<TestPod> {
    const pod = new TestPod(rendered, options.dir, options.images, options.values);
    await pod.prepareVolumes();
    return pod;
  }

  private async prepareVolumes(): Promise<void> {
    for (const v of this.rendered.spec.volumes ?? []) {
      const dir = join(this.dir, 'volumes', v.name);
      await mkdir(dir, { recursive: true });
      // The kubelet creates emptyDirs world-writable; ConfigMap and Secret volumes are read-only.
      await chmod(dir, 0o777);
      const files: Record<string, string> = {};
      if (v.configMap) {
        const data = this.rendered.configMaps.get(v.configMap.name ?? '');
        if (!data && !v.configMap.optional)
          throw new Error(
            `volume ${v.name}: ConfigMap ${v.configMap.name} is not rendered in dist/${this.rendered.env}/`,
          );
        for (const [key, value] of Object.entries(data ?? {})) {
          const item = v.configMap.items?.find((i) => i.key === key);
          if (!v.configMap.items || item) files[item?.path ?? key] = value;
        }
      } else if (v.secret) {
        const prefix = `${v.secret.secretName}/`;
        for (const [key, value] of Object.entries(this.values.secrets))
          if (key.startsWith(prefix)) files[key.slice(prefix.length)] = value;
        if (Object.keys(files).length === 0 && !v.secret.optional)
          throw new Error(`volume ${v.name}: Secret ${v.secret.secretName} has no test values`);
      } else if (!v.emptyDir)
        throw new Error(`volume ${v.name}: only emptyDir, configMap and secret volumes run here`);
      for (const [path, value] of Object.entries(files))
        await writeFile(join(dir, path), value, { mode: 0o644 });
      if (!v.emptyDir) await chmod(dir, 0o755);
      this.volumes.set(v.name, { dir, readOnly: !v.emptyDir });
    }
    await mkdir(join(this.dir, 'pod'), { recursive: true });
    await chmod(this.dir, 0o755);
    await chmod(join(this.dir, 'pod'), 0o777);
  }

  /** Host folder of a volume, to look at what containers wrote. */
  volume(name: string): string {
    const v = this.volumes.get(name);
    if (!v) throw new Error(`the pod has no volume ${name}`);
    return v.dir;
  }

  private async sandbox(c: IContainer): Promise<{ box: ContainerSandbox; env: Record<string, string> }> {
    const image = await this.images(c.image ?? '');
    const { env, kubeletVars } = containerEnv(this.rendered, c, image.config.env, this.values);
    const sc = { ...this.rendered.spec.securityContext, ...c.securityContext };
    const [imageUid, imageGid] = (image.config.user ?? '0').split(':').map(Number);
    const uid = sc.runAsUser ?? imageUid ?? 0;
    const gid = sc.runAsGroup ?? imageGid ?? 0;
    if (!Number.isInteger(uid) || !Number.isInteger(gid))
      throw new Error(`container ${c.name}: the image's USER ${image.config.user} is not numeric`);
    if (sc.runAsNonRoot && uid === 0)
      throw new Error(`container ${c.name}: runAsNonRoot but would run as root`);
    if (c.securityContext?.readOnlyRootFilesystem !== true)
      throw new Error(`container ${c.name}: only readOnlyRootFilesystem: true is modelled here`);
    const mounts = (c.volumeMounts ?? []).map((m) => {
      const v = this.volumes.get(m.name);
      if (!v) throw new Error(`container ${c.name}: mounts volume ${m.name}, which the pod does not declare`);
      return {
        source: m.subPath ? join(v.dir, m.subPath) : v.dir,
        target: m.mountPath,
        readOnly: v.readOnly || m.readOnly === true,
      };
    });
    const box: ContainerSandbox = {
      layers: image.layers,
      debian: image.debian,
      ...(image.node !== undefined && { node: image.node }),
      mounts,
      workdir: c.workingDir ?? image.config.workdir,
      uid,
      gid,
      argv: containerArgv(c, image.config, kubeletVars),
    };
    return { box, env };
  }

  /**
   * Runs a container to completion (an init container), returning its exit and output. With
   * `argv`, runs that instead in a sandbox like the container's (same filesystem, mounts, env and
   * user), as a lifecycle hook's `exec` runs.
   */
  async run(name: string, argv?: readonly string[]): Promise<Ran> {
    const sandbox = await this.sandbox(container(this.rendered, name));
    const box = argv ? { ...sandbox.box, argv } : sandbox.box;
    const spawned = spawnCaptured(asUser(box.uid, box.gid, containerCommand(box)), sandbox.env);
    this.running.push(spawned);
    const exit = await spawned.exited;
    return { ...exit, output: spawned.output() };
  }

  /** Runs the init containers in order, as the kubelet does; throws naming the first that fails. */
  async runInitContainers(): Promise<Ran[]> {
    const results: Ran[] = [];
    for (const c of this.rendered.spec.initContainers ?? []) {
      const result = await this.run(c.name);
      results.push(result);
      if (result.code !== 0)
        throw new Error(`init container ${c.name} exited ${result.code ?? result.signal}: ${result.output}`);
    }
    return results;
  }

  /** Starts a long-running container in the pod's network namespace. */
  async start(name: string, reach: readonly Reach[] = []): Promise<RunningContainer> {
    const c = container(this.rendered, name);
    const { box, env } = await this.sandbox(c);
    const podDir = join(this.dir, 'pod');
    for (const r of reach) {
      const socket = join(podDir, `reach-${r.port}.sock`);
      const server = createServer((client) => {
        const upstream = createConnection(r.hostPort, r.host);
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      });
      await new Promise<void>((resolve) => server.listen(socket, resolve));
      await chmod(socket, 0o666);
      this.servers.push(server);
    }
    const ports = (c.ports ?? []).map((p) => p.containerPort);
    const spec = {
      expose: ports.map((port) => ({ port, socket: join(podDir, `port-${port}.sock`) })),
      reach: reach.map((r) => ({ port: r.port, socket: join(podDir, `reach-${r.port}.sock`) })),
      argv: containerCommand(box),
      env,
      pidFile: join(podDir, `${name}.pid`),
    };
    const specFile = join(podDir, `${name}.json`);
    await writeFile(specFile, JSON.stringify(spec), { mode: 0o644 });
    const argv = podCommand({
      hostname: this.rendered.podName,
      // The volumes' folders are written through this sandbox's mounts: bind them writable.
      dir: this.dir,
      uid: box.uid,
      gid: box.gid,
      argv: [process.execPath, POD_NETWORK, specFile],
    });
    const spawned = spawnCaptured(asUser(box.uid, box.gid, argv), {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
    });
    this.running.push(spawned);
    return new RunningContainer(c, spawned, spec.pidFile, podDir);
  }

  /** Kills whatever still runs and removes the pod's folders. */
  async dispose(): Promise<void> {
    for (const s of this.running) {
      if (s.proc.exitCode === null && s.proc.signalCode === null) {
        try {
          process.kill(-s.proc.pid!, 'SIGKILL');
        } catch {}
        await s.exited;
      }
    }
    for (const server of this.servers) server.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

export class RunningContainer {
  constructor(
    readonly spec: IContainer,
    private readonly spawned: Spawned,
    private readonly pidFile: string,
    private readonly podDir: string,
  ) {}

  get exited(): Promise<Exit> {
    return this.spawned.exited;
  }

  output(): string {
    return this.spawned.output();
  }

  /** The container's main process as the host sees it (PID 1 inside). */
  async pid(): Promise<number> {
    for (;;) {
      const text = await readFile(this.pidFile, 'utf8').catch(() => '');
      if (text) return Number(text);
      if (this.spawned.proc.exitCode !== null) throw new Error(`the container exited: ${this.output()}`);
      await sleep(20);
    }
  }

  /** An HTTP request to 127.0.0.1:<port> inside the pod. */
  http(
    port: number,
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: join(this.podDir, `port-${port}.sock`),
          path,
          method: init.method ?? 'GET',
          headers: { host: `127.0.0.1:${port}`, ...init.headers },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            body += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(init.body);
    });
  }

  /**
   * Polls a probe path until it answers 200, as the kubelet's startup probe does, within the
   * probe's own budget (failureThreshold × periodSeconds); fails with the container's output.
   */
  async waitUntilOk(port: number, path: string, budgetMs: number): Promise<HttpAnswer> {
    const deadline = Date.now() + budgetMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (this.spawned.proc.exitCode !== null)
        throw new Error(
          `the container exited ${this.spawned.proc.exitCode} before ${path} answered: ${this.output()}`,
        );
      const answer = await this.http(port, path).catch((err: Error) => err);
      if (!(answer instanceof Error) && answer.status === 200) return answer;
      last = answer instanceof Error ? answer.message : `${answer.status} ${answer.body}`;
      await sleep(100);
    }
    throw new Error(`${path} did not answer 200 within ${budgetMs} ms (last: ${last}): ${this.output()}`);
  }

  /** Sends `signal` to the container's PID 1, as the kubelet does on stop, and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    process.kill(await this.pid(), signal);
    return this.exited;
  }
}
