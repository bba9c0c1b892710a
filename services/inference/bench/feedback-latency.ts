import { Agent, request } from 'node:http';
import { metric } from './service.ts';

export interface FeedbackLatency {
  readonly labels: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Mean time the server spent on a label (its own histogram), in ms. */
  readonly serverMeanMs: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function post(url: string, body: string): Promise<{ status: number; text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The feedback route's server-side duration so far, from the service's own histogram. */
async function serverSeconds(url: string): Promise<{ sum: number; count: number }> {
  const route = 'route="/v1/feedback"';
  return {
    sum: await metric(url, 'http_request_duration_seconds_sum', route),
    count: await metric(url, 'http_request_duration_seconds_count', route),
  };
}

/**
 * Ground-truth latency as a labelling job sees it: `labels` predictions, then one new label each
 * over one keep-alive connection (not under prediction load), timed at the client.
 */
export async function measureFeedback(
  url: string,
  passenger: object,
  labels: number,
): Promise<FeedbackLatency> {
  const ids: string[] = [];
  for (let i = 0; i < labels; i++) {
    const r = await post(`${url}/v1/predict`, JSON.stringify(passenger));
    if (r.status !== 200) throw new Error(`prediction answered ${r.status}: ${r.text}`);
    ids.push((JSON.parse(r.text) as { requestId: string }).requestId);
  }
  const before = await serverSeconds(url);
  const ms: number[] = [];
  for (const [i, requestId] of ids.entries()) {
    const r = await post(`${url}/v1/feedback`, JSON.stringify({ requestId, survived: i % 3 === 0 }));
    if (r.status !== 200) throw new Error(`feedback answered ${r.status}: ${r.text}`);
    ms.push(r.ms);
  }
  const after = await serverSeconds(url);
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!;
  return {
    labels,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: ms.at(-1)!,
    serverMeanMs: ((after.sum - before.sum) * 1000) / Math.max(1, after.count - before.count),
  };
}
