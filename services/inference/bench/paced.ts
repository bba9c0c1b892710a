import type { Pinned } from './processes.ts';
import { type WrkResult, wrk } from './wrk.ts';

export interface PacedRun {
  readonly result: WrkResult;
  /** Server CPU time per request during the measured run. */
  readonly cpuUsPerRequest: number;
  /** The per-connection pause that held the rate. */
  readonly delayMs: number;
}

export interface PacedOptions {
  readonly server: Pinned;
  readonly bodyFile: string;
  readonly rps: number;
  readonly connections: number;
  readonly seconds: number;
  readonly cpu: string;
}

/**
 * The per-connection pause that gives this server `rps`. wrk paces by a pause per connection, so
 * the rate it reaches depends on the server's own latency: a few short runs find the pause that
 * gives this server the target rate (within 3 %), so two servers compared at "the same rate"
 * really carry the same load.
 */
export async function findPause(options: Omit<PacedOptions, 'seconds'>): Promise<number> {
  const { server, bodyFile, rps, connections, cpu } = options;
  const url = `${server.url}/v1/predict`;
  const period = (connections / rps) * 1000;
  // A noisy probe (a stall on a shared machine) must not send the pause to 0, which would turn
  // the run into a saturation run: pauses stay within [10 %, 100 %] of the period, and the run
  // uses the probed pause that came closest to the target.
  const clamp = (ms: number) => Math.min(period, Math.max(0.1 * period, ms));
  let delayMs = clamp(period - 0.5);
  let best = { delayMs, error: Number.POSITIVE_INFINITY };
  for (let step = 0; step < 5; step++) {
    const probe = await wrk({ url, bodyFile, connections, seconds: 2, cpu, delayMs });
    const error = Math.abs(probe.rps / rps - 1);
    if (error < best.error) best = { delayMs, error };
    if (error <= 0.03 || !(probe.rps > 0)) break;
    // What each request cost beyond the pause, at this pause; the next pause leaves room for it.
    const overhead = (connections / probe.rps) * 1000 - delayMs;
    delayMs = clamp(period - overhead);
  }
  return best.delayMs;
}

/**
 * Holds `rps` against one server (at the pause `findPause` finds) and measures its latency there.
 * A closed-loop pace, not wrk2's open loop: a stall slows the senders instead of queueing
 * requests behind it, so tails here are a lower bound.
 */
export async function paced(options: PacedOptions): Promise<PacedRun> {
  const { server, bodyFile, connections, seconds, cpu } = options;
  const delayMs = await findPause(options);
  const before = server.cpuSeconds();
  const result = await wrk({ url: `${server.url}/v1/predict`, bodyFile, connections, seconds, cpu, delayMs });
  const cpuUsPerRequest = ((server.cpuSeconds() - before) * 1e6) / Math.max(1, result.requests);
  return { result, cpuUsPerRequest, delayMs };
}
