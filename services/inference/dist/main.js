// src/config.ts
import { readFileSync } from "node:fs";
import { z } from "zod";

// package.json
var package_default = {
  name: "@titanic/inference",
  version: "0.1.0",
  private: true,
  type: "module",
  dependencies: {
    "@asteasolutions/zod-to-openapi": "^9.1.0",
    "@electric-sql/pglite": "^0.5.14",
    "@electric-sql/pglite-socket": "^0.2.17",
    "@koa/router": "^15.7.0",
    koa: "^3.3.0",
    "onnxruntime-node": "^1.30.0",
    pg: "^8.23.1",
    pino: "^10.4.0",
    "prom-client": "^15.1.3",
    "swagger-ui-dist": "^5.35.0",
    zod: "^4.6.7"
  },
  devDependencies: {
    "@types/koa": "^3.0.3",
    "@types/koa__router": "^12.0.5",
    "@types/pg": "^8.23.1",
    esbuild: "^0.28.2"
  }
};

// src/config.ts
var ConfigError = class extends Error {
  constructor(variable, problem, fix) {
    super(`${variable}: ${problem}. Fix: ${fix}`);
    this.variable = variable;
    this.fix = fix;
    this.name = "ConfigError";
  }
  variable;
  fix;
};
var int = (min, max) => z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
var optionalText = z.string().transform((s) => s.trim()).optional().transform((s) => s ? s : void 0);
var envSchema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  MODEL_PATH: optionalText,
  MODEL_SHA256: optionalText.pipe(
    z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hexadecimal characters").optional()
  ),
  DATABASE_URL: optionalText.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://").optional()
  ),
  DATA_DIR: z.string().min(1).default("./.data/pglite"),
  ENVIRONMENT: z.enum(["dev", "staging", "prod", "local"]).default("local"),
  IMAGE_VERSION: z.string().min(1).max(128).default(package_default.version),
  API_KEYS: optionalText,
  API_KEYS_FILE: optionalText,
  RATE_LIMIT_RPS: z.coerce.number({ error: "must be a number" }).min(0, "must be at least 0").default(100),
  RATE_LIMIT_BURST: int(1, 1e7).optional(),
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SHUTDOWN_TIMEOUT_MS: int(0, 6e5).default(1e4),
  PSI_WINDOW: int(10, 1e6).default(1e3),
  PREDICTION_LOG_QUEUE_MAX: int(1, 1e7).default(5e4),
  PREDICTION_LOG_BATCH_MAX: int(1, 5e3).default(1e3),
  PREDICTION_LOG_FLUSH_MS: int(1, 6e4).default(50),
  BATCH_MAX_ROWS: int(1, 1e6).default(2e4)
});
var FIXES = {
  PORT: "set PORT to a TCP port between 0 and 65535 (0 picks a free port)",
  HOST: "set HOST to an interface address such as 0.0.0.0 or 127.0.0.1",
  MODEL_SHA256: "set MODEL_SHA256 to the output of `sha256sum model.onnx`, or unset it",
  DATABASE_URL: "set DATABASE_URL like postgres://user@host:5432/db, or unset it to use the embedded database",
  DATA_DIR: "set DATA_DIR to a writable folder, or unset it for ./.data/pglite",
  ENVIRONMENT: "set ENVIRONMENT to one of dev, staging, prod, local",
  IMAGE_VERSION: "set IMAGE_VERSION to the image tag (at most 128 characters), or unset it",
  RATE_LIMIT_RPS: "set RATE_LIMIT_RPS to requests per second per client (0 turns the limit off)",
  RATE_LIMIT_BURST: "set RATE_LIMIT_BURST to a whole number of requests, or unset it for twice RATE_LIMIT_RPS",
  TRUST_PROXY: "set TRUST_PROXY to true behind an ingress that sets X-Forwarded-For, else false",
  LOG_LEVEL: "set LOG_LEVEL to one of fatal, error, warn, info, debug, trace, silent",
  SHUTDOWN_TIMEOUT_MS: "set SHUTDOWN_TIMEOUT_MS to milliseconds between 0 and 600000",
  PSI_WINDOW: "set PSI_WINDOW to the number of recent passengers the drift window holds (10 or more)"
};
function parseKeys(text, variable) {
  const keys = text.split(/[,\n]/).map((k) => k.trim()).filter((k) => k.length > 0);
  const short = keys.find((k) => k.length < 16);
  if (short !== void 0)
    throw new ConfigError(
      variable,
      "every API key must be at least 16 characters",
      "generate keys with `openssl rand -hex 32`"
    );
  return keys;
}
function loadApiKeys(env) {
  const keys = env.API_KEYS ? parseKeys(env.API_KEYS, "API_KEYS") : [];
  if (env.API_KEYS_FILE) {
    let text;
    try {
      text = readFileSync(env.API_KEYS_FILE, "utf8");
    } catch (err) {
      throw new ConfigError(
        "API_KEYS_FILE",
        `cannot read ${env.API_KEYS_FILE} (${err.code ?? "error"})`,
        "point API_KEYS_FILE at a readable file with one key per line, or unset it"
      );
    }
    const fromFile = parseKeys(text, "API_KEYS_FILE");
    if (fromFile.length === 0)
      throw new ConfigError("API_KEYS_FILE", "the file holds no key", "write one key per line into the file");
    keys.push(...fromFile);
  }
  return keys;
}
function loadConfig(source) {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== void 0 && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue.path[0] ?? "environment");
    throw new ConfigError(variable, issue.message, FIXES[variable] ?? `correct or unset ${variable}`);
  }
  const env = result.data;
  return {
    port: env.PORT,
    host: env.HOST,
    modelPath: env.MODEL_PATH,
    modelSha256: env.MODEL_SHA256,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    environment: env.ENVIRONMENT,
    imageVersion: env.IMAGE_VERSION,
    apiKeys: loadApiKeys(env),
    rateLimitRps: env.RATE_LIMIT_RPS,
    rateLimitBurst: env.RATE_LIMIT_BURST ?? Math.max(1, Math.ceil(env.RATE_LIMIT_RPS * 2)),
    trustProxy: env.TRUST_PROXY === "true",
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    psiWindow: env.PSI_WINDOW,
    logQueueMax: env.PREDICTION_LOG_QUEUE_MAX,
    logBatchMax: env.PREDICTION_LOG_BATCH_MAX,
    logFlushMs: env.PREDICTION_LOG_FLUSH_MS,
    batchMaxRows: env.BATCH_MAX_ROWS
  };
}

// src/errors.ts
var ApiError = class extends Error {
  constructor(status, code, message, issues = [], headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = issues;
    this.headers = headers;
    this.name = "ApiError";
  }
  status;
  code;
  issues;
  headers;
  expose = true;
};
var ModelLoadError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "ModelLoadError";
  }
};
function issuesFromZod(error, prefix = [], max = 20) {
  return error.issues.slice(0, max).map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join(".");
    return { path, message: unknownKeyMessage(issue) ?? issue.message };
  });
}
function unknownKeyMessage(issue) {
  if (issue.code !== "unrecognized_keys") return void 0;
  return `unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}`;
}
var invalidRequest = (message, issues = []) => new ApiError(400, "invalid_request", message, issues);

// src/start.ts
import { createServer } from "node:http";
import pg from "pg";

// src/db/embedded.ts
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
async function startEmbeddedDatabase(dataDir) {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new Error(`DATA_DIR: cannot create ${dir} (${err.code}). Fix: point DATA_DIR at a writable folder`);
  }
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 8 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    }
  };
}

// src/db/migrate.ts
import { createHash } from "node:crypto";
import { readdirSync, readFileSync as readFileSync2 } from "node:fs";
import { join as join2 } from "node:path";

// src/paths.ts
import { join } from "node:path";
import { fileURLToPath } from "node:url";
var SERVICE_ROOT = fileURLToPath(new URL("..", import.meta.url));
var PUBLIC_DIR = join(SERVICE_ROOT, "public");
var MIGRATIONS_DIR = join(SERVICE_ROOT, "src", "db", "migrations");
var DEFAULT_REGISTRY = join(SERVICE_ROOT, "..", "..", "models", "titanic");

// src/db/migrate.ts
function readMigrations(dir = MIGRATIONS_DIR) {
  return readdirSync(dir).filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f)).sort().map((file) => {
    const sql = readFileSync2(join2(dir, file), "utf8");
    return {
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql,
      checksum: createHash("sha256").update(sql).digest("hex")
    };
  });
}
async function migrate(pool, migrations = readMigrations()) {
  const client2 = await pool.connect();
  try {
    await client2.query("BEGIN");
    await client2.query(
      "SELECT pg_advisory_xact_lock(hashtext('titanic-inference-migrations:' || current_schema()))"
    );
    await client2.query(`CREATE TABLE IF NOT EXISTS inference_schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client2.query(
      "SELECT version, checksum FROM inference_schema_migrations"
    );
    const applied = new Map(rows.map((r) => [r.version, r.checksum]));
    const done = [];
    for (const m of migrations) {
      const checksum = applied.get(m.version);
      if (checksum !== void 0) {
        if (checksum !== m.checksum)
          throw new Error(
            `migration ${m.version}-${m.name} was changed after it was applied; add a new migration instead`
          );
        continue;
      }
      await client2.query(m.sql);
      await client2.query("INSERT INTO inference_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
        m.version,
        m.name,
        m.checksum
      ]);
      done.push(m.version);
    }
    await client2.query("COMMIT");
    return done;
  } catch (err) {
    await client2.query("ROLLBACK").catch(() => void 0);
    throw err;
  } finally {
    client2.release();
  }
}

// src/db/prediction-log.ts
var INSERT = `INSERT INTO prediction_log
  (request_id, logged_at, environment, model_version, image_version, api, passengers, input, probabilities, labels, latency_ms)
SELECT r, to_timestamp(t / 1000.0), $1, $2, $3, a, n, i::jsonb, p::real[], l::boolean[], ms
FROM unnest($4::text[], $5::float8[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[], $11::real[])
  AS u(r, t, a, n, i, p, l, ms)`;
function isPermanent(err) {
  const code = err.code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"));
}
var sleep = (ms) => new Promise((r) => setTimeout(r, ms));
var PredictionLog = class {
  #o;
  #queue = [];
  #bytes = 0;
  #timer;
  #flushing;
  #started = false;
  #closed = false;
  #backoff = 0;
  #lastWarning = 0;
  constructor(options) {
    this.#o = options;
  }
  get depth() {
    return this.#queue.length;
  }
  /** Begin writing (after the migrations ran); entries queued before are kept. */
  start() {
    this.#started = true;
    this.#schedule(0);
  }
  enqueue(entry) {
    if (this.#closed) return this.#drop("shutdown", 1);
    if (this.#queue.length >= this.#o.maxRows || this.#bytes + entry.input.length > this.#o.maxBytes)
      return this.#drop("queue_full", 1);
    this.#queue.push(entry);
    this.#bytes += entry.input.length;
    this.#o.metrics.logQueueDepth.set(this.#queue.length);
    this.#schedule(this.#queue.length >= this.#o.batchMax ? 0 : this.#o.flushMs);
  }
  /** Writes what it can within `timeoutMs`, then counts the remainder as dropped. */
  async close(timeoutMs) {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = void 0;
    const deadline = Date.now() + timeoutMs;
    const flushAll = async () => {
      if (this.#flushing) await this.#flushing;
      while (this.#started && this.#queue.length > 0 && Date.now() < deadline) {
        const before = this.#queue.length;
        await this.#flushOnce();
        if (this.#queue.length >= before) await sleep(Math.min(200, Math.max(0, deadline - Date.now())));
      }
    };
    await Promise.race([flushAll(), sleep(timeoutMs)]);
    const left = this.#queue.length;
    this.#queue = [];
    this.#bytes = 0;
    if (left > 0) this.#drop("shutdown", left);
    this.#o.metrics.logQueueDepth.set(0);
  }
  #drop(reason, rows) {
    this.#o.metrics.logDropped.inc({ reason }, rows);
  }
  #schedule(delay) {
    if (!this.#started || this.#closed || this.#flushing) return;
    if (this.#timer) {
      if (delay > 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = void 0;
      this.#flushing = this.#flushOnce().finally(() => {
        this.#flushing = void 0;
        if (this.#queue.length > 0)
          this.#schedule(this.#backoff || (this.#queue.length >= this.#o.batchMax ? 0 : this.#o.flushMs));
      });
    }, delay);
    this.#timer.unref();
  }
  async #flushOnce() {
    const batch = this.#queue.slice(0, this.#o.batchMax);
    if (batch.length === 0) return;
    try {
      await this.#write(batch);
      this.#remove(batch.length);
      this.#o.metrics.logWritten.inc(batch.length);
      this.#backoff = 0;
    } catch (err) {
      this.#o.metrics.logFlushErrors.inc();
      if (isPermanent(err)) {
        await this.#writeOneByOne(batch);
        return;
      }
      this.#backoff = Math.min(5e3, Math.max(100, this.#backoff * 2));
      this.#warn(err, batch.length);
    }
  }
  async #writeOneByOne(batch) {
    for (const entry of batch) {
      try {
        await this.#write([entry]);
        this.#o.metrics.logWritten.inc();
      } catch (err) {
        if (!isPermanent(err)) {
          this.#backoff = Math.min(5e3, Math.max(100, this.#backoff * 2));
          this.#warn(err, 1);
          return;
        }
        this.#drop("rejected", 1);
        this.#o.logger.warn({ requestId: entry.requestId, err: err.message }, "prediction log row rejected");
      }
      this.#remove(1);
    }
  }
  #remove(count) {
    for (const e of this.#queue.splice(0, count)) this.#bytes -= e.input.length;
    this.#o.metrics.logQueueDepth.set(this.#queue.length);
  }
  #warn(err, rows) {
    const now = Date.now();
    if (now - this.#lastWarning < 5e3) return;
    this.#lastWarning = now;
    this.#o.logger.warn(
      { err: err.message, code: err.code, rows, queued: this.#queue.length },
      "prediction log write failed; rows stay queued and are retried"
    );
  }
  async #write(batch) {
    const n = batch.length;
    const ids = new Array(n);
    const times = new Array(n);
    const apis = new Array(n);
    const counts = new Array(n);
    const inputs = new Array(n);
    const probabilities = new Array(n);
    const labels = new Array(n);
    const latencies = new Array(n);
    const threshold = this.#o.threshold;
    for (let i = 0; i < n; i++) {
      const e = batch[i];
      ids[i] = e.requestId;
      times[i] = e.at;
      apis[i] = e.api;
      counts[i] = e.passengers;
      inputs[i] = e.input;
      let p = "{";
      let l = "{";
      for (let j = 0; j < e.probabilities.length; j++) {
        const v = e.probabilities[j];
        p += j === 0 ? String(v) : `,${v}`;
        l += (j === 0 ? "" : ",") + (v >= threshold ? "t" : "f");
      }
      probabilities[i] = `${p}}`;
      labels[i] = `${l}}`;
      latencies[i] = e.latencyMs;
    }
    const { environment, modelVersion, imageVersion } = this.#o;
    await this.#o.pool.query({
      name: "titanic-insert-prediction-log",
      text: INSERT,
      values: [
        environment,
        modelVersion,
        imageVersion,
        ids,
        times,
        apis,
        counts,
        inputs,
        probabilities,
        labels,
        latencies
      ]
    });
  }
};

// src/http/app.ts
import { Router } from "@koa/router";
import Koa from "koa";

// src/http/guard.ts
import { createHash as createHash2, timingSafeEqual } from "node:crypto";
var digest = (key) => createHash2("sha256").update(key).digest();
function presentedKey(ctx) {
  const auth = ctx.get("authorization");
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return match?.[1];
  }
  return ctx.get("x-api-key") || void 0;
}
var TokenBuckets = class {
  constructor(rate, burst) {
    this.rate = rate;
    this.burst = burst;
  }
  rate;
  burst;
  #buckets = /* @__PURE__ */ new Map();
  /** 0 when a token was taken, else the seconds until one will be there. */
  take(client2, now = performance.now() / 1e3) {
    let bucket = this.#buckets.get(client2);
    if (!bucket) {
      if (this.#buckets.size >= 1e4) this.#forgetIdle(now);
      bucket = { tokens: this.burst, at: now };
      this.#buckets.set(client2, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.rate);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / this.rate;
  }
  #forgetIdle(now) {
    for (const [client2, b] of this.#buckets)
      if (b.tokens + (now - b.at) * this.rate >= this.burst) this.#buckets.delete(client2);
    if (this.#buckets.size >= 1e4) this.#buckets.clear();
  }
};
function guard(options) {
  const keys = options.apiKeys.map(digest);
  const buckets = options.rateLimitRps > 0 ? new TokenBuckets(options.rateLimitRps, options.rateLimitBurst) : void 0;
  return async (ctx, next) => {
    let client2 = ctx.ip;
    if (keys.length > 0) {
      const key = presentedKey(ctx);
      const presented = digest(key ?? "");
      let ok = false;
      for (const k of keys) ok = timingSafeEqual(k, presented) || ok;
      if (!key || !ok)
        throw new ApiError(
          401,
          "unauthorized",
          key ? "the API key is not valid" : "an API key is required: send Authorization: Bearer <key>",
          [],
          { "WWW-Authenticate": 'Bearer realm="titanic"' }
        );
      client2 = presented.toString("base64");
    }
    if (buckets) {
      const wait = buckets.take(client2);
      if (wait > 0) {
        const seconds = Math.max(1, Math.ceil(wait));
        throw new ApiError(429, "rate_limited", `rate limit exceeded; retry after ${seconds} s`, [], {
          "Retry-After": String(seconds)
        });
      }
    }
    await next();
  };
}

// src/http/observe.ts
import { randomUUID } from "node:crypto";
var REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;
var SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Strict-Transport-Security": "max-age=31536000",
  // The pages load only their own scripts; the API reference's renderer sets inline styles.
  "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
};
var QUIET_ROUTES = /* @__PURE__ */ new Set(["/metrics", "/v2/health/live", "/v2/health/ready", "/v2/models/titanic/ready"]);
var CODES = {
  400: "invalid_request",
  401: "unauthorized",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  501: "not_implemented",
  503: "unavailable"
};
function fromHttpError(err) {
  const e = err;
  if (typeof e.status !== "number" || e.status < 400 || e.status >= 500 || e.expose !== true) return void 0;
  return new ApiError(e.status, CODES[e.status] ?? "invalid_request", String(e.message));
}
function observe(deps) {
  const { metrics, logger, modelVersion } = deps;
  return async (ctx, next) => {
    const started = performance.now();
    const incoming = ctx.get("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.startedAt = started;
    ctx.set(SECURITY_HEADERS);
    ctx.set("X-Request-Id", requestId);
    try {
      await next();
      if (ctx.body == null && (ctx.status === 404 || ctx.status === 405 || ctx.status === 501)) {
        const message = ctx.status === 404 ? `no route for ${ctx.method} ${ctx.path.slice(0, 200)}` : `${ctx.method} is not allowed on ${ctx.path.slice(0, 200)}; allowed: ${ctx.response.get("Allow") || "none"}`;
        throw new ApiError(ctx.status, CODES[ctx.status], message);
      }
    } catch (err) {
      const known = err instanceof ApiError ? err : fromHttpError(err);
      const error = known ?? new ApiError(500, "internal", `internal error; quote request id ${requestId}`);
      if (!known) logger.error({ requestId, err }, "unhandled error");
      ctx.status = error.status;
      ctx.set(error.headers);
      ctx.set("Cache-Control", "no-store");
      ctx.body = ctx.path.startsWith("/v2") ? { error: error.message } : {
        error: {
          code: error.code,
          message: error.message,
          ...error.issues.length > 0 ? { issues: error.issues } : {}
        }
      };
    }
    const ms = performance.now() - started;
    const route = typeof ctx._matchedRoute === "string" ? ctx._matchedRoute : "unmatched";
    metrics.observeHttp(route, ctx.method, ctx.status, ms / 1e3);
    const line = {
      requestId,
      method: ctx.method,
      route,
      status: ctx.status,
      ms: Math.round(ms * 1e3) / 1e3,
      modelVersion,
      passengers: ctx.state.passengers
    };
    if (ctx.status >= 500) logger.error(line, "request");
    else if (QUIET_ROUTES.has(route)) logger.debug(line, "request");
    else logger.info(line, "request");
  };
}

// src/http/read-json.ts
var BODY_LIMIT_BYTES = 1024 * 1024;
var tooLarge = () => new ApiError(413, "payload_too_large", `request body exceeds ${BODY_LIMIT_BYTES} bytes; send fewer passengers per request`);
async function readJson(ctx) {
  const type = ctx.get("content-type");
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type))
    throw new ApiError(
      415,
      "unsupported_media_type",
      `Content-Type must be application/json${type ? ` (got ${type.slice(0, 60)})` : ""}`
    );
  const declared = Number(ctx.get("content-length") || 0);
  if (declared > BODY_LIMIT_BYTES) throw tooLarge();
  const req = ctx.req;
  const text = await new Promise((resolve2, reject) => {
    const chunks = [];
    let size = 0;
    const onData = (chunk) => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        cleanup();
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve2(chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    };
    const onError = () => {
      cleanup();
      reject(new ApiError(400, "invalid_request", "request body was cut off"));
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onError);
  });
  if (text.length === 0) throw invalidRequest("request body is empty; send a JSON object");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalidRequest(`request body is not valid JSON: ${err.message.slice(0, 120)}`);
  }
}

// ../features/src/drift.ts
import { z as z2 } from "zod";
var featureHistogramSchema = z2.object({
  feature: z2.string(),
  edges: z2.array(z2.number()),
  counts: z2.array(z2.number().int().nonnegative())
}).refine((h) => h.counts.length === h.edges.length + 1, "counts must have one more entry than edges");
function binIndex(edges, value) {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = lo + hi >> 1;
    if (value <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
function psi(expected, actual, epsilon = 1e-4) {
  if (expected.length !== actual.length) throw new Error("psi: expected and actual need the same bins");
  const eTotal = expected.reduce((a, b) => a + b, 0);
  const aTotal = actual.reduce((a, b) => a + b, 0);
  if (eTotal === 0 || aTotal === 0) return 0;
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i] / eTotal, epsilon);
    const a = Math.max(actual[i] / aTotal, epsilon);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

// ../features/src/encoder.ts
import { z as z4 } from "zod";

// ../features/src/groups.ts
import { z as z3 } from "zod";

// ../features/src/title.ts
var TITLES = ["Mr", "Mrs", "Miss", "Master", "Rare"];
var ALIASES = {
  mr: "Mr",
  mrs: "Mrs",
  mme: "Mrs",
  miss: "Miss",
  mlle: "Miss",
  ms: "Miss",
  master: "Master"
};
function titleOf(name, sex, age) {
  const match = name ? /,\s*(?:the\s+)?([A-Za-z]+)\s*\./.exec(name) : null;
  if (match?.[1]) {
    return ALIASES[match[1].toLowerCase()] ?? "Rare";
  }
  if (sex === "male") return age != null && age < 14 ? "Master" : "Mr";
  return age != null && age < 18 ? "Miss" : "Mrs";
}

// ../features/src/groups.ts
var groupTableSchema = z3.object({
  /** Per training passenger: [survived 0/1, woman-or-child 0/1]; group lists index into it. */
  members: z3.array(z3.tuple([z3.number().int().min(0).max(1), z3.number().int().min(0).max(1)])),
  ticket: z3.record(z3.string(), z3.array(z3.number().int().nonnegative())),
  family: z3.record(z3.string(), z3.array(z3.number().int().nonnegative()))
});
var EMPTY_GROUPS = { members: [], ticket: {}, family: {} };
function ticketKey(p) {
  const t = p.ticket?.trim().toUpperCase().replace(/\s+/g, " ");
  return t ? t : null;
}
function familyKey(p) {
  const surname = p.name?.split(",")[0]?.trim().toLowerCase();
  if (!surname || !p.name?.includes(",") || p.fare == null) return null;
  return `${surname}|${p.pclass}|${Math.round(p.fare * 10)}`;
}
function isWomanOrChild(p) {
  return p.sex === "female" || titleOf(p.name, p.sex, p.age) === "Master" || p.age != null && p.age < 14;
}
function groupStats(p, groups, self = -1) {
  const ids = /* @__PURE__ */ new Set();
  const t = ticketKey(p);
  const f = familyKey(p);
  if (t && Object.hasOwn(groups.ticket, t)) for (const id of groups.ticket[t]) ids.add(id);
  if (f && Object.hasOwn(groups.family, f)) for (const id of groups.family[f]) ids.add(id);
  ids.delete(self);
  let survived = 0;
  let knownWomenChildren = 0;
  let survivedWomenChildren = 0;
  for (const id of ids) {
    const [s, wc] = groups.members[id] ?? [0, 0];
    survived += s;
    knownWomenChildren += wc;
    survivedWomenChildren += s & wc;
  }
  return { known: ids.size, survived, knownWomenChildren, survivedWomenChildren };
}

// ../features/src/encoder.ts
var encoderParamsSchema = z4.object({
  ageMedianByTitle: z4.record(z4.enum(TITLES), z4.number()),
  ageMedian: z4.number(),
  fareMedianByClass: z4.object({ "1": z4.number(), "2": z4.number(), "3": z4.number() }),
  embarkedMode: z4.enum(["S", "C", "Q"]),
  /** Travel-group outcomes of the training passengers (see groups.ts); absent = no group features. */
  groups: groupTableSchema.optional()
});
var DECKS = ["A", "B", "C", "D", "E", "F", "G"];
var FEATURE_NAMES = [
  "pclass",
  "pclass_1",
  "pclass_2",
  "pclass_3",
  "sex_female",
  "sex_male",
  "age",
  "age_missing",
  "is_child",
  "sibsp",
  "parch",
  "family_size",
  "is_alone",
  "fare",
  "log_fare",
  "fare_per_person",
  "has_cabin",
  ...DECKS.map((d) => `deck_${d}`),
  ...TITLES.map((t) => `title_${t.toLowerCase()}`),
  "embarked_c",
  "embarked_q",
  "embarked_s",
  "female_x_pclass_3",
  "group_known_members",
  "group_survival",
  "group_has_known",
  "group_wc_survival",
  "wc_group_survival",
  "wc_group_outcome"
];
var FEATURE_COUNT = FEATURE_NAMES.length;
function deckOf(cabin) {
  const letter = cabin?.trim().charAt(0).toUpperCase();
  if (!letter) return null;
  if (letter === "T") return "A";
  return DECKS.includes(letter) ? letter : null;
}
function encodeInto(p, params, out, offset, self = -1) {
  const title = titleOf(p.name, p.sex, p.age);
  const age = p.age ?? params.ageMedianByTitle[title] ?? params.ageMedian;
  const fare = p.fare ?? params.fareMedianByClass[String(p.pclass)];
  const embarked = p.embarked ?? params.embarkedMode;
  const family = p.sibsp + p.parch + 1;
  const deck = deckOf(p.cabin);
  const female = p.sex === "female" ? 1 : 0;
  const g = groupStats(p, params.groups ?? EMPTY_GROUPS, self);
  const wc = isWomanOrChild(p);
  const wcSurvival = g.knownWomenChildren ? g.survivedWomenChildren / g.knownWomenChildren : 0.5;
  const wcOutcome = g.knownWomenChildren === 0 ? 0.5 : g.survivedWomenChildren === 0 ? 0 : g.survivedWomenChildren === g.knownWomenChildren ? 1 : 0.5;
  const values = [
    p.pclass,
    p.pclass === 1 ? 1 : 0,
    p.pclass === 2 ? 1 : 0,
    p.pclass === 3 ? 1 : 0,
    female,
    1 - female,
    age,
    p.age == null ? 1 : 0,
    age < 14 ? 1 : 0,
    p.sibsp,
    p.parch,
    family,
    family === 1 ? 1 : 0,
    fare,
    Math.log1p(fare),
    fare / family,
    deck ? 1 : 0,
    ...DECKS.map((d) => deck === d ? 1 : 0),
    ...TITLES.map((t) => title === t ? 1 : 0),
    embarked === "C" ? 1 : 0,
    embarked === "Q" ? 1 : 0,
    embarked === "S" ? 1 : 0,
    female && p.pclass === 3 ? 1 : 0,
    Math.min(g.known, 6),
    g.known ? g.survived / g.known : 0.5,
    g.known ? 1 : 0,
    wcSurvival,
    wc ? wcSurvival : 0.5,
    wc ? wcOutcome : 0
  ];
  for (let i = 0; i < values.length; i++) out[offset + i] = values[i];
}
function encodeBatch(passengers, params, selfIds) {
  const out = new Float32Array(passengers.length * FEATURE_COUNT);
  for (let i = 0; i < passengers.length; i++)
    encodeInto(passengers[i], params, out, i * FEATURE_COUNT, selfIds ? selfIds[i] : -1);
  return out;
}

// ../features/src/model-metadata.ts
import { z as z5 } from "zod";
var sha256 = z5.string().regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex characters");
var foldStatSchema = z5.object({ mean: z5.number(), std: z5.number() });
var calibrationBinSchema = z5.object({
  lower: z5.number(),
  upper: z5.number(),
  count: z5.number().int().nonnegative(),
  meanPredicted: z5.number().nullable(),
  observedRate: z5.number().nullable(),
  /** Spread (standard deviation) of the observed rate across CV folds; null with fewer than two folds. */
  observedRateStd: z5.number().nullable().optional()
});
var MODEL_VERSION_PATTERN = /^\d{4}\.\d{2}\.\d{2}-\d+$/;
var modelMetadataSchema = z5.looseObject({
  schemaVersion: z5.literal(1),
  name: z5.string().min(1),
  version: z5.string().regex(MODEL_VERSION_PATTERN, "expected a version like 2026.11.25-1"),
  created: z5.string().datetime(),
  algorithm: z5.string(),
  files: z5.object({ onnx: z5.object({ path: z5.string(), sha256 }) }),
  dataset: z5.looseObject({ sha256, rows: z5.number().int().positive() }),
  onnx: z5.object({ inputName: z5.string(), outputName: z5.string(), opset: z5.number().int() }),
  features: z5.array(z5.string()).min(1),
  encoder: encoderParamsSchema,
  params: z5.record(z5.string(), z5.unknown()),
  metrics: z5.looseObject({
    cv: z5.looseObject({
      folds: z5.number().int().positive(),
      repeats: z5.number().int().positive(),
      accuracy: foldStatSchema,
      rocAuc: foldStatSchema,
      logLoss: foldStatSchema,
      brier: foldStatSchema
    }),
    calibration: z5.array(calibrationBinSchema)
  }),
  trainingPositiveRate: z5.number().min(0).max(1),
  trainingHistograms: z5.array(featureHistogramSchema)
});

// ../features/src/passenger.ts
import { z as z6 } from "zod";
var passengerSchema = z6.object({
  pclass: z6.number({ error: "pclass must be 1, 2 or 3" }).int("pclass must be 1, 2 or 3").min(1, "pclass must be 1, 2 or 3").max(3, "pclass must be 1, 2 or 3").describe("Ticket class: 1 = first, 2 = second, 3 = third"),
  sex: z6.enum(["male", "female"], { error: 'sex must be "male" or "female"' }),
  age: z6.number({ error: "age must be a number of years (or null when unknown)" }).min(0, "age must be at least 0").max(120, "age must be at most 120").nullish().describe("Age in years; fractional below 1. Null or absent when unknown."),
  sibsp: z6.number({ error: "sibsp must be a whole number" }).int("sibsp must be a whole number").min(0, "sibsp must be at least 0").max(20, "sibsp must be at most 20").describe("Siblings and spouses aboard"),
  parch: z6.number({ error: "parch must be a whole number" }).int("parch must be a whole number").min(0, "parch must be at least 0").max(20, "parch must be at most 20").describe("Parents and children aboard"),
  fare: z6.number({ error: "fare must be a number (or null when unknown)" }).min(0, "fare must be at least 0").max(1e4, "fare must be at most 10000").nullish().describe("Ticket fare in 1912 pounds. Null or absent when unknown."),
  embarked: z6.enum(["S", "C", "Q"], {
    error: 'embarked must be "S" (Southampton), "C" (Cherbourg) or "Q" (Queenstown)'
  }).nullish().describe("Port of embarkation. Null or absent when unknown."),
  name: z6.string().max(200, "name must be at most 200 characters").nullish(),
  cabin: z6.string().max(100, "cabin must be at most 100 characters").nullish(),
  ticket: z6.string().max(100, "ticket must be at most 100 characters").nullish()
}).strict();

// src/http/schemas.ts
import { z as z7 } from "zod";
var MAX_PASSENGERS = 1e4;
var passenger = passengerSchema.meta({
  id: "Passenger",
  example: { pclass: 3, sex: "male", age: 22, sibsp: 1, parch: 0, fare: 7.25, embarked: "S" }
});
var batchRequest = z7.object({
  passengers: z7.array(passenger, { error: "passengers must be a list of passengers" }).min(1, "passengers must hold at least one passenger").max(MAX_PASSENGERS, `passengers must hold at most ${MAX_PASSENGERS} passengers`)
}).strict().meta({ id: "BatchRequest" });
var modelRef = z7.object({ name: z7.literal("titanic"), version: z7.string().meta({ example: "2026.11.25-1" }) }).meta({ id: "ModelRef" });
var probability = z7.number().min(0).max(1).describe("Survival probability (4 decimals)");
var singleResponse = z7.object({
  survived: z7.boolean().describe("probability at or above the model threshold"),
  probability,
  model: modelRef,
  requestId: z7.string()
}).meta({ id: "Prediction" });
var batchResponse = z7.object({
  predictions: z7.array(z7.object({ survived: z7.boolean(), probability })).describe("In input order"),
  model: modelRef,
  requestId: z7.string()
}).meta({ id: "BatchPrediction" });
var apiError = z7.object({
  error: z7.object({
    code: z7.string().meta({ example: "invalid_request" }),
    message: z7.string(),
    issues: z7.array(z7.object({ path: z7.string().meta({ example: "passengers.3.pclass" }), message: z7.string() })).optional()
  })
}).meta({ id: "Error" });
var tensorMeta = z7.object({
  name: z7.string(),
  datatype: z7.string().meta({ example: "FP32" }),
  shape: z7.array(z7.number().int())
});
var v2Error = z7.object({ error: z7.string() }).meta({ id: "V2Error" });
var v2ServerMetadata = z7.object({ name: z7.string(), version: z7.string(), extensions: z7.array(z7.string()) }).meta({ id: "V2ServerMetadata" });
var v2ModelMetadata = z7.object({
  name: z7.string(),
  versions: z7.array(z7.string()),
  platform: z7.string(),
  inputs: z7.array(tensorMeta),
  outputs: z7.array(tensorMeta)
}).meta({ id: "V2ModelMetadata" });
var v2InferRequest = z7.object({
  id: z7.string().max(256, "id must be at most 256 characters").optional(),
  parameters: z7.record(z7.string(), z7.unknown()).optional(),
  inputs: z7.array(
    z7.object({
      name: z7.string(),
      shape: z7.array(z7.number().int().nonnegative()),
      datatype: z7.string(),
      parameters: z7.record(z7.string(), z7.unknown()).optional(),
      data: z7.array(z7.unknown()).describe("Row-major FP32 values, flat or nested, in the model feature order")
    })
  ).min(1, "inputs must hold one tensor"),
  outputs: z7.array(z7.object({ name: z7.string(), parameters: z7.record(z7.string(), z7.unknown()).optional() })).optional()
}).meta({ id: "V2InferRequest" });
var v2InferResponse = z7.object({
  model_name: z7.string(),
  model_version: z7.string(),
  id: z7.string().optional(),
  outputs: z7.array(tensorMeta.extend({ data: z7.array(z7.number()) }))
}).meta({ id: "V2InferResponse" });
var health = {
  live: z7.object({ live: z7.boolean() }).meta({ id: "V2Live" }),
  ready: z7.object({ ready: z7.boolean() }).meta({ id: "V2Ready" }),
  modelReady: z7.object({ name: z7.string(), ready: z7.boolean() }).meta({ id: "V2ModelReady" })
};

// src/http/oip-v2.ts
var MODEL_NAME = "titanic";
var bad = (message) => new ApiError(400, "invalid_request", message);
function flatten(data, out, depth = 0) {
  for (const v of data) {
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return false;
      out.push(v);
    } else if (Array.isArray(v) && depth < 2) {
      if (!flatten(v, out, depth + 1)) return false;
    } else return false;
  }
  return true;
}
function registerOipV2(router, deps, guard2) {
  const { predictor, predictionLog, state } = deps;
  const { inputName, outputName } = predictor.model.metadata.onnx;
  const F = predictor.featureCount;
  const requireModel = (ctx) => {
    const { model, version } = ctx.params;
    if (model !== MODEL_NAME) throw new ApiError(404, "not_found", `unknown model ${model.slice(0, 100)}`);
    if (version !== void 0 && version !== predictor.version)
      throw new ApiError(404, "not_found", `model ${MODEL_NAME} has no version ${version.slice(0, 100)} here`);
  };
  router.get("/v2", (ctx) => {
    ctx.body = { name: "titanic-inference", version: package_default.version, extensions: [] };
  });
  router.get("/v2/health/live", (ctx) => {
    ctx.body = { live: true };
  });
  router.get("/v2/health/ready", (ctx) => {
    ctx.status = state.ready ? 200 : 503;
    ctx.body = { ready: state.ready };
  });
  const metadata = (ctx) => {
    requireModel(ctx);
    ctx.body = {
      name: MODEL_NAME,
      versions: [predictor.version],
      platform: "onnxruntime_onnx",
      inputs: [{ name: inputName, datatype: "FP32", shape: [-1, F] }],
      outputs: [{ name: outputName, datatype: "FP32", shape: [-1] }],
      parameters: { features: predictor.model.metadata.features }
    };
  };
  const ready = (ctx) => {
    requireModel(ctx);
    ctx.status = state.ready ? 200 : 503;
    ctx.body = { name: MODEL_NAME, ready: state.ready };
  };
  const infer = async (ctx) => {
    requireModel(ctx);
    const at = Date.now();
    const parsed = v2InferRequest.safeParse(await readJson(ctx));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw bad(`${issue.path.join(".") || "body"}: ${issue.message}`);
    }
    const request = parsed.data;
    if (request.inputs.length !== 1) throw bad(`inputs must hold exactly one tensor named ${inputName}`);
    const input = request.inputs[0];
    if (input.name !== inputName) throw bad(`unknown input ${input.name.slice(0, 100)}; the model takes ${inputName}`);
    if (input.datatype !== "FP32") throw bad(`input ${inputName} must have datatype FP32`);
    const [rows, cols] = input.shape;
    if (input.shape.length !== 2 || cols !== F || rows === void 0 || rows < 1 || rows > MAX_PASSENGERS)
      throw bad(`input ${inputName} must have shape [N, ${F}] with 1 <= N <= ${MAX_PASSENGERS}`);
    for (const o of request.outputs ?? [])
      if (o.name !== outputName) throw bad(`unknown output ${o.name.slice(0, 100)}; the model returns ${outputName}`);
    const flat = [];
    if (!flatten(input.data, flat)) throw bad(`input ${inputName} data must hold only finite numbers`);
    if (flat.length !== rows * F)
      throw bad(`input ${inputName} has ${flat.length} values but shape [${rows}, ${F}] needs ${rows * F}`);
    ctx.state.passengers = rows;
    const features = Float32Array.from(flat);
    const probabilities = await predictor.predict(features, rows, "v2");
    ctx.body = {
      model_name: MODEL_NAME,
      model_version: predictor.version,
      ...request.id !== void 0 ? { id: request.id } : {},
      outputs: [{ name: outputName, datatype: "FP32", shape: [rows], data: Array.from(probabilities) }]
    };
    const rowsJson = new Array(rows);
    for (let r = 0; r < rows; r++) rowsJson[r] = `[${features.subarray(r * F, (r + 1) * F).join(",")}]`;
    predictionLog.enqueue({
      requestId: ctx.state.requestId,
      at,
      api: "v2",
      passengers: rows,
      input: `[${rowsJson.join(",")}]`,
      probabilities,
      latencyMs: performance.now() - ctx.state.startedAt
    });
  };
  router.get("/v2/models/:model", metadata);
  router.get("/v2/models/:model/versions/:version", metadata);
  router.get("/v2/models/:model/ready", ready);
  router.get("/v2/models/:model/versions/:version/ready", ready);
  router.post("/v2/models/:model/infer", guard2, infer);
  router.post("/v2/models/:model/versions/:version/infer", guard2, infer);
}

// src/http/openapi.ts
import { OpenApiGeneratorV3, OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z as z8 } from "zod";
var json = (schema) => ({ "application/json": { schema } });
var errors = {
  400: { description: "Invalid request; `issues` name each bad field", content: json(apiError) },
  401: { description: "Missing or wrong API key (only when keys are configured)", content: json(apiError) },
  413: { description: "Body over 1 MB", content: json(apiError) },
  415: { description: "Content-Type is not application/json", content: json(apiError) },
  429: { description: "Rate limited; see Retry-After", content: json(apiError) }
};
var v2Errors = {
  400: { description: "Invalid request", content: json(v2Error) },
  404: { description: "Unknown model or version", content: json(v2Error) }
};
function buildOpenApi(options) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "Only when the server is started with API_KEYS or API_KEYS_FILE; X-API-Key also works."
  });
  const security = [{ bearer: [] }];
  const model = z8.object({ model: z8.literal("titanic") });
  registry.registerPath({
    method: "post",
    path: "/v1/predict",
    summary: "Predict survival for one passenger or a batch",
    description: 'Send one passenger, or `{"passengers": [...]}` with up to 10,000. Predictions keep input order.',
    security,
    request: { body: { required: true, content: json(z8.union([passenger, batchRequest])) } },
    responses: {
      200: { description: "Prediction(s)", content: json(z8.union([singleResponse, batchResponse])) },
      ...errors
    }
  });
  registry.registerPath({
    method: "get",
    path: "/v2",
    summary: "Server metadata (Open Inference Protocol v2)",
    responses: { 200: { description: "Server metadata", content: json(v2ServerMetadata) } }
  });
  registry.registerPath({
    method: "get",
    path: "/v2/health/live",
    summary: "Liveness",
    responses: { 200: { description: "Alive", content: json(health.live) } }
  });
  registry.registerPath({
    method: "get",
    path: "/v2/health/ready",
    summary: "Readiness: model loaded and self-tested, not shutting down",
    responses: {
      200: { description: "Ready", content: json(health.ready) },
      503: { description: "Not ready", content: json(health.ready) }
    }
  });
  registry.registerPath({
    method: "get",
    path: "/v2/models/{model}",
    summary: "Model metadata: tensor names, datatypes and shapes",
    request: { params: model },
    responses: { 200: { description: "Model metadata", content: json(v2ModelMetadata) }, ...v2Errors }
  });
  registry.registerPath({
    method: "get",
    path: "/v2/models/{model}/ready",
    summary: "Model readiness",
    request: { params: model },
    responses: {
      200: { description: "Ready", content: json(health.modelReady) },
      503: { description: "Not ready", content: json(health.modelReady) }
    }
  });
  registry.registerPath({
    method: "post",
    path: "/v2/models/{model}/infer",
    summary: "Inference on encoded FP32 features [N, F] in the model feature order",
    security,
    request: { params: model, body: { required: true, content: json(v2InferRequest) } },
    responses: { 200: { description: "Probabilities [N]", content: json(v2InferResponse) }, ...v2Errors }
  });
  registry.registerPath({
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics",
    responses: { 200: { description: "Prometheus text exposition format" } }
  });
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: "3.0.3",
    info: {
      title: "Titanic survival prediction",
      version: options.version,
      description: `Serves model version ${options.modelVersion}. Friendly JSON API under /v1, Open Inference Protocol v2 under /v2.`
    },
    servers: [{ url: "/" }]
  });
}

// src/http/predict-v1.ts
var round = (p) => Math.round(p * 1e4) / 1e4;
function parsePassengers(body) {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw invalidRequest('request body must be a passenger object or {"passengers": [ ... ]}');
  if ("passengers" in body) {
    const parsed2 = batchRequest.safeParse(body);
    if (!parsed2.success) throw invalidRequest("some passengers are not valid", issuesFromZod(parsed2.error));
    return { passengers: parsed2.data.passengers, single: false };
  }
  const parsed = passenger.safeParse(body);
  if (!parsed.success) throw invalidRequest("the passenger is not valid", issuesFromZod(parsed.error));
  return { passengers: [parsed.data], single: true };
}
function registerPredictV1(router, deps, guard2) {
  const { predictor, predictionLog } = deps;
  const model = { name: "titanic", version: predictor.version };
  router.post("/v1/predict", guard2, async (ctx) => {
    const at = Date.now();
    const { passengers, single } = parsePassengers(await readJson(ctx));
    const n = passengers.length;
    ctx.state.passengers = n;
    const probabilities = await predictor.predict(predictor.encode(passengers), n, "v1");
    const requestId = ctx.state.requestId;
    const threshold = predictor.threshold;
    if (single) {
      const p = probabilities[0];
      ctx.body = { survived: p >= threshold, probability: round(p), model, requestId };
    } else {
      const predictions = new Array(n);
      for (let i = 0; i < n; i++) {
        const p = probabilities[i];
        predictions[i] = { survived: p >= threshold, probability: round(p) };
      }
      ctx.body = { predictions, model, requestId };
    }
    predictionLog.enqueue({
      requestId,
      at,
      api: "v1",
      passengers: n,
      input: JSON.stringify(passengers),
      probabilities,
      latencyMs: performance.now() - ctx.state.startedAt
    });
  });
}

// src/http/static-assets.ts
import { readFileSync as readFileSync3 } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join as join3 } from "node:path";
var TYPES = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  png: "image/png"
};
function load(path) {
  const ext = path.slice(path.lastIndexOf(".") + 1);
  return { body: readFileSync3(path), type: TYPES[ext] ?? "application/octet-stream" };
}
function loadAssets(publicDir = PUBLIC_DIR) {
  const swagger = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  return /* @__PURE__ */ new Map([
    ["/", load(join3(publicDir, "index.html"))],
    ["/app.js", load(join3(publicDir, "app.js"))],
    ["/style.css", load(join3(publicDir, "style.css"))],
    ["/docs", load(join3(publicDir, "docs.html"))],
    ["/docs/docs.js", load(join3(publicDir, "docs.js"))],
    ["/docs/swagger-ui.css", load(join3(swagger, "swagger-ui.css"))],
    ["/docs/swagger-ui-bundle.js", load(join3(swagger, "swagger-ui-bundle.js"))]
  ]);
}

// src/http/app.ts
function createApp(deps) {
  const { config, metrics, drift, predictor, logger } = deps;
  const app = new Koa({ proxy: config.trustProxy });
  app.on("error", (err) => logger.warn({ err: err.message }, "response error"));
  app.silent = true;
  const router = new Router();
  const protect = guard(config);
  registerPredictV1(router, deps, protect);
  registerOipV2(router, deps, protect);
  const openapi = JSON.stringify(buildOpenApi({ version: package_default.version, modelVersion: predictor.version }));
  router.get("/openapi.json", (ctx) => {
    ctx.type = "application/json";
    ctx.body = openapi;
  });
  router.get("/metrics", async (ctx) => {
    metrics.featurePsi.reset();
    for (const { feature, value } of drift.psi()) metrics.featurePsi.set({ feature }, value);
    const rate = drift.positiveRate();
    if (rate !== void 0) metrics.servedPositiveRate.set(rate);
    metrics.logQueueDepth.set(deps.predictionLog.depth);
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  for (const [path, asset] of loadAssets()) {
    router.get(path, (ctx) => {
      ctx.type = asset.type;
      ctx.set("Cache-Control", "no-cache");
      ctx.body = asset.body;
    });
  }
  app.use(observe({ metrics, logger, modelVersion: predictor.version }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

// src/model/load.ts
import { createHash as createHash3 } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname as dirname2, join as join4 } from "node:path";
import * as ort from "onnxruntime-node";
async function readOrFail(path, what) {
  try {
    return await readFile(path);
  } catch (err) {
    const code = err.code;
    throw new ModelLoadError(`cannot read ${what} ${path} (${code ?? String(err)})`);
  }
}
function parseMetadata(bytes, path) {
  let json2;
  try {
    json2 = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new ModelLoadError(`${path} is not valid JSON`);
  }
  const parsed = modelMetadataSchema.safeParse(json2);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelLoadError(`${path}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}
async function loadModel(options) {
  const { modelPath } = options;
  const metadataPath = options.metadataPath ?? join4(dirname2(modelPath), "model.json");
  const [onnxBytes, metadataBytes] = await Promise.all([
    readOrFail(modelPath, "model file"),
    readOrFail(metadataPath, "model metadata")
  ]);
  const metadata = parseMetadata(metadataBytes, metadataPath);
  const sha2562 = createHash3("sha256").update(onnxBytes).digest("hex");
  if (options.expectedSha256 && sha2562 !== options.expectedSha256)
    throw new ModelLoadError(
      `sha256 of ${modelPath} is ${sha2562} but MODEL_SHA256 expects ${options.expectedSha256}; the file is not the pinned model`
    );
  if (sha2562 !== metadata.files.onnx.sha256)
    throw new ModelLoadError(
      `sha256 of ${modelPath} is ${sha2562} but ${metadataPath} records ${metadata.files.onnx.sha256}; the file is corrupt or belongs to another version`
    );
  const expected = FEATURE_NAMES.join(",");
  if (metadata.features.join(",") !== expected)
    throw new ModelLoadError(
      `${metadataPath} lists features [${metadata.features.join(", ")}] but this server encodes [${expected}]; deploy a server built for this model`
    );
  let session;
  try {
    session = await ort.InferenceSession.create(onnxBytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all"
    });
  } catch (err) {
    throw new ModelLoadError(`onnxruntime cannot load ${modelPath}: ${err.message}`);
  }
  if (!session.inputNames.includes(metadata.onnx.inputName))
    throw new ModelLoadError(
      `${modelPath} has inputs [${session.inputNames.join(", ")}], model.json names ${metadata.onnx.inputName}`
    );
  if (!session.outputNames.includes(metadata.onnx.outputName))
    throw new ModelLoadError(
      `${modelPath} has outputs [${session.outputNames.join(", ")}], model.json names ${metadata.onnx.outputName}`
    );
  return { metadata, sha256: sha2562, path: modelPath, session };
}

// src/model/batcher.ts
import * as ort2 from "onnxruntime-node";
var Batcher = class {
  #options;
  #pending = [];
  #scheduled = false;
  #running = false;
  constructor(options) {
    this.#options = options;
  }
  /** Probabilities for `rows` rows of row-major features. */
  predict(features, rows) {
    return new Promise((resolve2, reject) => {
      this.#pending.push({ features, rows, resolve: resolve2, reject });
      this.#schedule();
    });
  }
  /** Resolves once nothing is queued or running. */
  async drain() {
    while (this.#pending.length > 0 || this.#running) await new Promise((r) => setTimeout(r, 5));
  }
  #schedule() {
    if (this.#scheduled || this.#running) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }
  #take() {
    let rows = 0;
    let count = 0;
    for (const p of this.#pending) {
      if (count > 0 && rows + p.rows > this.#options.maxRows) break;
      rows += p.rows;
      count++;
    }
    return this.#pending.splice(0, count);
  }
  async #flush() {
    if (this.#pending.length === 0) return;
    const batch = this.#take();
    this.#running = true;
    try {
      const total = batch.reduce((n, p) => n + p.rows, 0);
      const input = batch.length === 1 ? batch[0].features : concat(batch, total, this.#options.featureCount);
      const output = await this.#run(input, total);
      let offset = 0;
      for (const p of batch) {
        p.resolve(output.subarray(offset, offset + p.rows));
        offset += p.rows;
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.#running = false;
      if (this.#pending.length > 0) this.#schedule();
    }
  }
  async #run(input, rows) {
    const { session, inputName, outputName, featureCount, onRun } = this.#options;
    onRun?.(rows);
    const tensor = new ort2.Tensor("float32", input, [rows, featureCount]);
    const results = await session.run({ [inputName]: tensor });
    const out = results[outputName];
    if (!out || !(out.data instanceof Float32Array) || out.data.length !== rows)
      throw new Error(`model output ${outputName} is not float32 [${rows}] (dims ${out?.dims.join("x")})`);
    return out.data;
  }
};
function concat(batch, rows, featureCount) {
  const input = new Float32Array(rows * featureCount);
  let offset = 0;
  for (const p of batch) {
    input.set(p.features, offset);
    offset += p.features.length;
  }
  return input;
}

// src/model/predictor.ts
var SELF_TEST = [
  { pclass: 1, sex: "female", age: 38, sibsp: 1, parch: 0, fare: 71.28, embarked: "C" },
  { pclass: 3, sex: "male", age: null, sibsp: 0, parch: 0, fare: null, embarked: null }
];
function thresholdOf(model) {
  const candidates = [model.metadata.threshold, model.metadata.params.threshold];
  const found = candidates.find((t) => typeof t === "number" && t > 0 && t < 1);
  return found ?? 0.5;
}
var Predictor = class {
  constructor(model, options) {
    this.model = model;
    this.version = model.metadata.version;
    this.threshold = thresholdOf(model);
    this.#encoder = model.metadata.encoder;
    this.#drift = options.drift;
    this.#counters = options.metrics.forModel(this.version);
    const inferenceBatchSize = options.metrics.inferenceBatchSize;
    this.#batcher = new Batcher({
      session: model.session,
      inputName: model.metadata.onnx.inputName,
      outputName: model.metadata.onnx.outputName,
      featureCount: FEATURE_COUNT,
      maxRows: options.maxRows,
      onRun: (rows) => inferenceBatchSize.observe(rows)
    });
  }
  model;
  version;
  threshold;
  featureCount = FEATURE_COUNT;
  #encoder;
  #batcher;
  #counters;
  #drift;
  encode(passengers) {
    return encodeBatch(passengers, this.#encoder);
  }
  /** Probabilities for encoded rows; records metrics and the drift window. */
  async predict(features, rows, api) {
    const probabilities = await this.#batcher.predict(features, rows);
    (api === "v1" ? this.#counters.v1Size : this.#counters.v2Size).observe(rows);
    let survived = 0;
    const histogram = this.#counters.probability;
    for (let i = 0; i < rows; i++) {
      const p = probabilities[i];
      if (p >= this.threshold) survived++;
      histogram.observe(p);
    }
    if (survived > 0) this.#counters.survived.inc(survived);
    if (rows - survived > 0) this.#counters.died.inc(rows - survived);
    this.#drift.add(features, rows, (row) => probabilities[row] >= this.threshold);
    return probabilities;
  }
  /** Fails unless the model answers sane probabilities for known passengers. */
  async selfTest() {
    const probabilities = await this.#batcher.predict(this.encode(SELF_TEST), SELF_TEST.length);
    for (const p of probabilities)
      if (!Number.isFinite(p) || p < 0 || p > 1)
        throw new Error(`self-test prediction returned ${p}, expected a probability in [0, 1]`);
  }
  drain() {
    return this.#batcher.drain();
  }
};

// src/model/registry.ts
import { readdirSync as readdirSync2 } from "node:fs";
import { join as join5 } from "node:path";
function compareVersions(a, b) {
  const [dateA, nA] = a.split("-");
  const [dateB, nB] = b.split("-");
  if (dateA !== dateB) return dateA < dateB ? -1 : 1;
  return Number(nA) - Number(nB);
}
function newestModelPath(registry = DEFAULT_REGISTRY) {
  let versions;
  try {
    versions = readdirSync2(registry, { withFileTypes: true }).filter((d) => d.isDirectory() && MODEL_VERSION_PATTERN.test(d.name)).map((d) => d.name);
  } catch {
    versions = [];
  }
  const newest = versions.sort(compareVersions).at(-1);
  if (!newest)
    throw new ModelLoadError(
      `no model version under ${registry}; run \`npm run train\` or set MODEL_PATH to a model.onnx file`
    );
  return join5(registry, newest, "model.onnx");
}

// src/telemetry/drift-window.ts
var DriftWindow = class {
  #tracked;
  #bins;
  #positive;
  #size;
  #featureCount;
  #next = 0;
  #filled = 0;
  #positives = 0;
  constructor(options) {
    this.#size = options.size;
    this.#featureCount = options.features.length;
    this.#tracked = options.histograms.flatMap((h) => {
      const column = options.features.indexOf(h.feature);
      if (column < 0) return [];
      return [{ ...h, column, expected: h.counts, actual: new Int32Array(h.counts.length) }];
    });
    this.#bins = new Uint16Array(this.#size * this.#tracked.length);
    this.#positive = new Uint8Array(this.#size);
  }
  get length() {
    return this.#filled;
  }
  add(features, rows, survived) {
    const tracked = this.#tracked;
    const width = tracked.length;
    for (let row = Math.max(0, rows - this.#size); row < rows; row++) {
      const slot = this.#next;
      const base2 = slot * width;
      const evict = this.#filled === this.#size;
      for (let t = 0; t < width; t++) {
        const h = tracked[t];
        if (evict) h.actual[this.#bins[base2 + t]]--;
        const bin = binIndex(h.edges, features[row * this.#featureCount + h.column]);
        this.#bins[base2 + t] = bin;
        h.actual[bin]++;
      }
      if (evict) this.#positives -= this.#positive[slot];
      const positive = survived(row) ? 1 : 0;
      this.#positive[slot] = positive;
      this.#positives += positive;
      this.#next = (slot + 1) % this.#size;
      if (!evict) this.#filled++;
    }
  }
  /** PSI per feature; empty before the first passenger. */
  psi() {
    if (this.#filled === 0) return [];
    return this.#tracked.map((h) => ({ feature: h.feature, value: psi(h.expected, Array.from(h.actual)) }));
  }
  positiveRate() {
    return this.#filled === 0 ? void 0 : this.#positives / this.#filled;
  }
};

// src/telemetry/logger.ts
import { pino } from "pino";
function createLogger(level, base2) {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const logger = pino(
    {
      level,
      base: { service: "titanic-inference", ...base2 },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          "headers.authorization",
          'headers["x-api-key"]',
          "req.headers.authorization",
          'req.headers["x-api-key"]',
          "apiKey",
          "password",
          "databaseUrl"
        ],
        censor: "[redacted]"
      }
    },
    destination
  );
  const timer = setInterval(() => {
    try {
      destination.flush();
    } catch {
    }
  }, 1e3);
  timer.unref();
  return {
    logger,
    flush: () => {
      clearInterval(timer);
      try {
        destination.flushSync();
      } catch {
      }
    }
  };
}

// src/telemetry/metrics.ts
import client from "prom-client";
var SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4];
var Metrics = class {
  registry = new client.Registry();
  httpRequests = new client.Counter({
    name: "http_requests_total",
    help: "HTTP requests by route template, method and status code",
    labelNames: ["route", "method", "status"],
    registers: [this.registry]
  });
  httpDuration = new client.Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency from first byte read to response handed to the socket",
    labelNames: ["route", "method", "status"],
    buckets: [5e-4, 1e-3, 25e-4, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry]
  });
  predictions = new client.Counter({
    name: "titanic_predictions_total",
    help: "Passengers predicted, by model version and predicted outcome",
    labelNames: ["model_version", "outcome"],
    registers: [this.registry]
  });
  probability = new client.Histogram({
    name: "titanic_prediction_probability",
    help: "Predicted survival probability",
    labelNames: ["model_version"],
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
    registers: [this.registry]
  });
  requestBatchSize = new client.Histogram({
    name: "titanic_request_batch_size",
    help: "Passengers (rows) per request",
    labelNames: ["api"],
    buckets: SIZE_BUCKETS,
    registers: [this.registry]
  });
  inferenceBatchSize = new client.Histogram({
    name: "titanic_inference_batch_size",
    help: "Rows per onnxruntime run after coalescing concurrent requests",
    buckets: SIZE_BUCKETS,
    registers: [this.registry]
  });
  modelInfo = new client.Gauge({
    name: "titanic_model_info",
    help: "The model being served (value is always 1)",
    labelNames: ["version", "sha256", "image"],
    registers: [this.registry]
  });
  modelReady = new client.Gauge({
    name: "titanic_model_ready",
    help: "1 when the model is loaded, self-tested and the server accepts predictions",
    registers: [this.registry]
  });
  logQueueDepth = new client.Gauge({
    name: "titanic_prediction_log_queue_depth",
    help: "Prediction log rows waiting to be written to Postgres",
    registers: [this.registry]
  });
  logWritten = new client.Counter({
    name: "titanic_prediction_log_written_total",
    help: "Prediction log rows written to Postgres",
    registers: [this.registry]
  });
  logDropped = new client.Counter({
    name: "titanic_prediction_log_dropped_total",
    help: "Prediction log rows given up on, by reason",
    labelNames: ["reason"],
    registers: [this.registry]
  });
  logFlushErrors = new client.Counter({
    name: "titanic_prediction_log_flush_errors_total",
    help: "Failed attempts to write a batch of prediction log rows",
    registers: [this.registry]
  });
  featurePsi = new client.Gauge({
    name: "titanic_feature_psi",
    help: "Population stability index of the served-input window against the training histogram",
    labelNames: ["feature"],
    registers: [this.registry]
  });
  servedPositiveRate = new client.Gauge({
    name: "titanic_served_positive_rate",
    help: "Share of passengers predicted to survive in the drift window",
    registers: [this.registry]
  });
  #http = /* @__PURE__ */ new Map();
  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
    this.modelReady.set(0);
    this.logQueueDepth.set(0);
    this.logWritten.inc(0);
    this.logFlushErrors.inc(0);
    for (const reason of ["queue_full", "shutdown", "rejected"]) this.logDropped.inc({ reason }, 0);
  }
  observeHttp(route, method, status, seconds) {
    const key = `${route}\0${method}\0${status}`;
    let children = this.#http.get(key);
    if (!children) {
      const labels = { route, method, status: String(status) };
      children = { count: this.httpRequests.labels(labels), duration: this.httpDuration.labels(labels) };
      this.#http.set(key, children);
    }
    children.count.inc();
    children.duration.observe(seconds);
  }
  /** Children for one model version, resolved once. */
  forModel(version) {
    const survived = this.predictions.labels({ model_version: version, outcome: "survived" });
    const died = this.predictions.labels({ model_version: version, outcome: "died" });
    survived.inc(0);
    died.inc(0);
    return {
      survived,
      died,
      probability: this.probability.labels({ model_version: version }),
      v1Size: this.requestBatchSize.labels({ api: "v1" }),
      v2Size: this.requestBatchSize.labels({ api: "v2" })
    };
  }
};

// src/start.ts
var QUEUE_MAX_BYTES = 64 * 1024 * 1024;
async function migrateWithRetry(pool, logger, stopped) {
  for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, 5e3)) {
    try {
      const applied = await migrate(pool);
      logger.info({ applied }, "prediction log schema is up to date");
      return;
    } catch (err) {
      if (stopped()) throw err;
      logger.warn({ err: err.message, attempt }, "cannot migrate the prediction log yet; retrying");
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
function closeServer(server, timeoutMs) {
  return new Promise((resolve2) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve2();
    }, timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve2();
    });
    server.closeIdleConnections();
  });
}
async function startInference(env) {
  const config = loadConfig(env);
  const modelPath = config.modelPath ?? newestModelPath();
  const model = await loadModel({
    modelPath,
    expectedSha256: config.modelSha256,
    metadataPath: env.MODEL_METADATA_PATH || void 0
  });
  const version = model.metadata.version;
  const { logger, flush } = createLogger(config.logLevel, {
    environment: config.environment,
    modelVersion: version,
    image: config.imageVersion
  });
  const metrics = new Metrics();
  metrics.modelInfo.set({ version, sha256: model.sha256, image: config.imageVersion }, 1);
  const drift = new DriftWindow({
    size: config.psiWindow,
    features: model.metadata.features,
    histograms: model.metadata.trainingHistograms
  });
  const predictor = new Predictor(model, { metrics, drift, maxRows: config.batchMaxRows });
  await predictor.selfTest();
  logger.info({ modelPath, sha256: model.sha256 }, "model loaded and self-tested");
  let embedded;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedDatabase(config.dataDir);
    logger.info({ dataDir: config.dataDir }, "embedded PostgreSQL (PGlite) started on loopback");
  }
  const pool = new pg.Pool({
    connectionString: config.databaseUrl ?? embedded.url,
    max: embedded ? 1 : 4,
    connectionTimeoutMillis: 3e3,
    query_timeout: 15e3,
    keepAlive: true,
    application_name: "titanic-inference"
  });
  pool.on("error", (err) => logger.warn({ err: err.message }, "idle database connection failed"));
  const predictionLog = new PredictionLog({
    pool,
    metrics,
    logger,
    environment: config.environment,
    modelVersion: version,
    imageVersion: config.imageVersion,
    threshold: predictor.threshold,
    maxRows: config.logQueueMax,
    maxBytes: QUEUE_MAX_BYTES,
    batchMax: config.logBatchMax,
    flushMs: config.logFlushMs
  });
  let stopping = false;
  const databaseReady = migrateWithRetry(pool, logger, () => stopping).then(() => predictionLog.start());
  databaseReady.catch(() => void 0);
  const state = { ready: false };
  const app = createApp({ config, predictor, predictionLog, metrics, drift, logger, state });
  const server = createServer(app.callback());
  server.keepAliveTimeout = 65e3;
  try {
    await new Promise((resolve2, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => resolve2());
    });
  } catch (err) {
    stopping = true;
    await pool.end().catch(() => void 0);
    await embedded?.stop();
    throw err;
  }
  const { port } = server.address();
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  state.ready = true;
  metrics.modelReady.set(1);
  logger.info({ url, environment: config.environment }, "ready");
  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      const deadline = Date.now() + config.shutdownTimeoutMs;
      const left = () => Math.max(0, deadline - Date.now());
      state.ready = false;
      metrics.modelReady.set(0);
      stopping = true;
      logger.info("shutting down: readiness off, finishing in-flight requests");
      await closeServer(server, left());
      await predictor.drain();
      await Promise.race([databaseReady.catch(() => void 0), new Promise((r) => setTimeout(r, left()))]);
      await predictionLog.close(left());
      await pool.end().catch(() => void 0);
      await embedded?.stop().catch(() => void 0);
      logger.info("stopped");
      flush();
    })();
    return stopped;
  };
  return { url, config, metrics, modelVersion: version, databaseReady, stop };
}

// src/main.ts
function fatal(message, extra = {}) {
  process.stderr.write(
    `${JSON.stringify({ level: "fatal", time: (/* @__PURE__ */ new Date()).toISOString(), service: "titanic-inference", msg: message, ...extra })}
`
  );
  process.exit(1);
}
var running;
try {
  running = await startInference(process.env);
} catch (err) {
  if (err instanceof ConfigError) fatal(`invalid configuration: ${err.message}`, { variable: err.variable });
  if (err instanceof ModelLoadError) fatal(`cannot serve the model: ${err.message}`);
  const code = err.code;
  if (code === "EADDRINUSE" || code === "EACCES")
    fatal(`cannot listen: ${err.message}. Fix: set PORT to a free port`);
  fatal(`start-up failed: ${err.message}`);
}
var base = running.config.host === "0.0.0.0" ? running.url.replace("127.0.0.1", "localhost") : running.url;
process.stderr.write(
  [
    "",
    `Titanic inference (model ${running.modelVersion}, ${running.config.environment}) is serving on ${base}`,
    `  web page       ${base}/`,
    `  API reference  ${base}/docs`,
    `  OpenAPI        ${base}/openapi.json`,
    `  predict        POST ${base}/v1/predict`,
    `  OIP v2         ${base}/v2/models/titanic`,
    `  metrics        ${base}/metrics`,
    running.config.databaseUrl ? "  prediction log in PostgreSQL (DATABASE_URL)" : `  prediction log in the embedded database under ${running.config.dataDir}`,
    ""
  ].join("\n")
);
var signals = 0;
var shutdown = (signal) => {
  if (++signals > 1) process.exit(1);
  process.stderr.write(`${signal}: shutting down gracefully
`);
  running.stop().then(
    () => process.exit(0),
    (err) => fatal(`shutdown failed: ${err.message}`)
  );
};
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
