import { connect, createServer, type Socket } from 'node:net';
import { type RunningInference, startInference } from '../../src/start.ts';
import { testEnv, withSearchPath } from '../support.ts';

/**
 * A TCP proxy to a real server that a test can cut (every connection reset, new ones refused)
 * and restore; it also keeps what clients sent (as latin1 text) for tests that check when bytes
 * reached the server.
 */
export async function startProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let cut = false;
  let sent = '';
  let connections = 0;
  const server = createServer((client) => {
    connections++;
    if (cut) return client.destroy();
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (d: Buffer) => {
      sent += d.toString('latin1');
    });
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    port,
    cut() {
      cut = true;
      for (const s of sockets) s.resetAndDestroy();
    },
    restore() {
      cut = false;
    },
    /** Everything clients have sent so far. */
    sent: () => sent,
    /** Connections clients opened so far (refused ones included). */
    connections: () => connections,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * The service logging to the test schema through a proxy to the real PostgreSQL, started with
 * these extra variables; resolves once its log is ready. `close` stops both.
 */
export async function serveThroughProxy(schema: string, env: Record<string, string> = {}) {
  const proxy = await startProxy({ host: '127.0.0.1', port: 5432 });
  const url = withSearchPath(`postgres://postgres@127.0.0.1:${proxy.port}/test`, schema);
  let server: RunningInference;
  try {
    server = await startInference(testEnv({ DATABASE_URL: url, ...env }));
    await server.databaseReady;
  } catch (err) {
    await proxy.close();
    throw err;
  }
  return {
    proxy,
    server,
    async close() {
      proxy.restore();
      await server.stop();
      await proxy.close();
    },
  };
}
