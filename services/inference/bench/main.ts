import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLine, exitWithUsage, numberOption, type UsageError } from '@titanic/features/cli';
import { buildBundles } from './build.ts';
import { passengers } from './passengers.ts';
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
 * machine hits all three alike. Prints a markdown table and checks the floors.
 */
const CLI = {
  program: 'bench',
  usage: `usage: npm run bench [-- --seconds N] [--warmup N] [--rounds N] [--database-url URL]

  --seconds       length of each measured run (default 10)
  --warmup        unmeasured seconds before each run (default 3)
  --rounds        single-passenger rounds over the three servers; the table shows medians (default 3)
  --database-url  the PostgreSQL the service logs to (default $BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test)
Exit 1 when a floor is missed.`,
  config: {
    options: {
      seconds: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '3' },
      'database-url': { type: 'string', default: DEFAULT_DATABASE_URL },
    },
  },
} as const;
const { values: args } = commandLine(CLI);
const [SECONDS, WARMUP, ROUNDS] = (() => {
  try {
    return [
      numberOption('seconds', args.seconds, 1),
      numberOption('warmup', args.warmup),
      numberOption('rounds', args.rounds, 1),
    ];
  } catch (error) {
    return exitWithUsage(CLI, error as UsageError);
  }
})();
const SERVER_CPU = '0';
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

async function load(server: Pinned, body: string, connections: number): Promise<Measured> {
  const url = `${server.url}/v1/predict`;
  if (WARMUP > 0) await wrk({ url, bodyFile: body, connections, seconds: WARMUP, cpu: LOAD_CPU });
  const cpuBefore = server.cpuSeconds();
  const result = await wrk({ url, bodyFile: body, connections, seconds: SECONDS, cpu: LOAD_CPU });
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
  };
}

async function main() {
  const schema = await createBenchSchema(args['database-url']!, 'bench');
  const bundles = await buildBundles();
  const servers: Pinned[] = [];
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
    });
    servers.push(service);

    const single = (target: string): Row => ({
      target,
      scenario: 'single',
      connections: 32,
      runs: [],
      peakMb: 0,
    });
    const rows = [single('bare node:http'), single('Koa + router, constant'), single('inference service')];
    const contenders = [bare, koa, service];
    const before = await serviceCounters(service.url, schema);
    for (let round = 0; round < ROUNDS; round++)
      for (const [i, server] of contenders.entries())
        rows[i]!.runs.push(await load(server, bodies.single, 32));
    for (const [i, server] of contenders.entries()) rows[i]!.peakMb = server.memory().peakMb;
    rows[2] = { ...rows[2]!, ...(await settle(service, schema, before)) };

    const batches = [
      { scenario: '100-passenger batch', body: bodies.batch100, connections: 4 },
      { scenario: '1,000-passenger batch', body: bodies.batch1000, connections: 1 },
    ];
    for (const s of batches) {
      const start = await serviceCounters(service.url, schema);
      const measured = await load(service, s.body, s.connections);
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
    report(rows);
  } finally {
    const code = await servers.at(2)?.stop();
    if (code !== undefined && code !== 0) console.error(`service exited with ${code}`);
    await Promise.all(servers.slice(0, 2).map((s) => s.stop()));
    await schema.drop();
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
  };
}

function report(rows: Row[]) {
  const f = (n: number, d = 0) =>
    n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const med = (r: Row, pick: (m: Measured) => number) => median(r.runs.map(pick));
  const rps = (r: Row) => med(r, (m) => m.result.rps);
  const p50 = (r: Row) => med(r, (m) => m.result.p50Ms);
  const p99 = (r: Row) => med(r, (m) => m.result.p99Ms);
  const cpu = (r: Row) => med(r, (m) => m.cpuUsPerRequest);
  const errors = (r: Row) => r.runs.reduce((n, m) => n + m.result.non2xx + m.result.socketErrors, 0);
  const range = (r: Row, pick: (m: Measured) => number, d: number) => {
    const xs = r.runs.map(pick);
    return xs.length > 1 ? `${f(Math.min(...xs), d)}–${f(Math.max(...xs), d)}` : '';
  };
  const lines = [
    '| target | scenario | conns | runs | req/s | passengers/s | p50 ms | p99 ms (range) | server CPU µs/req | peak RSS MB | non-2xx + socket errors | predicted requests | logged rows | dropped | full GCs (pause ms) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const size = r.scenario.startsWith('1,000') ? 1000 : r.scenario.startsWith('100') ? 100 : 1;
    const spread = range(r, (m) => m.result.p99Ms, 2);
    const opt = (n: number | undefined, d = 0) => (n === undefined ? '–' : f(n, d));
    lines.push(
      `| ${r.target} | ${r.scenario} | ${r.connections} | ${r.runs.length} | ${f(rps(r))} | ${f(rps(r) * size)} | ${f(p50(r), 2)} | ${f(p99(r), 2)}${spread ? ` (${spread})` : ''} | ${f(cpu(r), 1)} | ${f(r.peakMb)} | ${errors(r)} | ${opt(r.predicted)} | ${opt(r.logged)} | ${opt(r.dropped)} | ${r.majorGcs === undefined ? '–' : `${f(r.majorGcs)} (${f(r.majorGcMs ?? 0, 1)})`} |`,
    );
  }
  const [bare, koa, single] = rows as [Row, Row, Row];
  const big = rows.find((r) => r.scenario.startsWith('1,000'))!;
  const service = rows.filter((r) => r.target === 'inference service');
  const flood = rows.find((r) => r.refused)!;
  // Ratios per round (the three ran back to back), then their median.
  const ratio = (r: Row) => median(r.runs.map((m, i) => m.result.rps / bare.runs[i]!.result.rps));
  const floors = [
    [
      'single-passenger throughput ≥ 35% of bare node',
      ratio(single) >= 0.35,
      `${f(100 * ratio(single), 1)}% (constant Koa: ${f(100 * ratio(koa), 1)}%); by CPU per request ${f((100 * cpu(bare)) / cpu(single), 1)}% (Koa ${f((100 * cpu(bare)) / cpu(koa), 1)}%)`,
    ],
    [
      'p99 ≤ 5 ms at 32 connections',
      p99(single) <= 5,
      `${f(p99(single), 2)} ms (same rounds: bare node ${f(p99(bare), 2)} ms, constant Koa ${f(p99(koa), 2)} ms)`,
    ],
    ['1,000-passenger batch p50 ≤ 10 ms', p50(big) <= 10, `${f(p50(big), 2)} ms`],
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
    ['0 errors', service.every((r) => errors(r) === 0), ''],
    ['0 rows lost', service.every((r) => r.logged === r.predicted && r.dropped === 0), ''],
  ] as const;
  lines.push('', '| floor | met | measured |', '| --- | --- | --- |');
  for (const [name, ok, value] of floors) lines.push(`| ${name} | ${ok ? 'yes' : 'NO'} | ${value} |`);
  console.log(`\n${lines.join('\n')}\n`);
  console.log(
    `${ROUNDS} round(s) of ${SECONDS} s per server after ${WARMUP} s warm-up each (medians shown); batches once; server on CPU ${SERVER_CPU}, wrk on CPU ${LOAD_CPU}; PostgreSQL unpinned.`,
  );
  if (floors.some(([, ok]) => !ok)) process.exitCode = 1;
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
