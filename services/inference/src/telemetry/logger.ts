import { pino } from 'pino';
import { LineBuffer } from './line-buffer.ts';

export type Logger = pino.Logger;

/**
 * JSON lines on stdout. Buffered writes keep one syscall per line off the request path;
 * `flush()` on shutdown writes what is left (at most 16 MB wait in memory if stdout stalls). Credentials are redacted should one ever be
 * passed in a log object by mistake.
 */
export function createLogger(
  level: string,
  base: Record<string, unknown>,
): {
  logger: Logger;
  flush(): void;
} {
  const destination = new LineBuffer({ fd: 1, minLength: 65_536, maxPending: 16 * 1024 * 1024 });
  const logger = pino(
    {
      level,
      base: { service: 'titanic-inference', ...base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          'headers.authorization',
          'headers["x-api-key"]',
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'apiKey',
          'password',
          'databaseUrl',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
  // Buffered lines must not wait for the next 64 KB when traffic is low.
  const timer = setInterval(() => destination.flush(), 1000);
  timer.unref();
  return {
    logger,
    flush: () => {
      clearInterval(timer);
      destination.flushSync();
    },
  };
}
