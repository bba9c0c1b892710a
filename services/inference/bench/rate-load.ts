import { Agent, request } from 'node:http';

export interface Window {
  readonly seconds: number;
  readonly sent: number;
  readonly ok: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Open-loop load at a fixed rate (requests are sent on schedule whether or not earlier ones
 * answered, so a slow server shows as latency, not as a lower rate), reported per window.
 */
export async function rateLoad(options: {
  url: string;
  body: string;
  rps: number;
  seconds: number;
  windowSeconds: number;
  onWindow: (w: Window) => void;
}): Promise<void> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const payload = Buffer.from(options.body);
  let latencies: number[] = [];
  let sent = 0;
  let ok = 0;
  let errors = 0;
  let inFlight = 0;
  const send = () => {
    sent++;
    inFlight++;
    const started = performance.now();
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          inFlight--;
          latencies.push(performance.now() - started);
          if (res.statusCode === 200) ok++;
          else errors++;
        });
      },
    );
    req.on('error', () => {
      inFlight--;
      errors++;
    });
    req.end(payload);
  };
  const start = performance.now();
  let windowStart = start;
  let due = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      const target = Math.floor(((now - start) / 1000) * options.rps);
      for (; due < target; due++) send();
      if (now - windowStart >= options.windowSeconds * 1000) {
        const sorted = latencies.sort((a, b) => a - b);
        options.onWindow({
          seconds: Math.round((now - start) / 1000),
          sent,
          ok,
          errors,
          p50Ms: quantile(sorted, 0.5),
          p99Ms: quantile(sorted, 0.99),
        });
        latencies = [];
        sent = 0;
        ok = 0;
        errors = 0;
        windowStart = now;
      }
      if (now - start >= options.seconds * 1000) {
        clearInterval(tick);
        const wait = setInterval(() => {
          if (inFlight === 0) {
            clearInterval(wait);
            agent.destroy();
            resolve();
          }
        }, 20);
      }
    }, 5);
  });
}
