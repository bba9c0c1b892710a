/**
 * Resource attacks: slow clients, connection floods, scrapes from the public port, and a log that
 * cannot keep up (the overflow policy).
 */

import { connect, type Socket } from 'node:net';
import { PASSENGER, postJson } from '@titanic/inference/test/support.ts';
import { describe, expect, it } from 'vitest';
import { freePort } from '../e2e/support/ports.ts';
import {
  counters,
  expectUpAndAccounted,
  schemaForFile,
  sleep,
  spawnTarget,
  waitFor,
} from './inference-support.ts';

const db = schemaForFile();

interface Slow {
  readonly socket: Socket;
  /** What the server sent, and whether it closed the connection. */
  received: string;
  closed: boolean;
}

/** A client that sends `head` and then one more byte of `trickle` every `everyMs`. */
function slowClient(url: string, head: string, trickle: string, everyMs: number): Slow {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const slow: Slow = { socket, received: '', closed: false };
  let i = 0;
  let timer: NodeJS.Timeout | undefined;
  // The trickle starts once the head is written, so the request stays well formed.
  socket.on('connect', () => {
    socket.write(head);
    timer = setInterval(() => {
      if (!socket.destroyed && socket.writable && trickle) socket.write(trickle[i++ % trickle.length]!);
    }, everyMs);
  });
  socket.on('data', (d) => {
    slow.received += d.toString('latin1');
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    slow.closed = true;
    clearInterval(timer);
  });
  return slow;
}

describe('D12: slow clients and connection floods', () => {
  it('closes slowloris headers and trickled bodies with 408 while other clients are served correctly', async () => {
    const service = await spawnTarget({
      DATABASE_URL: db.schema.url,
      HEADERS_TIMEOUT_MS: '1000',
      REQUEST_TIMEOUT_MS: '2000',
    });
    const slow: Slow[] = [];
    try {
      const expected = (await postJson(`${service.url}/v1/predict`, PASSENGER)).json;
      for (let i = 0; i < 100; i++)
        slow.push(slowClient(service.url, 'POST /v1/predict HTTP/1.1\r\nHost: x\r\n', 'X-Slow: a\r\n', 200));
      for (let i = 0; i < 50; i++)
        slow.push(
          slowClient(
            service.url,
            'POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
            ' ',
            200,
          ),
        );
      // Meanwhile an ordinary client gets correct answers.
      for (let i = 0; i < 30; i++) {
        const answer = await postJson(`${service.url}/v1/predict`, PASSENGER);
        expect(answer.status).toBe(200);
        expect(answer.json.probability).toBe(expected.probability);
      }
      // Every slow connection is answered 408 and closed by the server (Node's defaults: 60 s
      // for headers, 300 s for a request, checked every 30 s).
      await waitFor(() => slow.every((s) => s.closed), 15_000);
      // A 408 can be lost to the reset that the client's next byte provokes; what arrives is a 408.
      const answered = slow.filter((s) => s.received.length > 0);
      expect(answered.length).toBeGreaterThan(0);
      expect(answered.map((s) => s.received.slice(0, 12)).filter((r) => r !== 'HTTP/1.1 408')).toEqual([]);
      await expectUpAndAccounted(service);
    } finally {
      for (const s of slow) s.socket.destroy();
      await service.stop();
    }
  });

  it('refuses connections past MAX_CONNECTIONS and serves again once they go', async () => {
    const service = await spawnTarget({ DATABASE_URL: db.schema.url, MAX_CONNECTIONS: '20' });
    const idle: Slow[] = [];
    try {
      for (let i = 0; i < 60; i++) idle.push(slowClient(service.url, '', '', 60_000));
      await waitFor(() => idle.filter((s) => s.closed).length >= 40, 15_000);
      await sleep(300);
      expect(idle.filter((s) => !s.closed).length).toBeLessThanOrEqual(20);
      for (const s of idle) s.socket.destroy();
      await waitFor(async () => (await postJson(`${service.url}/v1/predict`, PASSENGER)).status === 200);
      await expectUpAndAccounted(service);
    } finally {
      for (const s of idle) s.socket.destroy();
      await service.stop();
    }
  });
});

describe('D7: metrics on their own port', () => {
  it('serves /metrics only on METRICS_PORT, without the Node.js version', async () => {
    const metricsPort = await freePort();
    const service = await spawnTarget({ DATABASE_URL: db.schema.url, METRICS_PORT: String(metricsPort) });
    try {
      const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      const publicAnswer = await fetch(`${service.url}/metrics`);
      expect(publicAnswer.status).toBe(404);
      expect(await publicAnswer.text()).not.toContain('titanic_');
      const scraped = await fetch(metricsUrl);
      expect(scraped.status).toBe(200);
      const text = await scraped.text();
      expect(text).toContain('titanic_model_ready 1');
      expect(text).not.toContain('nodejs_version_info');
      // Only /metrics lives there: the API is not reachable through the metrics port.
      expect((await fetch(`http://127.0.0.1:${metricsPort}/v1/predict`, { method: 'POST' })).status).toBe(
        404,
      );
      expect((await postJson(`${service.url}/v1/predict`, PASSENGER)).status).toBe(200);
      await expectUpAndAccounted(service, metricsUrl);
    } finally {
      await service.stop();
    }
  });
});

describe('overflow policy: a log that cannot take more rows', () => {
  // PostgreSQL that never answers: the queue fills to PREDICTION_LOG_QUEUE_MAX and stays full.
  const unreachable = async () => `postgres://postgres@127.0.0.1:${await freePort()}/test`;

  it('drop (default): every request is served, rows past the queue are counted queue_full', async () => {
    const service = await spawnTarget({
      DATABASE_URL: await unreachable(),
      PREDICTION_LOG_QUEUE_MAX: '5',
      SHUTDOWN_TIMEOUT_MS: '1000',
    });
    try {
      const statuses = [];
      for (let i = 0; i < 12; i++)
        statuses.push((await postJson(`${service.url}/v1/predict`, PASSENGER)).status);
      expect(statuses.every((s) => s === 200)).toBe(true);
      await waitFor(async () => (await counters(`${service.url}/metrics`)).dropped.queue_full === 7);
    } finally {
      await service.stop();
    }
  });

  it('reject: answers 503 with Retry-After once the queue is full, and serves nothing unlogged', async () => {
    const service = await spawnTarget({
      DATABASE_URL: await unreachable(),
      PREDICTION_LOG_QUEUE_MAX: '5',
      PREDICTION_LOG_OVERFLOW: 'reject',
      SHUTDOWN_TIMEOUT_MS: '1000',
    });
    try {
      const answers = [];
      for (let i = 0; i < 12; i++) answers.push(await postJson(`${service.url}/v1/predict`, PASSENGER));
      expect(answers.map((a) => a.status)).toEqual([...Array(5).fill(200), ...Array(7).fill(503)]);
      const refused = answers.at(-1)!;
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.json.error.code).toBe('log_unavailable');
      const v2 = await postJson(`${service.url}/v2/models/titanic/infer`, {
        inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 1], data: [0] }],
      });
      expect(v2.status).toBe(503);
      expect(typeof v2.json.error).toBe('string');
      await sleep(1100); // past the metrics cache
      const c = await counters(`${service.url}/metrics`);
      expect(c.queued).toBe(5);
      expect(c.dropped).toEqual({ queue_full: 0, shutdown: 0, rejected: 0, unavailable: 0 });
      expect(service.child.exitCode).toBeNull();
    } finally {
      await service.stop();
    }
  });
});
