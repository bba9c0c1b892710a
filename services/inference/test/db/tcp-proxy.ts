import { connect, createServer, type Socket } from 'node:net';

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
