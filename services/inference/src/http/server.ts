import { createServer, type RequestListener, type Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { Config } from '../config.ts';

/**
 * How long connections left idle from before shutdown are kept: a busy keep-alive client
 * sends its next request within this time and is answered `Connection: close`; closing its
 * socket sooner would reset a request already on the wire.
 */
const DRAIN_GRACE_MS = 1000;

export interface HttpServer {
  readonly server: Server;
  /** Stops accepting, finishes every request already received, closes every connection. */
  close(timeoutMs: number): Promise<void>;
}

/**
 * A node:http server with the client limits from configuration: slow headers or bodies are
 * answered 408 and closed, connections past the cap are refused. Once draining, every response
 * says `Connection: close`.
 */
export function httpServer(
  config: Pick<Config, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'maxConnections'>,
  handler: RequestListener,
): HttpServer {
  let draining = false;
  const server = createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      // Timeouts are checked on this interval (30 s by default): a quarter of the shortest.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
    },
    (req, res) => {
      if (draining) res.setHeader('Connection', 'close');
      handler(req, res);
    },
  );
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.maxConnections = config.maxConnections;
  return {
    server,
    close(timeoutMs) {
      draining = true;
      return new Promise((resolve) => {
        let sweep: NodeJS.Timeout | undefined;
        const finish = () => {
          clearInterval(sweep);
          clearTimeout(grace);
          clearTimeout(timer);
          resolve();
        };
        // Stop accepting without http's close(), which also closes idle keep-alive sockets at
        // once, including those whose next request is already on its way.
        NetServer.prototype.close.call(server, finish);
        // Timers run before the event loop reads sockets: after a busy stretch a connection
        // whose request is waiting unread would look idle. Closing from setImmediate (after the
        // loop's I/O phase) lets those requests be read first.
        const closeIdle = () => setImmediate(() => server.closeIdleConnections());
        const grace = setTimeout(
          () => {
            // Now idle means idle since before shutdown: close those as they go idle.
            setImmediate(() => server.close());
            sweep = setInterval(closeIdle, 50);
          },
          Math.min(DRAIN_GRACE_MS, timeoutMs),
        );
        const timer = setTimeout(() => {
          server.closeAllConnections();
          finish();
        }, timeoutMs);
      });
    },
  };
}

/** Listens on `port` and `host`; rejects on EADDRINUSE and the like. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
