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
 * Holds `rps` against one server and measures its latency there. wrk paces by a fixed pause per
 * connection, so the rate it reaches depends on the server's own latency: a few short runs find
 * the pause that gives this server the target rate (within 3 %), so two servers compared at "the
 * same rate" really carry the same load. A closed-loop pace, not wrk2's open loop: a stall slows
 * the senders instead of queueing requests behind it, so tails here are a lower bound.
 */
export async function paced(options: PacedOptions): Promise<PacedRun> {
  const { server, bodyFile, rps, connections, seconds, cpu } = options;
  const url = `${server.url}/v1/predict`;
  const period = (connections / rps) * 1000;
  let delayMs = Math.max(0, period - 0.5);
  for (let step = 0; step < 4; step++) {
    const probe = await wrk({ url, bodyFile, connections, seconds: 2, cpu, delayMs });
    if (Math.abs(probe.rps / rps - 1) <= 0.03) break;
    // What each request cost beyond the pause, at this pause; the next pause leaves room for it.
    const overhead = (connections / probe.rps) * 1000 - delayMs;
    delayMs = Math.max(0, period - overhead);
  }
  const before = server.cpuSeconds();
  const result = await wrk({ url, bodyFile, connections, seconds, cpu, delayMs });
  const cpuUsPerRequest = ((server.cpuSeconds() - before) * 1e6) / Math.max(1, result.requests);
  return { result, cpuUsPerRequest, delayMs };
}
