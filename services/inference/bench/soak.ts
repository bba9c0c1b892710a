import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkedArguments, commandLine, numberOption } from '@titanic/features/cli';
import { buildBundles } from './build.ts';
import { findPause } from './paced.ts';
import { passengers } from './passengers.ts';
import { createBenchSchema, DEFAULT_DATABASE_URL, drainLog, metric, startService } from './service.ts';
import { type WrkResult, wrk } from './wrk.ts';

/**
 * `npm run soak [-- --duration 300]`: measures the single-passenger maximum with wrk, then holds
 * half of it for the duration in windows of `--window` seconds (server on CPU 0, wrk on CPU 1,
 * every prediction logged to the real PostgreSQL). Passes when RSS grows < 10 %, p99 grows no
 * more than 20 % over the first minute, there are no errors and no log rows are lost.
 */
const CLI = {
  program: 'soak',
  usage: `usage: npm run soak [-- --duration SECONDS] [--window SECONDS] [--database-url URL]

  --duration      how long to hold half of the measured maximum (default 300)
  --window        length of each reported window (default 30)
  --database-url  the PostgreSQL the service logs to (default $BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test)
Exit 1 when RSS or p99 grows past its floor, a request fails or a log row is lost.`,
  config: {
    options: {
      duration: { type: 'string', default: '300' },
      window: { type: 'string', default: '30' },
      'database-url': { type: 'string', default: DEFAULT_DATABASE_URL },
    },
  },
} as const;
const { values: args } = commandLine(CLI);
const [DURATION, WINDOW] = checkedArguments(CLI, () => [
  numberOption('duration', args.duration, 1),
  numberOption('window', args.window, 1),
]);

const work = mkdtempSync(join(tmpdir(), 'titanic-soak-'));
const bodyFile = join(work, 'single.json');
writeFileSync(bodyFile, JSON.stringify(passengers(1)[0]));
const CONNECTIONS = 32;

async function main(): Promise<boolean> {
  const schema = await createBenchSchema(args['database-url']!, 'soak');
  const bundles = await buildBundles();
  const service = await startService({
    script: bundles.service,
    cpu: '0',
    schema,
    imageVersion: 'soak',
    logFile: join(work, 'service.log'),
  }).catch(async (err) => {
    await schema.drop();
    throw err;
  });
  try {
    const url = `${service.url}/v1/predict`;
    const max = await wrk({ url, bodyFile, connections: 32, seconds: 10, cpu: '1' });
    const rps = Math.round(max.rps / 2);
    const predictedBefore = await metric(service.url, 'titanic_request_batch_size_count');
    console.log(`max ${Math.round(max.rps)} req/s; soaking at ${rps} req/s for ${DURATION} s`);
    // wrk with a per-connection pause holds the rate; the pause is probed for, as in the bench.
    const delayMs = await findPause({ server: service, bodyFile, rps, connections: CONNECTIONS, cpu: '1' });
    const windows: (WrkResult & { seconds: number; rssMb: number })[] = [];
    for (let elapsed = 0; elapsed < DURATION; elapsed += WINDOW) {
      const w = await wrk({ url, bodyFile, connections: CONNECTIONS, seconds: WINDOW, cpu: '1', delayMs });
      const row = { ...w, seconds: elapsed + WINDOW, rssMb: service.memory().rssMb };
      windows.push(row);
      console.log(
        `${String(row.seconds).padStart(5)} s  ${Math.round(w.rps)} req/s  errors ${w.non2xx + w.socketErrors}  p50 ${w.p50Ms.toFixed(2)} ms  p99 ${w.p99Ms.toFixed(2)} ms  RSS ${row.rssMb.toFixed(0)} MB`,
      );
    }
    await drainLog(service.url);
    const predicted = (await metric(service.url, 'titanic_request_batch_size_count')) - predictedBefore;
    const dropped = await metric(service.url, 'titanic_prediction_log_dropped_total');
    const logged = await schema.loggedRows();
    const loggedBefore = Math.round(max.requests); // the wrk phase's rows
    // Compare the first minute with the last (halves for short runs): warm-up does not count.
    const perMinute = Math.max(1, Math.min(Math.round(60 / WINDOW), Math.floor(windows.length / 2)));
    const first = windows.slice(0, perMinute);
    const last = windows.slice(-perMinute);
    const avg = (ws: typeof windows, f: (w: (typeof windows)[number]) => number) =>
      ws.reduce((a, w) => a + f(w), 0) / ws.length;
    const rssGrowth = avg(last, (w) => w.rssMb) / avg(first, (w) => w.rssMb) - 1;
    const p99Change = avg(last, (w) => w.p99Ms) / avg(first, (w) => w.p99Ms) - 1;
    const errors = windows.reduce((a, w) => a + w.non2xx + w.socketErrors, 0);
    const checks = [
      ['RSS growth < 10 %', rssGrowth < 0.1, `${(100 * rssGrowth).toFixed(1)} %`],
      [
        // Growth is what a leak or a backed-up queue shows; a tail that shrinks once warm is fine.
        'p99 grows ≤ 20 % over the first minute',
        p99Change <= 0.2,
        `${(100 * p99Change).toFixed(1)} %`,
      ],
      ['0 errors', errors === 0, String(errors)],
      [
        '0 rows lost',
        dropped === 0 && logged >= predicted,
        `logged ${logged} (incl. ~${loggedBefore} from the max run), predicted ${predicted}, dropped ${dropped}`,
      ],
    ] as const;
    console.log('\n| check | met | measured |\n| --- | --- | --- |');
    for (const [name, ok, value] of checks) console.log(`| ${name} | ${ok ? 'yes' : 'NO'} | ${value} |`);
    return checks.every(([, ok]) => ok);
  } finally {
    await service.stop();
    await schema.drop();
  }
}

try {
  if (!(await main())) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
