import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { createSchema, POSTGRES_URL, type TestSchema } from '@titanic/inference/test/support.ts';
import type { ImageRoot } from './image-roots.ts';
import { type HttpAnswer, type Ran, type RunningContainer, TestPod } from './kubelet.ts';
import { container, type HttpProbe, httpProbes, type RenderedPod } from './pod-spec.ts';

/** The test value of the Secret `inference-api-keys` (key `keys`). */
export const API_KEY = 'image-test-key-0123456789abcdef';

/** A rendered inference pod whose init containers ran and whose server passed its startup probe. */
export interface InferencePod {
  readonly pod: TestPod;
  readonly server: RunningContainer;
  /** The pod's own schema of the test PostgreSQL (the `inference-database/url` Secret). */
  readonly schema: TestSchema;
  readonly probes: readonly HttpProbe[];
  /** Each init container's exit and output, in the order they ran. */
  readonly init: readonly Ran[];
  /** GET of the pod's Prometheus scrape port and path (its annotations). */
  scrape(): Promise<HttpAnswer>;
  /** `POST /v1/predict` with the test API key. */
  predict(passenger: object): Promise<HttpAnswer>;
  /** The prediction log's rows, once at least one is written. */
  loggedPredictions(): Promise<Record<string, unknown>[]>;
  dispose(): Promise<void>;
}

/**
 * Starts `rendered` as the kubelet does: volumes, the init containers in order, then the
 * inference container with the test PostgreSQL reachable at its own address, polled on its
 * startup probe within the probe's budget.
 */
export async function startInferencePod(
  rendered: RenderedPod,
  options: { dir: string; images: (ref: string) => Promise<ImageRoot> },
): Promise<InferencePod> {
  const schema = await createSchema();
  let pod: TestPod | undefined;
  try {
    pod = await TestPod.create(rendered, {
      dir: await mkdtemp(join(options.dir, `pod-${rendered.env}-`)),
      images: options.images,
      values: { secrets: { 'inference-database/url': schema.url, 'inference-api-keys/keys': API_KEY } },
    });
    const init = await pod.runInitContainers();
    const db = new URL(POSTGRES_URL);
    const dbPort = Number(db.port || 5432);
    const server = await pod.start('inference', [{ port: dbPort, host: db.hostname, hostPort: dbPort }]);
    const probes = httpProbes(container(rendered, 'inference'));
    const startup = probes.find((p) => p.kind === 'startup') ?? probes[0]!;
    await server.waitUntilOk(startup.port, startup.path, startup.budgetMs);
    return running(pod, server, schema, probes, init);
  } catch (err) {
    await pod?.dispose();
    await schema.drop();
    throw err;
  }
}

function running(
  pod: TestPod,
  server: RunningContainer,
  schema: TestSchema,
  probes: HttpProbe[],
  init: Ran[],
): InferencePod {
  const annotations = pod.rendered.annotations;
  const scrape = () =>
    server.http(Number(annotations['prometheus.io/port']), annotations['prometheus.io/path']!);
  return {
    pod,
    server,
    schema,
    probes,
    init,
    scrape,
    predict: (passenger) =>
      server.http(server.spec.ports![0]!.containerPort, '/v1/predict', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify(passenger),
      }),
    async loggedPredictions() {
      // The log writer creates its table on first use (undefined_table until then) and writes
      // asynchronously: wait for a row, failing fast when the server counts the write as lost.
      for (;;) {
        const rows = await schema.pool
          .query('SELECT * FROM prediction_log')
          .then((result) => result.rows as Record<string, unknown>[])
          .catch((err: { code?: string }) => {
            if (err.code === '42P01') return [];
            throw err;
          });
        if (rows.length > 0) return rows;
        const metrics = (await scrape()).body;
        if (/^titanic_prediction_log_(dropped|flush_errors)_total(\{[^}]*\})? [1-9]/m.test(metrics))
          throw new Error(
            `the prediction log failed:\n${metrics.match(/^titanic_prediction_log.*$/gm)?.join('\n')}\n${server.output()}`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async dispose() {
      await pod.dispose();
      await schema.drop();
    },
  };
}
