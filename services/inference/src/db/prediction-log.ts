import type pg from 'pg';
import type client from 'prom-client';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { copyFormat, insertFormat, type RowFormat } from './log-writers.ts';
import { RowQueue } from './row-queue.ts';

export interface LogEntry {
  readonly requestId: string;
  /** Epoch milliseconds when the request arrived. */
  readonly at: number;
  readonly api: 'v1' | 'v2';
  readonly passengers: number;
  /** JSON array text, one element per passenger. */
  readonly input: string;
  readonly probabilities: Float32Array;
  readonly latencyMs: number;
  /** The shadow model's probabilities for the same rows, when a shadow is loaded. */
  readonly shadow?: { readonly version: string; readonly probabilities: Float32Array } | undefined;
}

/** The counters one queued log reports through (written + dropped = received). */
export interface LogCounters {
  readonly written: client.Counter;
  readonly dropped: client.Counter<'reason'>;
  readonly flushErrors: client.Counter;
  readonly depth: client.Gauge;
}

export interface PredictionLogOptions {
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly environment: string;
  readonly modelVersion: string;
  readonly imageVersion: string;
  readonly threshold: number;
  readonly maxRows: number;
  /** Bound on the queued rows' encoded size. */
  readonly maxBytes: number;
  readonly batchMax: number;
  readonly flushMs: number;
  /** COPY (PostgreSQL); false: INSERT … json_to_recordset (PGlite's socket has no COPY FROM STDIN). */
  readonly copy: boolean;
  /** What the log holds, for its warnings (default "prediction log"). */
  readonly what?: string;
}

export type DropReason = 'queue_full' | 'shutdown' | 'rejected' | 'unavailable';

export const DROP_REASONS: readonly DropReason[] = ['queue_full', 'shutdown', 'rejected', 'unavailable'];

/** Data errors (class 22) and constraint violations (23) fail again on retry; all else may heal. */
function isPermanent(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

const MAX_BACKOFF_MS = 1000;

/** How often an open statement is sent the rows queued since (see `#flushOnce`). */
const SEND_EVERY_MS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The asynchronous, batched, bounded writer of the prediction log. Predictions never wait on
 * it: each entry is encoded as its row when queued (outside the JavaScript heap, see RowQueue)
 * and rows are written many per statement. While Postgres is away the queue holds what fits
 * (retrying with backoff) and counts what does not; on shutdown it flushes until a deadline and
 * counts the rest. Written + dropped always equals enqueued.
 */
export class PredictionLog<E = LogEntry> {
  readonly #options: PredictionLogOptions;
  readonly #format: RowFormat<E>;
  readonly #c: LogCounters;
  readonly #what: string;
  readonly #queue = new RowQueue();
  #pool: pg.Pool | undefined;
  #unavailable = false;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #started = false;
  #closed = false;
  #backoff = 0;
  #lastWarning = 0;

  /** The prediction log by default; another format and counters make another queued log. */
  constructor(options: PredictionLogOptions, format?: RowFormat<E>, counters?: LogCounters) {
    this.#options = options;
    this.#format = format ?? ((options.copy ? copyFormat : insertFormat)(options) as unknown as RowFormat<E>);
    const m = options.metrics;
    this.#c = counters ?? {
      written: m.logWritten,
      dropped: m.logDropped,
      flushErrors: m.logFlushErrors,
      depth: m.logQueueDepth,
    };
    this.#what = options.what ?? 'prediction log';
  }

  get depth(): number {
    return this.#queue.rows;
  }

  /** Begin writing through `pool` (after the migrations ran); entries queued before are kept. */
  start(pool: pg.Pool): void {
    this.#pool = pool;
    this.#unavailable = false;
    this.#started = true;
    this.#schedule(0);
  }

  /**
   * The database cannot be opened at all (not a passing outage): rows are not queued for it but
   * counted as dropped (`unavailable`) until `start`.
   */
  markUnavailable(): void {
    const queued = this.#queue.clear();
    if (queued > 0) this.#drop('unavailable', queued);
    this.#unavailable = true;
  }

  /**
   * Whether a row with an input of this length would be kept now (queued or written), not
   * dropped: the `reject` overflow policy refuses a request up front when it would not.
   */
  accepts(inputLength: number): boolean {
    return (
      !this.#closed &&
      !this.#unavailable &&
      this.#queue.rows < this.#options.maxRows &&
      this.#queue.bytes + inputLength <= this.#options.maxBytes
    );
  }

  /**
   * Queues the entry's row, or counts it as dropped; false when dropped. With `dropIfFull`
   * false a row that does not fit is neither kept nor counted (the caller refuses the request).
   */
  enqueue(entry: E, dropIfFull = true): boolean {
    // The input dominates a row's size: checked before encoding so a full queue costs nothing.
    if (!this.accepts(this.#format.size(entry))) {
      if (dropIfFull)
        this.#drop(this.#closed ? 'shutdown' : this.#unavailable ? 'unavailable' : 'queue_full', 1);
      return false;
    }
    // The depth gauge is set when /metrics is scraped, not on this hot path.
    this.#queue.push(...this.#format.encode(entry));
    this.#schedule(0);
    return true;
  }

  /** Writes what it can within `timeoutMs`, then counts the remainder as dropped. */
  async close(timeoutMs: number): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const deadline = Date.now() + timeoutMs;
    const flushAll = async () => {
      if (this.#flushing) await this.#flushing;
      while (this.#started && this.#queue.rows > 0 && Date.now() < deadline) {
        const before = this.#queue.rows;
        await this.#flushOnce();
        if (this.#queue.rows >= before) await sleep(Math.min(200, Math.max(0, deadline - Date.now())));
      }
    };
    await Promise.race([flushAll(), sleep(timeoutMs)]);
    const left = this.#queue.clear();
    if (left > 0) this.#drop('shutdown', left);
    this.#c.depth.set(0);
  }

  #drop(reason: DropReason, rows: number): void {
    this.#c.dropped.inc({ reason }, rows);
  }

  /**
   * Starts a statement after `delay` unless one is open or already due; a pending timer is either
   * due or a retry's backoff, which new rows must not cut short.
   */
  #schedule(delay: number): void {
    if (!this.#started || this.#closed || this.#flushing || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flushing = this.#flushOnce().finally(() => {
        this.#flushing = undefined;
        if (this.#queue.rows > 0) this.#schedule(this.#backoff);
      });
    }, delay);
    this.#timer.unref();
  }

  /**
   * One statement, open from the first queued row for up to flushMs (or batchMax rows, or
   * statementBytes) and sent the rows queued since every few milliseconds. Rows stay queued until
   * it commits; a permanent error retries its rows one by one, anything else backs off.
   */
  async #flushOnce(): Promise<void> {
    if (this.#queue.rows === 0) return;
    let rows = 0;
    try {
      const deadline = Date.now() + this.#options.flushMs;
      const statement = await this.#format.open(this.#pool!);
      let bytes = 0;
      for (;;) {
        const batch = this.#queue.peek(
          this.#options.batchMax - rows,
          this.#format.statementBytes - bytes,
          rows,
        );
        if (batch.rows > 0) {
          rows += batch.rows;
          bytes += batch.bytes;
          await statement.send(batch.buffers);
        }
        const left = deadline - Date.now();
        if (
          rows >= this.#options.batchMax ||
          bytes >= this.#format.statementBytes ||
          this.#closed ||
          left <= 0
        )
          break;
        await sleep(Math.min(SEND_EVERY_MS, left));
      }
      await statement.finish();
      this.#remove(rows);
      this.#c.written.inc(rows);
      this.#backoff = 0;
    } catch (err) {
      this.#c.flushErrors.inc();
      if (isPermanent(err) && rows > 0) {
        // One bad row must not hold back the others: write them one by one, drop only the culprits.
        await this.#writeOneByOne(rows);
        return;
      }
      this.#backOff();
      this.#warn(err, Math.max(rows, 1));
    }
  }

  async #writeOneByOne(rows: number): Promise<void> {
    for (let i = 0; i < rows; i++) {
      const row = this.#queue.peek(1, 0);
      try {
        const statement = await this.#format.open(this.#pool!);
        await statement.send(row.buffers);
        await statement.finish();
        this.#c.written.inc();
      } catch (err) {
        if (!isPermanent(err)) {
          this.#backOff();
          this.#warn(err, 1);
          return;
        }
        this.#drop('rejected', 1);
        this.#options.logger.warn(
          { requestId: this.#format.requestId(Buffer.concat(row.buffers)), err: (err as Error).message },
          `${this.#what} row rejected`,
        );
      }
      this.#remove(1);
    }
  }

  /**
   * Doubles the retry delay, 100 ms up to 1 s: the queue fills at the request rate while the
   * database is away, so a recovered database is written to again within a second.
   */
  #backOff(): void {
    this.#backoff = Math.min(MAX_BACKOFF_MS, Math.max(100, this.#backoff * 2));
  }

  #remove(count: number): void {
    this.#queue.shift(count);
    this.#c.depth.set(this.#queue.rows);
  }

  #warn(err: unknown, rows: number): void {
    const now = Date.now();
    if (now - this.#lastWarning < 5000) return;
    this.#lastWarning = now;
    this.#options.logger.warn(
      {
        err: (err as Error).message,
        code: (err as { code?: string }).code,
        rows,
        queued: this.#queue.rows,
      },
      `${this.#what} write failed; rows stay queued and are retried`,
    );
  }
}
