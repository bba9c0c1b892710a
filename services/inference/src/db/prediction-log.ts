import type pg from 'pg';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { writeByCopy, writeByInsert } from './log-writers.ts';

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
}

export interface PredictionLogOptions {
  readonly pool: pg.Pool;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly environment: string;
  readonly modelVersion: string;
  readonly imageVersion: string;
  readonly threshold: number;
  readonly maxRows: number;
  readonly maxBytes: number;
  readonly batchMax: number;
  readonly flushMs: number;
  /** COPY (PostgreSQL); false: INSERT … json_to_recordset (PGlite's socket has no COPY FROM STDIN). */
  readonly copy: boolean;
}

export type DropReason = 'queue_full' | 'shutdown' | 'rejected';

/** Data errors (class 22) and constraint violations (23) fail again on retry; all else may heal. */
function isPermanent(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/** Large requests make large rows: a statement carries about this much input at most. */
const BATCH_BYTES = 512 * 1024;

const MAX_BACKOFF_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The asynchronous, batched, bounded writer of the prediction log. Predictions never wait on
 * it: entries queue in memory and are written in multi-row inserts. While Postgres is away the
 * queue holds what fits (retrying with backoff) and counts what does not; on shutdown it flushes
 * until a deadline and counts the rest. Written + dropped always equals enqueued.
 */
export class PredictionLog {
  readonly #o: PredictionLogOptions;
  #queue: LogEntry[] = [];
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #started = false;
  #closed = false;
  #backoff = 0;
  #lastWarning = 0;

  constructor(options: PredictionLogOptions) {
    this.#o = options;
  }

  get depth(): number {
    return this.#queue.length;
  }

  /** Begin writing (after the migrations ran); entries queued before are kept. */
  start(): void {
    this.#started = true;
    this.#schedule(0);
  }

  enqueue(entry: LogEntry): void {
    if (this.#closed) {
      this.#drop('shutdown', 1);
      return;
    }
    if (this.#queue.length >= this.#o.maxRows || this.#bytes + entry.input.length > this.#o.maxBytes) {
      this.#drop('queue_full', 1);
      return;
    }
    this.#queue.push(entry);
    this.#bytes += entry.input.length;
    this.#o.metrics.logQueueDepth.set(this.#queue.length);
    this.#schedule(this.#full() ? 0 : this.#o.flushMs);
  }

  /** Writes what it can within `timeoutMs`, then counts the remainder as dropped. */
  async close(timeoutMs: number): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
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
    if (left > 0) this.#drop('shutdown', left);
    this.#o.metrics.logQueueDepth.set(0);
  }

  /** Enough queued for a full statement: write now rather than after flushMs. */
  #full(): boolean {
    return this.#queue.length >= this.#o.batchMax || this.#bytes >= BATCH_BYTES;
  }

  #drop(reason: DropReason, rows: number): void {
    this.#o.metrics.logDropped.inc({ reason }, rows);
  }

  #schedule(delay: number): void {
    if (!this.#started || this.#closed || this.#flushing) return;
    if (this.#timer) {
      if (delay > 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flushing = this.#flushOnce().finally(() => {
        this.#flushing = undefined;
        if (this.#queue.length > 0) this.#schedule(this.#backoff || (this.#full() ? 0 : this.#o.flushMs));
      });
    }, delay);
    this.#timer.unref();
  }

  /** The oldest entries up to batchMax rows and about BATCH_BYTES of input (at least one row). */
  #nextBatch(): LogEntry[] {
    let bytes = 0;
    let count = 0;
    const limit = Math.min(this.#queue.length, this.#o.batchMax);
    while (count < limit && (count === 0 || bytes + this.#queue[count]!.input.length <= BATCH_BYTES)) {
      bytes += this.#queue[count]!.input.length;
      count++;
    }
    return this.#queue.slice(0, count);
  }

  async #flushOnce(): Promise<void> {
    const batch = this.#nextBatch();
    if (batch.length === 0) return;
    try {
      await this.#write(batch);
      this.#remove(batch.length);
      this.#o.metrics.logWritten.inc(batch.length);
      this.#backoff = 0;
    } catch (err) {
      this.#o.metrics.logFlushErrors.inc();
      if (isPermanent(err)) {
        // One bad row must not hold back the others: write them one by one, drop only the culprits.
        await this.#writeOneByOne(batch);
        return;
      }
      this.#backOff();
      this.#warn(err, batch.length);
    }
  }

  async #writeOneByOne(batch: LogEntry[]): Promise<void> {
    for (const entry of batch) {
      try {
        await this.#write([entry]);
        this.#o.metrics.logWritten.inc();
      } catch (err) {
        if (!isPermanent(err)) {
          this.#backOff();
          this.#warn(err, 1);
          return;
        }
        this.#drop('rejected', 1);
        this.#o.logger.warn(
          { requestId: entry.requestId, err: (err as Error).message },
          'prediction log row rejected',
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
    for (const e of this.#queue.splice(0, count)) this.#bytes -= e.input.length;
    this.#o.metrics.logQueueDepth.set(this.#queue.length);
  }

  #warn(err: unknown, rows: number): void {
    const now = Date.now();
    if (now - this.#lastWarning < 5000) return;
    this.#lastWarning = now;
    this.#o.logger.warn(
      {
        err: (err as Error).message,
        code: (err as { code?: string }).code,
        rows,
        queued: this.#queue.length,
      },
      'prediction log write failed; rows stay queued and are retried',
    );
  }

  #write(batch: readonly LogEntry[]): Promise<void> {
    return (this.#o.copy ? writeByCopy : writeByInsert)(this.#o.pool, batch, this.#o);
  }
}
