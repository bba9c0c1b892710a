import { pino } from 'pino';
import { isoTimeFormatter } from './iso-time.ts';
import { LineBuffer } from './line-buffer.ts';

export type Logger = pino.Logger;

/**
 * Writes one access-log line: the same JSON a pino call would produce (level, time, base
 * fields, the request's fields, msg "request"), built from a pre-serialised prefix.
 */
export type AccessLog = (
  level: 'debug' | 'info' | 'error',
  requestId: string,
  method: string,
  route: string,
  status: number,
  ms: number,
  passengers: number | undefined,
) => void;

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
  access: AccessLog;
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
  // Per request the generic path (a log object, redaction, a serialiser) cost more than the
  // line itself; these fields are fixed and hold no secrets. Nothing in them needs escaping:
  // request ids match REQUEST_ID, the HTTP parser admits only token characters in a method, and
  // routes are the application's own patterns.
  const base_ = JSON.stringify({ service: 'titanic-inference', ...base }).slice(1, -1);
  const isoTime = isoTimeFormatter();
  const access: AccessLog = (level, requestId, method, route, status, ms, passengers) => {
    if (!logger.isLevelEnabled(level)) return;
    destination.write(
      `{"level":"${level}","time":"${isoTime(Date.now())}",${base_},"requestId":"${requestId}","method":"${method}","route":"${route}","status":${status},"ms":${ms}${passengers === undefined ? '' : `,"passengers":${passengers}`},"msg":"request"}\n`,
    );
  };
  // Buffered lines must not wait for the next 64 KB when traffic is low.
  const timer = setInterval(() => destination.flush(), 1000);
  timer.unref();
  return {
    logger,
    access,
    flush: () => {
      clearInterval(timer);
      destination.flushSync();
    },
  };
}
