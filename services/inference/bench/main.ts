import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { localVersions, MODEL_FILES } from '@titanic/features';
import { checkedArguments, commandLine, numberOption } from '@titanic/features/cli';
import { DEFAULT_MODEL_REGISTRY } from '../src/paths.ts';
import { buildBundles } from './build.ts';
import { type FeedbackLatency, measureFeedback } from './feedback-latency.ts';
import { paced } from './paced.ts';
import { passengers } from './passengers.ts';
import { postgresCpuSeconds } from './postgres-cpu.ts';
import { type Pinned, startPinned } from './processes.ts';
import {
  type BenchSchema,
  createBenchSchema,
  DEFAULT_DATABASE_URL,
  drainLog,
  metric,
  startService,
} from './service.ts';
import { type WrkResult, wrk } from './wrk.ts';

/**
 * `npm run bench`: the service in production mode (every prediction logged to the real
 * PostgreSQL) against a bare node:http server and a constant-answer Koa app, each pinned to
 * CPU 0 with wrk on CPU 1. The single-passenger runs go round-robin over the three servers for
 * `--rounds` rounds and the table shows each figure's median, so a slower minute of a shared
 * machine hits all three alike. Then bare node and the service carry the same paced load, 60 % of
 * the service's measured maximum (the HPA's CPU target), then batches. Prints a markdown table and
 * checks the goals; exit 1 when one is missed.
 */
const CLI = {
  program: 'bench',
  usage: `usage: npm run bench [-- --seconds N] [--warmup N] [--rounds N] [--batch-seconds N] [--database-url URL] [--cpu-prof DIR]

  --seconds       length of each measured run (default 10)
  --batch-seconds length of the 1,000-passenger batch run, long enough to fill the log (default 60)
  --warmup        unmeasured seconds before each run (default 3)
  --rounds        single-passenger rounds over the servers (the service and its shadowed twin twice each, A-B-B-A); the table shows medians (default 3)
  --database-url  the PostgreSQL the service logs to (default $BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test)
  --cpu-prof      write a V8 CPU profile of each service process into DIR (open in Chrome DevTools)
Exit 1 when a floor is missed.`,
  config: {
    options: {
      seconds: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '3' },
      'batch-seconds': { type: 'string', default: '60' },
      'database-url': { type: 'string', default: DEFAULT_DATABASE_URL },
      'cpu-prof': { type: 'string' },
    },
  },
} as const;
const { values: args } = commandLine(CLI);
const [SECONDS, WARMUP, ROUNDS, BATCH_SECONDS] = checkedArguments(CLI, () => [
  numberOption('seconds', args.seconds, 1),
  numberOption('warmup', args.warmup),
  numberOption('rounds', args.rounds, 1),
  numberOption('batch-seconds', args['batch-seconds'], 1),
]);
const SERVER_CPU = '0';
/** Node options for every service process: a CPU profile per process when asked for. */
const PROFILE = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args['cpu-prof'])}`] : [];
const LOAD_CPU = '1';

interface Measured {
  result: WrkResult;
  /** Server CPU time per request: comparable even when other work shares the machine. */
  cpuUsPerRequest: number;
}

interface Row {
  target: string;
  scenario: string;
  connections: number;
  /** One per round; the table shows medians. */
  runs: Measured[];
  peakMb: number;
  predicted?: number;
  logged?: number;
  dropped?: number;
  /** Full (mark-compact) collections in the service during the runs, and their total pause. */
  majorGcs?: number;
  majorGcMs?: number;
  /** Every answer is a refusal (429): its non-2xx count is the point, not an error. */
  refused?: boolean;
  /** PostgreSQL's CPU per logged row over the scenario (undefined: not on this machine). */
  postgresUsPerRow?: number;
  /** The paced scenario's target rate. */
  pacedRps?: number;
}

const work = mkdtempSync(join(tmpdir(), 'titanic-bench-'));
const bodies = {
  single: join(work, 'single.json'),
  batch100: join(work, 'batch100.json'),
  batch1000: join(work, 'batch1000.json'),
};
writeFileSync(bodies.single, JSON.stringify(passengers(1)[0]));
writeFileSync(bodies.batch100, JSON.stringify({ passengers: passengers(100, 2) }));
writeFileSync(bodies.batch1000, JSON.stringify({ passengers: passengers(1000, 3) }));

async function load(server: Pinned, body: string, connections: number, seconds = SECONDS): Promise<Measured> {
  const url = `${server.url}/v1/predict`;
  if (WARMUP > 0) await wrk({ url, bodyFile: body, connections, seconds: WARMUP, cpu: LOAD_CPU });
  const cpuBefore = server.cpuSeconds();
  const result = await wrk({ url, bodyFile: body, connections, seconds, cpu: LOAD_CPU });
  const cpuUsPerRequest = ((server.cpuSeconds() - cpuBefore) * 1e6) / Math.max(1, result.requests);
  return { result, cpuUsPerRequest };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** What the service's own metrics say changed over a scenario. */
async function serviceCounters(url: string, schema: BenchSchema) {
  return {
    predicted: await metric(url, 'titanic_request_batch_size_count'),
    dropped: await metric(url, 'titanic_prediction_log_dropped_total'),
    majorGcs: await metric(url, 'nodejs_gc_duration_seconds_count', 'kind="major"'),
    majorGcSeconds: await metric(url, 'nodejs_gc_duration_seconds_sum', 'kind="major"'),
    rows: await schema.loggedRows(),
    postgresSeconds: postgresCpuSeconds(),
  };
}

/** The candidate in the shadow: the version before the newest (which the service serves). */
const SHADOW_MODEL = join(
  DEFAULT_MODEL_REGISTRY,
  localVersions(DEFAULT_MODEL_REGISTRY)[1] ?? '',
  MODEL_FILES.onnx,
);

async function main() {
  const schema = await createBenchSchema(args['database-url']!, 'bench');
  const shadowSchema = await createBenchSchema(args['database-url']!, 'bench_shadow');
  const bundles = await buildBundles();
  const servers: Pinned[] = [];
  const loadBefore = loadavg();
  try {
    const baseline = (name: string, script: string) =>
      startPinned({
        script,
        cpu: SERVER_CPU,
        env: {},
        readyPath: '/v1/predict',
        logFile: join(work, `${name}.log`),
      });
    const bare = await baseline('bare', bundles.bare);
    servers.push(bare);
    const koa = await baseline('koa', bundles.koa);
    servers.push(koa);
    const service = await startService({
      script: bundles.service,
      cpu: SERVER_CPU,
      schema,
      imageVersion: 'bench',
      logFile: join(work, 'service.log'),
      nodeArgs: PROFILE,
    });
    servers.push(service);
    const shadowed = await startService({
      script: bundles.service,
      cpu: SERVER_CPU,
      schema: shadowSchema,
      imageVersion: 'bench',
      logFile: join(work, 'shadowed.log'),
      env: { SHADOW_MODEL_PATH: SHADOW_MODEL },
      nodeArgs: PROFILE,
    });
    servers.push(shadowed);

    const single = (target: string): Row => ({
      target,
      scenario: 'single',
      connections: 32,
      runs: [],
      peakMb: 0,
    });
    const rows = [
      single('bare node:http'),
      single('Koa + router, constant'),
      single('inference service'),
      single('inference service + shadow'),
    ];
    const contenders = [bare, koa, service, shadowed];
    const before = await serviceCounters(service.url, schema);
    const shadowBefore = await serviceCounters(shadowed.url, shadowSchema);
    // The service and its shadowed twin run twice a round, in A-B-B-A order: each shadowed run
    // has a service run right beside it, before it as often as after, so a machine whose speed
    // drifts during the round moves neither side of the shadow's ratio more than the other.
    for (let round = 0; round < ROUNDS; round++)
      for (const i of [0, 1, 2, 3, 3, 2]) rows[i]!.runs.push(await load(contenders[i]!, bodies.single, 32));
    for (const [i, server] of contenders.entries()) rows[i]!.peakMb = server.memory().peakMb;
    rows[2] = { ...rows[2]!, ...(await settle(service, schema, before)) };
    rows[3] = { ...rows[3]!, ...(await settle(shadowed, shadowSchema, shadowBefore)) };
    const shadowedPassengers = await metric(shadowed.url, 'titanic_shadow_predictions_total');
    const feedback = await measureFeedback(service.url, passengers(1)[0]!, 2000);

    // The same paced load on bare node and on the service: what the service adds to a request
    // when the machine is not saturated.
    const target = Math.round(0.6 * median(rows[2].runs.map((m) => m.result.rps)));
    for (const [name, server] of [
      ['bare node:http', bare],
      ['inference service', service],
    ] as const) {
      const start = await serviceCounters(service.url, schema);
      const run = await paced({
        server,
        bodyFile: bodies.single,
        rps: target,
        connections: 32,
        seconds: SECONDS,
        cpu: LOAD_CPU,
      });
      const row: Row = {
        target: name,
        scenario: 'single, paced at 60% of the maximum',
        connections: 32,
        runs: [run],
        peakMb: server.memory().peakMb,
        pacedRps: target,
      };
      rows.push(server === service ? { ...row, ...(await settle(service, schema, start)) } : row);
    }

    const batches = [
      { scenario: '100-passenger batch', body: bodies.batch100, connections: 4, seconds: SECONDS },
      { scenario: '1,000-passenger batch', body: bodies.batch1000, connections: 1, seconds: BATCH_SECONDS },
    ];
    for (const s of batches) {
      const start = await serviceCounters(service.url, schema);
      const measured = await load(service, s.body, s.connections, s.seconds);
      rows.push({
        target: 'inference service',
        scenario: s.scenario,
        connections: s.connections,
        runs: [measured],
        peakMb: service.memory().peakMb,
        ...(await settle(service, schema, start)),
      });
    }
    rows.push(await rejectedFlood(bundles.service, schema));
    report(rows, { feedback, shadowedPassengers, loadBefore, loadAfter: loadavg() });
  } finally {
    for (const s of servers.slice(2)) {
      const code = await s.stop();
      if (code !== null && code !== 0) console.error(`service exited with ${code}`);
    }
    await Promise.all(servers.slice(0, 2).map((s) => s.stop()));
    await schema.drop();
    await shadowSchema.drop();
  }
}

/**
 * A rate-limited flood: a second service instance allowing 1 request/s takes the single-passenger
 * load, so nearly every answer is a 429. A refusal must cost less CPU than the prediction it saves.
 */
async function rejectedFlood(script: string, schema: BenchSchema): Promise<Row> {
  const limited = await startService({
    script,
    cpu: SERVER_CPU,
    schema,
    imageVersion: 'bench',
    logFile: join(work, 'limited.log'),
    env: { RATE_LIMIT_RPS: '1', RATE_LIMIT_BURST: '1' },
    nodeArgs: PROFILE,
  });
  try {
    const measured = await load(limited, bodies.single, 32);
    return {
      target: 'inference service, 1 req/s limit',
      scenario: 'single, rejected flood (429)',
      connections: 32,
      runs: [measured],
      peakMb: limited.memory().peakMb,
      refused: true,
    };
  } finally {
    await limited.stop();
  }
}

/** Lets the log queue drain, then counts what reached the table since `before`. */
async function settle(
  service: Pinned,
  schema: BenchSchema,
  before: Awaited<ReturnType<typeof serviceCounters>>,
) {
  await drainLog(service.url);
  const after = await serviceCounters(service.url, schema);
  return {
    predicted: after.predicted - before.predicted,
    dropped: after.dropped - before.dropped,
    logged: after.rows - before.rows,
    majorGcs: after.majorGcs - before.majorGcs,
    majorGcMs: (after.majorGcSeconds - before.majorGcSeconds) * 1000,
    postgresUsPerRow:
      after.postgresSeconds === undefined || before.postgresSeconds === undefined
        ? undefined
        : ((after.postgresSeconds - before.postgresSeconds) * 1e6) / Math.max(1, after.rows - before.rows),
  };
}

interface Extras {
  readonly feedback: FeedbackLatency;
  /** Passengers the shadow scored in the shadowed runs (must equal the passengers predicted). */
  readonly shadowedPassengers: number;
  readonly loadBefore: number[];
  readonly loadAfter: number[];
}

function report(rows: Row[], extras: Extras) {
  const f = (n: number, d = 0) =>
    n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const med = (r: Row, pick: (m: Measured) => number) => median(r.runs.map(pick));
  const rps = (r: Row) => med(r, (m) => m.result.rps);
  const p50 = (r: Row) => med(r, (m) => m.result.p50Ms);
  const p99 = (r: Row) => med(r, (m) => m.result.p99Ms);
  const p999 = (r: Row) => med(r, (m) => m.result.p999Ms);
  const cpu = (r: Row) => med(r, (m) => m.cpuUsPerRequest);
  const errors = (r: Row) => r.runs.reduce((n, m) => n + m.result.non2xx + m.result.socketErrors, 0);
  const range = (r: Row, pick: (m: Measured) => number, d: number) => {
    const xs = r.runs.map(pick);
    return xs.length > 1 ? `${f(Math.min(...xs), d)}–${f(Math.max(...xs), d)}` : '';
  };
  const opt0 = (n: number | undefined) => (n === undefined ? '–' : f(n));
  const lines = [
    '| target | scenario | conns | runs | req/s | passengers/s | p50 ms | p99 ms (range) | p99.9 ms | server CPU µs/req | PostgreSQL CPU µs/row | peak RSS MB | non-2xx + socket errors | predicted requests | logged rows | dropped | full GCs (pause ms) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const size = r.scenario.startsWith('1,000') ? 1000 : r.scenario.startsWith('100') ? 100 : 1;
    const spread = range(r, (m) => m.result.p99Ms, 2);
    const opt = (n: number | undefined, d = 0) => (n === undefined ? '–' : f(n, d));
    lines.push(
      `| ${r.target} | ${r.scenario} | ${r.connections} | ${r.runs.length} | ${f(rps(r))} | ${f(rps(r) * size)} | ${f(p50(r), 2)} | ${f(p99(r), 2)}${spread ? ` (${spread})` : ''} | ${Number.isNaN(p999(r)) ? '–' : f(p999(r), 2)} | ${f(cpu(r), 1)} | ${opt(r.postgresUsPerRow, 1)} | ${f(r.peakMb)} | ${errors(r)} | ${opt(r.predicted)} | ${opt(r.logged)} | ${opt(r.dropped)} | ${r.majorGcs === undefined ? '–' : `${f(r.majorGcs)} (${f(r.majorGcMs ?? 0, 1)})`} |`,
    );
  }
  const pacedBare = rows.find((r) => r.pacedRps !== undefined && r.target === 'bare node:http')!;
  const pacedService = rows.find((r) => r.pacedRps !== undefined && r.target === 'inference service')!;
  const [bare, koa, single, shadowRow] = rows as [Row, Row, Row, Row];
  // Per adjacent pair of runs (A-B, then B-A each round), then the median: a shared or drifting
  // machine moves both sides of each ratio alike.
  const shadowOverhead = median(
    shadowRow.runs.map((m, i) => m.cpuUsPerRequest / single.runs[i]!.cpuUsPerRequest - 1),
  );
  const fb = extras.feedback;
  const big = rows.find((r) => r.scenario.startsWith('1,000'))!;
  const service = rows.filter((r) => r.target.startsWith('inference service') && !r.refused);
  const flood = rows.find((r) => r.refused)!;
  // Ratios to the same round's bare node run (a row may have several runs a round), then their median.
  const ratio = (r: Row) => {
    const perRound = r.runs.length / bare.runs.length;
    return median(r.runs.map((m, i) => m.result.rps / bare.runs[Math.floor(i / perRound)]!.result.rps));
  };
  const floors = [
    [
      'single passenger, 32 connections: throughput ≥ 50% of bare node:http',
      ratio(single) >= 0.5,
      `${f(100 * ratio(single), 1)}% (constant Koa: ${f(100 * ratio(koa), 1)}%)`,
    ],
    [
      'single passenger, 32 connections: p99 ≤ 1.5 × bare node:http p99',
      p99(single) <= 1.5 * p99(bare),
      `${f(p99(single), 2)} ms vs bare node ${f(p99(bare), 2)} ms (${f(p99(single) / p99(bare), 2)}×; constant Koa ${f(p99(koa), 2)} ms)`,
    ],
    [
      'server CPU per request ≤ constant Koa + 15 µs',
      cpu(single) <= cpu(koa) + 15,
      `${f(cpu(single), 1)} µs vs Koa ${f(cpu(koa), 1)} µs (+${f(cpu(single) - cpu(koa), 1)}); bare node ${f(cpu(bare), 1)} µs`,
    ],
    [
      `paced at ${f(pacedService.pacedRps ?? 0)} req/s: p50 ≤ bare node p50 + 0.2 ms`,
      p50(pacedService) <= p50(pacedBare) + 0.2,
      `${f(p50(pacedService), 2)} ms vs ${f(p50(pacedBare), 2)} ms (reached ${f(rps(pacedService))} and ${f(rps(pacedBare))} req/s)`,
    ],
    [
      'paced: p99 ≤ 1.2 × bare node p99',
      p99(pacedService) <= 1.2 * p99(pacedBare),
      `${f(p99(pacedService), 2)} ms vs ${f(p99(pacedBare), 2)} ms; p99.9 ${f(p999(pacedService), 2)} vs ${f(p999(pacedBare), 2)} ms`,
    ],
    [
      `1,000-passenger batches for ${BATCH_SECONDS} s: p50 ≤ 5 ms and no row dropped`,
      p50(big) <= 5 && big.dropped === 0 && big.logged === big.predicted,
      `p50 ${f(p50(big), 2)} ms; ${opt0(big.logged)} of ${opt0(big.predicted)} rows logged, ${opt0(big.dropped)} dropped`,
    ],
    [
      'RSS ≤ 200 MB',
      service.every((r) => r.peakMb <= 200),
      `peak ${f(Math.max(...service.map((r) => r.peakMb)))} MB`,
    ],
    [
      'a refusal (429) costs less server CPU than a prediction',
      cpu(flood) < cpu(single),
      `${f(cpu(flood), 1)} µs per 429 vs ${f(cpu(single), 1)} µs per single prediction (${f((100 * cpu(flood)) / cpu(single), 1)}%); ${f(med(flood, (m) => m.result.rps))} req/s refused vs ${f(rps(single))} req/s predicted`,
    ],
    [
      'shadow CPU overhead ≤ 10% per single-passenger request',
      shadowOverhead <= 0.1,
      `${f(100 * shadowOverhead, 1)}% (${f(cpu(shadowRow), 1)} vs ${f(cpu(single), 1)} µs/req; same rounds: bare node ${f(rps(bare))} req/s); shadow scored ${f(extras.shadowedPassengers)} of ${f(shadowRow.predicted ?? 0)} passengers`,
    ],
    ['every shadowed request scored by the shadow', extras.shadowedPassengers === shadowRow.predicted, ''],
    [
      'feedback latency p99 ≤ 5 ms (one connection, new labels)',
      fb.p99Ms <= 5,
      `${f(fb.labels)} labels: p50 ${f(fb.p50Ms, 2)} ms, p99 ${f(fb.p99Ms, 2)} ms, max ${f(fb.maxMs, 2)} ms; server mean ${f(fb.serverMeanMs, 3)} ms`,
    ],
    ['0 errors', service.every((r) => errors(r) === 0), ''],
    ['0 rows lost', service.every((r) => r.logged === r.predicted && r.dropped === 0), ''],
  ] as const;
  lines.push('', '| goal | met | measured |', '| --- | --- | --- |');
  for (const [name, ok, value] of floors) lines.push(`| ${name} | ${ok ? 'yes' : 'NO'} | ${value} |`);
  console.log(`\n${lines.join('\n')}\n`);
  console.log(
    `${ROUNDS} round(s) of ${SECONDS} s per server after ${WARMUP} s warm-up each (medians shown); paced runs and batches once; server on CPU ${SERVER_CPU}, wrk on CPU ${LOAD_CPU}; PostgreSQL unpinned (its CPU per logged row is shown). Bare node:http on this machine: ${f(rps(bare))} req/s.`,
  );
  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(
    `Load average (1, 5, 15 min) before: ${la(extras.loadBefore)}; after: ${la(extras.loadAfter)}.`,
  );
  if (floors.some(([, ok]) => !ok)) process.exitCode = 1;
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
