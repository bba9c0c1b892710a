import { pino } from 'pino';

export type Logger = pino.Logger;

/**
 * JSON lines on stdout. Buffered writes keep one syscall per line off the request path;
 * `flush()` on shutdown writes what is left. Credentials are redacted should one ever be
 * passed in a log object by mistake.
 */
export function createLogger(
  level: string,
  base: Record<string, unknown>,
): {
  logger: Logger;
  flush(): void;
} {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 65_536, maxWrite: 1_048_576 });
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
  // Buffered lines must not wait for the next 4 KB when traffic is low.
  const timer = setInterval(() => {
    try {
      destination.flush();
    } catch {
      // not open yet: the next tick will do
    }
  }, 1000);
  timer.unref();
  return {
    logger,
    flush: () => {
      clearInterval(timer);
      try {
        destination.flushSync();
      } catch {
        // not ready yet or already closed: nothing left to write
      }
    },
  };
}
