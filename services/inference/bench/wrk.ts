import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./post.lua', import.meta.url));
const RATE_SCRIPT = fileURLToPath(new URL('./rate.lua', import.meta.url));

export interface WrkResult {
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Only from paced runs (rate.lua prints it); NaN otherwise. */
  readonly p999Ms: number;
  readonly non2xx: number;
  readonly socketErrors: number;
}

function ms(value: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!m) throw new Error(`cannot read wrk latency "${value}"`);
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

/** Runs wrk (pinned to `cpu`) POSTing the body in `bodyFile`, and parses its report. */
export async function wrk(options: {
  url: string;
  bodyFile: string;
  connections: number;
  seconds: number;
  cpu: string;
  /** Pause per connection between requests (rate.lua); absent: as fast as possible. */
  delayMs?: number;
}): Promise<WrkResult> {
  const { stdout } = await run(
    'taskset',
    [
      '-c',
      options.cpu,
      '/usr/bin/wrk',
      '-t1',
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      '--latency',
      '--timeout',
      '5s',
      '-s',
      options.delayMs === undefined ? SCRIPT : RATE_SCRIPT,
      options.url,
    ],
    {
      env: { ...process.env, BODY_FILE: options.bodyFile, DELAY_MS: String(options.delayMs ?? 0) },
      maxBuffer: 1 << 20,
    },
  );
  const grab = (re: RegExp) => re.exec(stdout)?.[1];
  const socket = grab(/Socket errors: (.*)/);
  return {
    requests: Number(grab(/(\d+) requests in/) ?? Number.NaN),
    rps: Number(grab(/Requests\/sec:\s+([\d.]+)/) ?? Number.NaN),
    p50Ms: ms(grab(/\s50%\s+(\S+)/) ?? 'NaNms'),
    p99Ms: ms(grab(/\s99%\s+(\S+)/) ?? 'NaNms'),
    p999Ms: ((v) => (v === undefined ? Number.NaN : ms(v)))(grab(/p99\.9 latency: (\d+us)/)),
    non2xx: Number(grab(/Non-2xx or 3xx responses: (\d+)/) ?? 0),
    socketErrors: socket ? [...socket.matchAll(/\d+/g)].reduce((a, m) => a + Number(m[0]), 0) : 0,
  };
}
