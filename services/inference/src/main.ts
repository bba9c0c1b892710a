import { ConfigError } from './config.ts';
import { DataDirLockedError } from './db/data-dir-lock.ts';
import { ModelLoadError } from './errors.ts';
import { startInference } from './start.ts';

/** One JSON line on stderr for start-up failures, whatever the logger's state. */
function fatal(message: string, extra: Record<string, unknown> = {}): never {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), service: 'titanic-inference', msg: message, ...extra })}\n`,
  );
  process.exit(1);
}

let running: Awaited<ReturnType<typeof startInference>>;
try {
  running = await startInference(process.env);
} catch (err) {
  if (err instanceof ConfigError) fatal(`invalid configuration: ${err.message}`, { variable: err.variable });
  if (err instanceof ModelLoadError) fatal(`cannot serve the model: ${err.message}`);
  if (err instanceof DataDirLockedError)
    fatal(`cannot start: ${err.message}`, { dataDir: err.dir, holderPid: err.holderPid });
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES')
    fatal(`cannot listen: ${(err as Error).message}. Fix: set PORT to a free port`);
  fatal(`start-up failed: ${(err as Error).message}`);
}

const base = running.config.host === '0.0.0.0' ? running.url.replace('127.0.0.1', 'localhost') : running.url;
process.stderr.write(
  [
    '',
    `Titanic inference (model ${running.modelVersion}, ${running.config.environment}) is serving on ${base}`,
    `  web page       ${base}/`,
    `  API reference  ${base}/docs`,
    `  OpenAPI        ${base}/openapi.json`,
    `  predict        POST ${base}/v1/predict`,
    `  OIP v2         ${base}/v2/models/titanic`,
    `  metrics        ${running.config.metricsPort === undefined ? `${base}/metrics` : running.metricsUrl}`,
    running.config.databaseUrl
      ? '  prediction log in PostgreSQL (DATABASE_URL)'
      : `  prediction log in the embedded database under ${running.config.dataDir}`,
    '',
  ].join('\n'),
);

let signals = 0;
const shutdown = (signal: string) => {
  if (++signals > 1) process.exit(1); // a second signal means "now"
  process.stderr.write(`${signal}: shutting down gracefully\n`);
  running.stop().then(
    () => process.exit(0),
    (err) => fatal(`shutdown failed: ${(err as Error).message}`),
  );
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
