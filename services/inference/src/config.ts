import { readFileSync } from 'node:fs';
import { z } from 'zod';
import packageJson from '../package.json' with { type: 'json' };

/** A bad setting: names the variable and how to fix it, never echoes a secret's value. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
    readonly fix: string,
  ) {
    super(`${variable}: ${problem}. Fix: ${fix}`);
    this.name = 'ConfigError';
  }
}

// Numbers are decimal digits only: `Number()` would read " " as 0 and "0x4746" as 18246.
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const decimal = (min: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a decimal number such as 5 or 0.5')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`));

const optionalText = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s ? s : undefined));

const envSchema = z.object({
  PORT: int(0, 65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  MODEL_PATH: optionalText,
  MODEL_METADATA_PATH: optionalText,
  MODEL_SHA256: optionalText.pipe(
    z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hexadecimal characters')
      .optional(),
  ),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  ),
  DATA_DIR: z.string().min(1).default('./.data/pglite'),
  ENVIRONMENT: z.enum(['dev', 'staging', 'prod', 'local']).default('local'),
  IMAGE_VERSION: z.string().min(1).max(128).default(packageJson.version),
  API_KEYS: optionalText,
  API_KEYS_FILE: optionalText,
  RATE_LIMIT_RPS: decimal(0).default(100),
  RATE_LIMIT_BURST: int(1, 10_000_000).optional(),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  TRUST_PROXY_HOPS: int(0, 16).optional(),
  METRICS_PORT: int(0, 65_535).optional(),
  HEADERS_TIMEOUT_MS: int(1, 600_000).default(10_000),
  REQUEST_TIMEOUT_MS: int(1, 3_600_000).default(30_000),
  KEEP_ALIVE_TIMEOUT_MS: int(1, 3_600_000).default(65_000),
  MAX_CONNECTIONS: int(1, 1_000_000).default(10_000),
  DATABASE_IDLE_TIMEOUT_MS: int(1, 3_600_000).default(10_000),
  PREDICTION_LOG_OVERFLOW: z.enum(['drop', 'reject']).default('drop'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(10_000),
  PSI_WINDOW: int(10, 1_000_000).default(1000),
  PREDICTION_LOG_QUEUE_MAX: int(1, 10_000_000).default(50_000),
  PREDICTION_LOG_BATCH_MAX: int(1, 5_000).default(1000),
  // How long one log statement stays open collecting rows; below the 15-s query timeout.
  PREDICTION_LOG_FLUSH_MS: int(1, 10_000).default(50),
  BATCH_MAX_ROWS: int(1, 1_000_000).default(20_000),
  FEEDBACK_WINDOW: int(1, 1_000_000).default(1000),
  SHADOW_MODEL_PATH: optionalText,
  SHADOW_MODEL_SHA256: optionalText.pipe(
    z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hexadecimal characters')
      .optional(),
  ),
  FEEDBACK_MEMORY_PASSENGERS: int(1, 100_000_000).default(50_000),
});

const FIXES: Record<string, string> = {
  PORT: 'set PORT to a TCP port between 0 and 65535 (0 picks a free port)',
  HOST: 'set HOST to an interface address such as 0.0.0.0 or 127.0.0.1',
  MODEL_SHA256: 'set MODEL_SHA256 to the output of `sha256sum model.onnx`, or unset it',
  DATABASE_URL:
    'set DATABASE_URL like postgres://user@host:5432/db, or unset it to use the embedded database',
  DATA_DIR: 'set DATA_DIR to a writable folder, or unset it for ./.data/pglite',
  ENVIRONMENT: 'set ENVIRONMENT to one of dev, staging, prod, local',
  IMAGE_VERSION: 'set IMAGE_VERSION to the image tag (at most 128 characters), or unset it',
  RATE_LIMIT_RPS: 'set RATE_LIMIT_RPS to requests per second per client (0 turns the limit off)',
  RATE_LIMIT_BURST:
    'set RATE_LIMIT_BURST to a whole number of requests, or unset it for twice RATE_LIMIT_RPS',
  TRUST_PROXY: 'set TRUST_PROXY to true behind an ingress that sets X-Forwarded-For, else false',
  TRUST_PROXY_HOPS:
    'set TRUST_PROXY_HOPS to the number of proxies in front of the service that append to X-Forwarded-For (1 for one ingress, 0 for none)',
  METRICS_PORT:
    'set METRICS_PORT to a TCP port for /metrics other than PORT, or unset it to serve /metrics on PORT',
  HEADERS_TIMEOUT_MS:
    'set HEADERS_TIMEOUT_MS to milliseconds a client may take to send its headers (1 to 600000)',
  REQUEST_TIMEOUT_MS:
    'set REQUEST_TIMEOUT_MS to milliseconds a client may take to send a whole request, at least HEADERS_TIMEOUT_MS',
  KEEP_ALIVE_TIMEOUT_MS: 'set KEEP_ALIVE_TIMEOUT_MS to milliseconds an idle keep-alive connection stays open',
  MAX_CONNECTIONS: 'set MAX_CONNECTIONS to the most client connections served at once',
  DATABASE_IDLE_TIMEOUT_MS:
    'set DATABASE_IDLE_TIMEOUT_MS to milliseconds an idle database connection is kept',
  PREDICTION_LOG_OVERFLOW:
    'set PREDICTION_LOG_OVERFLOW to drop (serve, count the row) or reject (answer 503)',
  LOG_LEVEL: 'set LOG_LEVEL to one of fatal, error, warn, info, debug, trace, silent',
  SHUTDOWN_TIMEOUT_MS: 'set SHUTDOWN_TIMEOUT_MS to milliseconds between 0 and 600000',
  SHADOW_MODEL_SHA256:
    'set SHADOW_MODEL_SHA256 to the output of `sha256sum model.onnx` of the shadow model, or unset it',
  FEEDBACK_WINDOW:
    'set FEEDBACK_WINDOW to the number of most recent labelled predictions live metrics are computed over (1 or more)',
  FEEDBACK_MEMORY_PASSENGERS:
    'set FEEDBACK_MEMORY_PASSENGERS to how many recently predicted passengers are kept in memory for feedback (older ones are looked up in the database)',
  PSI_WINDOW: 'set PSI_WINDOW to the number of recent passengers the drift window holds (10 or more)',
};

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly modelPath: string | undefined;
  /** model.json when it is not beside the model file. */
  readonly modelMetadataPath: string | undefined;
  readonly modelSha256: string | undefined;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly environment: 'dev' | 'staging' | 'prod' | 'local';
  readonly imageVersion: string;
  /** Empty: no authentication. */
  readonly apiKeys: readonly string[];
  /** 0: no rate limit. */
  readonly rateLimitRps: number;
  readonly rateLimitBurst: number;
  /** Proxies in front of the service whose X-Forwarded-For entries are believed; 0: none. */
  readonly proxyHops: number;
  /** Where /metrics is served; undefined: on `port` beside the API. */
  readonly metricsPort: number | undefined;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
  readonly databaseIdleTimeoutMs: number;
  /** When the log queue is full: serve and count the row (`drop`) or answer 503 (`reject`). */
  readonly logOverflow: 'drop' | 'reject';
  readonly logLevel: string;
  readonly shutdownTimeoutMs: number;
  readonly psiWindow: number;
  readonly logQueueMax: number;
  readonly logBatchMax: number;
  readonly logFlushMs: number;
  readonly batchMaxRows: number;
  /** A candidate scored beside the served model (answers never returned), when set. */
  readonly shadowModelPath: string | undefined;
  readonly shadowModelSha256: string | undefined;
  /** Labelled predictions per model version the live metrics cover. */
  readonly feedbackWindow: number;
  /** Recently predicted passengers remembered for feedback without a database look-up. */
  readonly feedbackMemory: number;
}

function parseKeys(text: string, variable: string): string[] {
  const keys = text
    .split(/[,\n]/)
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  const short = keys.find((k) => k.length < 16);
  if (short !== undefined)
    throw new ConfigError(
      variable,
      'every API key must be at least 16 characters',
      'generate keys with `openssl rand -hex 32`',
    );
  return keys;
}

function loadApiKeys(env: z.infer<typeof envSchema>): string[] {
  const keys = env.API_KEYS ? parseKeys(env.API_KEYS, 'API_KEYS') : [];
  if (env.API_KEYS_FILE) {
    let text: string;
    try {
      text = readFileSync(env.API_KEYS_FILE, 'utf8');
    } catch (err) {
      throw new ConfigError(
        'API_KEYS_FILE',
        `cannot read ${env.API_KEYS_FILE} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        'point API_KEYS_FILE at a readable file with one key per line, or unset it',
      );
    }
    const fromFile = parseKeys(text, 'API_KEYS_FILE');
    if (fromFile.length === 0)
      throw new ConfigError('API_KEYS_FILE', 'the file holds no key', 'write one key per line into the file');
    keys.push(...fromFile);
  }
  return keys;
}

/** Reads and validates the service settings from environment variables. */
export function loadConfig(source: Record<string, string | undefined>): Config {
  // Blank values mean "unset", as in most container tooling; surrounding whitespace is a typo.
  const cleaned = Object.fromEntries(
    Object.entries(source).flatMap(([k, v]) => (v === undefined || v.trim() === '' ? [] : [[k, v.trim()]])),
  );
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(variable, issue.message, FIXES[variable] ?? `correct or unset ${variable}`);
  }
  const env = result.data;
  if (env.REQUEST_TIMEOUT_MS < env.HEADERS_TIMEOUT_MS)
    throw new ConfigError(
      'REQUEST_TIMEOUT_MS',
      `must be at least HEADERS_TIMEOUT_MS (${env.HEADERS_TIMEOUT_MS})`,
      FIXES.REQUEST_TIMEOUT_MS!,
    );
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT)
    throw new ConfigError('METRICS_PORT', 'must differ from PORT', FIXES.METRICS_PORT!);
  return {
    port: env.PORT,
    host: env.HOST,
    modelPath: env.MODEL_PATH,
    modelMetadataPath: env.MODEL_METADATA_PATH,
    modelSha256: env.MODEL_SHA256,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    environment: env.ENVIRONMENT,
    imageVersion: env.IMAGE_VERSION,
    apiKeys: loadApiKeys(env),
    rateLimitRps: env.RATE_LIMIT_RPS,
    rateLimitBurst: env.RATE_LIMIT_BURST ?? Math.max(1, Math.ceil(env.RATE_LIMIT_RPS * 2)),
    // TRUST_PROXY=true alone means one proxy (the ingress); the hop count, when given, decides.
    proxyHops: env.TRUST_PROXY_HOPS ?? (env.TRUST_PROXY === 'true' ? 1 : 0),
    metricsPort: env.METRICS_PORT,
    headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: env.MAX_CONNECTIONS,
    databaseIdleTimeoutMs: env.DATABASE_IDLE_TIMEOUT_MS,
    logOverflow: env.PREDICTION_LOG_OVERFLOW,
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    psiWindow: env.PSI_WINDOW,
    logQueueMax: env.PREDICTION_LOG_QUEUE_MAX,
    logBatchMax: env.PREDICTION_LOG_BATCH_MAX,
    logFlushMs: env.PREDICTION_LOG_FLUSH_MS,
    batchMaxRows: env.BATCH_MAX_ROWS,
    feedbackWindow: env.FEEDBACK_WINDOW,
    shadowModelPath: env.SHADOW_MODEL_PATH,
    shadowModelSha256: env.SHADOW_MODEL_SHA256,
    feedbackMemory: env.FEEDBACK_MEMORY_PASSENGERS,
  };
}
