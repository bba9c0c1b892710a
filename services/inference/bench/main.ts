import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildBundles } from './build.ts';
import { passengers } from './passengers.ts';
import { type Pinned, startPinned } from './processes.ts';
import { createBenchSchema, DEFAULT_DATABASE_URL, metric, startService } from './service.ts';
import { type WrkResult, wrk } from './wrk.ts';

/**
 * `npm run bench`: the service in production mode (every prediction logged to the real
 * PostgreSQL) against a bare node:http server and a constant-answer Koa app, each pinned to
 * CPU 0 with wrk on CPU 1. Prints a markdown table and checks the floors.
 */
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'database-url': { type: 'string', default: DEFAULT_DATABASE_URL },
  },
});
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const SERVER_CPU = '0';
const LOAD_CPU = '1';

interface Row {
  target: string;
  scenario: string;
  connections: number;
  result: WrkResult;
  rssMb: number;
  peakMb?: number;
  /** Server CPU time per request: comparable even when other work shares the machine. */
  cpuUsPerRequest: number;
  predicted?: number;
  logged?: number;
  dropped?: number;
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

async function load(server: Pinned, body: string, connections: number) {
  const url = `${server.url}/v1/predict`;
  if (WARMUP > 0) await wrk({ url, bodyFile: body, connections, seconds: WARMUP, cpu: LOAD_CPU });
  const cpuBefore = server.cpuSeconds();
  const result = await wrk({ url, bodyFile: body, connections, seconds: SECONDS, cpu: LOAD_CPU });
  const cpuUsPerRequest = ((server.cpuSeconds() - cpuBefore) * 1e6) / Math.max(1, result.requests);
  return { result, cpuUsPerRequest };
}

async function baseline(name: string, script: string): Promise<Row> {
  const server = await startPinned({
    script,
    cpu: SERVER_CPU,
    env: {},
    readyPath: '/v1/predict',
    logFile: join(work, `${name}.log`),
  });
  try {
    const measured = await load(server, bodies.single, 32);
    return { target: name, scenario: 'single', connections: 32, ...measured, ...memory(server) };
  } finally {
    await server.stop();
  }
}

function memory(server: Pinned) {
  const { rssMb, peakMb } = server.memory();
  return { rssMb, peakMb };
}

async function main() {
  const schema = await createBenchSchema(args['database-url']!, 'bench');
  const rows: Row[] = [];
  const bundles = await buildBundles();
  try {
    rows.push(await baseline('bare node:http', bundles.bare));
    rows.push(await baseline('Koa + router, constant', bundles.koa));
    const service = await startService({
      script: bundles.service,
      cpu: SERVER_CPU,
      schema,
      imageVersion: 'bench',
      logFile: join(work, 'service.log'),
    });
    try {
      const scenarios = [
        { scenario: 'single', body: bodies.single, connections: 32 },
        { scenario: '100-passenger batch', body: bodies.batch100, connections: 4 },
        { scenario: '1,000-passenger batch', body: bodies.batch1000, connections: 1 },
      ];
      for (const s of scenarios) {
        const before = {
          predicted: await metric(service.url, 'titanic_request_batch_size_count'),
          written: await metric(service.url, 'titanic_prediction_log_written_total'),
          dropped: await metric(service.url, 'titanic_prediction_log_dropped_total'),
          rows: await schema.loggedRows(),
        };
        const measured = await load(service, s.body, s.connections);
        const mem = memory(service);
        // Let the log queue drain, then count what reached the table.
        const deadline = Date.now() + 60_000;
        while ((await metric(service.url, 'titanic_prediction_log_queue_depth')) > 0 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 200));
        const predicted = (await metric(service.url, 'titanic_request_batch_size_count')) - before.predicted;
        const dropped = (await metric(service.url, 'titanic_prediction_log_dropped_total')) - before.dropped;
        const logged = (await schema.loggedRows()) - before.rows;
        rows.push({ target: 'inference service', ...s, ...measured, ...mem, predicted, logged, dropped });
      }
    } finally {
      const code = await service.stop();
      if (code !== 0) console.error(`service exited with ${code}`);
    }
  } finally {
    await schema.drop();
  }
  report(rows);
}

function report(rows: Row[]) {
  const f = (n: number, d = 0) =>
    n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const lines = [
    '| target | scenario | conns | req/s | passengers/s | p50 ms | p99 ms | server CPU µs/req | RSS MB (peak) | non-2xx + socket errors | predicted requests | logged rows | dropped |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const size = r.scenario.startsWith('1,000') ? 1000 : r.scenario.startsWith('100') ? 100 : 1;
    lines.push(
      `| ${r.target} | ${r.scenario} | ${r.connections} | ${f(r.result.rps)} | ${f(r.result.rps * size)} | ${f(r.result.p50Ms, 2)} | ${f(r.result.p99Ms, 2)} | ${f(r.cpuUsPerRequest, 1)} | ${f(r.rssMb)} (${f(r.peakMb ?? Number.NaN)}) | ${r.result.non2xx + r.result.socketErrors} | ${r.predicted === undefined ? '–' : f(r.predicted)} | ${r.logged === undefined ? '–' : f(r.logged)} | ${r.dropped === undefined ? '–' : f(r.dropped)} |`,
    );
  }
  const bare = rows[0]!.result.rps;
  const koa = rows[1]!.result.rps;
  const single = rows.find((r) => r.target === 'inference service' && r.scenario === 'single')!;
  const big = rows.find((r) => r.scenario.startsWith('1,000'))!;
  const service = rows.filter((r) => r.target === 'inference service');
  const floors = [
    [
      'single-passenger throughput ≥ 35% of bare node',
      single.result.rps / bare >= 0.35,
      `${f((100 * single.result.rps) / bare, 1)}% (constant Koa: ${f((100 * koa) / bare, 1)}%); by CPU per request ${f((100 * rows[0]!.cpuUsPerRequest) / single.cpuUsPerRequest, 1)}% (Koa ${f((100 * rows[0]!.cpuUsPerRequest) / rows[1]!.cpuUsPerRequest, 1)}%)`,
    ],
    ['p99 ≤ 5 ms at 32 connections', single.result.p99Ms <= 5, `${f(single.result.p99Ms, 2)} ms`],
    ['1,000-passenger batch p50 ≤ 10 ms', big.result.p50Ms <= 10, `${f(big.result.p50Ms, 2)} ms`],
    [
      'RSS ≤ 200 MB',
      service.every((r) => (r.peakMb ?? r.rssMb) <= 200),
      `peak ${f(Math.max(...service.map((r) => r.peakMb ?? 0)))} MB`,
    ],
    ['0 errors', service.every((r) => r.result.non2xx + r.result.socketErrors === 0), ''],
    ['0 rows lost', service.every((r) => r.logged === r.predicted && r.dropped === 0), ''],
  ] as const;
  lines.push('', '| floor | met | measured |', '| --- | --- | --- |');
  for (const [name, ok, value] of floors) lines.push(`| ${name} | ${ok ? 'yes' : 'NO'} | ${value} |`);
  console.log(`\n${lines.join('\n')}\n`);
  console.log(
    `${SECONDS} s per run after ${WARMUP} s warm-up; server on CPU ${SERVER_CPU}, wrk on CPU ${LOAD_CPU}; PostgreSQL unpinned.`,
  );
  if (floors.some(([, ok]) => !ok)) process.exitCode = 1;
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
