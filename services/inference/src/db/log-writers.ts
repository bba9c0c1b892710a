import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { isoTimeFormatter } from '../telemetry/iso-time.ts';
import type { LogEntry } from './prediction-log.ts';

/** The per-process values every row carries. */
export interface PerProcessFields {
  readonly environment: string;
  readonly modelVersion: string;
  readonly imageVersion: string;
  readonly threshold: number;
}

const COLUMNS =
  'request_id, logged_at, environment, model_version, image_version, api, passengers, input, probabilities, labels, latency_ms, shadow_model_version, shadow_probabilities';

// COPY in text format: PostgreSQL parses each value once (the JSON text checked into json),
// which measured 2.6 times cheaper on the server than the INSERT below for the same rows; that
// CPU is shared with the request path.
const COPY = `COPY prediction_log (${COLUMNS}) FROM STDIN`;

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value for COPY's text format: backslash, tab, newline and return escaped. */
function copyText(value: string): string {
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]!) : value;
}

/** How a format spells a missing (non-finite) probability and the two labels. */
interface Literals {
  readonly nil: string;
  readonly yes: string;
  readonly no: string;
}

/** Probabilities and, unless `labels` is false (the list stays empty), labels as array element lists. */
function arrays(
  probabilities: Float32Array,
  threshold: number,
  literals: Literals,
  labels = true,
): [string, string] {
  const { nil, yes, no } = literals;
  let p = '';
  let l = '';
  for (let j = 0; j < probabilities.length; j++) {
    const v = probabilities[j]!;
    const sep = j === 0 ? '' : ',';
    p += sep + (Number.isFinite(v) ? v : nil);
    if (labels) l += sep + (v >= threshold ? yes : no);
  }
  return [p, l];
}

/**
 * How rows are encoded when queued and written when flushed: COPY text for PostgreSQL, JSON
 * objects for the prepared INSERT. Encoding happens once, at enqueue time.
 */
export interface RowFormat<E = LogEntry> {
  /** About the most bytes of rows one statement carries (at least one row). */
  readonly statementBytes: number;
  /** The part of an entry's size that decides whether it fits the queue (a log row's input). */
  size(entry: E): number;
  /** The entry as one row (with its terminator), in parts: before the input, the input, after it. */
  encode(entry: E): [string, string, string];
  /** The request id of an encoded row (for the warning about a rejected row). */
  requestId(row: Buffer): string;
  /** Starts a statement that stores the rows sent into it when it finishes. */
  open(pool: pg.Pool): Promise<RowStream>;
}

/** An open statement: rows sent into it are stored together when it finishes. */
export interface RowStream {
  /** Sends rows; resolves when the connection can take more. */
  send(rows: readonly Buffer[]): Promise<void>;
  /** Ends the statement; resolves once the database has committed every row sent. */
  finish(): Promise<void>;
}

/**
 * One COPY is in flight at a time, so it must carry enough to keep up with 1,000-passenger
 * requests (each such row costs PostgreSQL ~1.7 ms of CPU); the rows are sent from
 * the queue's buffers, not copied.
 */
const COPY_STATEMENT_BYTES = 4 * 1024 * 1024;

/** PGlite runs inside this process: a statement blocks the event loop while it executes. */
const INSERT_STATEMENT_BYTES = 512 * 1024;

/** What sets one format apart: its literals, the framing of a row and how a statement runs. */
interface FormatParts extends Pick<RowFormat, 'statementBytes' | 'requestId' | 'open'> {
  readonly literals: Literals;
  /** The row in parts, from the entry and its lists (`shadow`: the shadow's probabilities, when scored). */
  row(
    e: LogEntry,
    probabilities: string,
    labels: string,
    shadow: string | undefined,
  ): [string, string, string];
}

function rowFormat(perProcess: PerProcessFields, parts: FormatParts): RowFormat {
  const { threshold } = perProcess;
  const { literals, row } = parts;
  return {
    statementBytes: parts.statementBytes,
    size: (e) => e.input.length,
    encode(e) {
      const [p, l] = arrays(e.probabilities, threshold, literals);
      // The shadow's labels are not stored: they follow from its probabilities and the threshold.
      return row(e, p, l, e.shadow && arrays(e.shadow.probabilities, threshold, literals, false)[0]);
    },
    requestId: parts.requestId,
    open: parts.open,
  };
}

export function copyFormat(perProcess: PerProcessFields): RowFormat {
  const fixed = `\t${copyText(perProcess.environment)}\t${copyText(perProcess.modelVersion)}\t${copyText(perProcess.imageVersion)}\t`;
  const isoTime = isoTimeFormatter();
  return rowFormat(perProcess, {
    statementBytes: COPY_STATEMENT_BYTES,
    literals: { nil: 'NULL', yes: 't', no: 'f' },
    row: (e, p, l, shadow) => [
      `${copyText(e.requestId)}\t${isoTime(e.at)}${fixed}${e.api}\t${e.passengers}\t`,
      copyText(e.input),
      `\t{${p}}\t{${l}}\t${e.latencyMs}\t${e.shadow ? `${copyText(e.shadow.version)}\t{${shadow}}` : '\\N\t\\N'}\n`,
    ],
    requestId: (row) => row.toString('utf8', 0, row.indexOf(9)),
    // Rows go to PostgreSQL as they are sent, so it parses them in small steps rather than in
    // one burst per statement.
    open: openCopy,
  });
}

async function openCopy(pool: pg.Pool): Promise<RowStream> {
  const client = await pool.connect();
  // A checked-out client reports a broken connection as an 'error' event (the pool listens only
  // while it is idle); unheard, that event would end the process. The COPY fails with it too.
  const ignore = () => undefined;
  client.on('error', ignore);
  const copy = client.query(copyFrom(COPY));
  // The connection goes back to the pool once the COPY has committed ('finish', after
  // PostgreSQL's ReadyForQuery) or failed; a failure before `finish` surfaces in `send`.
  let failure: Error | undefined;
  const done = finished(copy).then(
    () => {
      client.off('error', ignore);
      client.release();
    },
    (err: Error) => {
      failure = err;
      client.off('error', ignore);
      // A failed COPY may leave the connection mid-protocol: never hand it out again.
      client.release(err);
      throw err;
    },
  );
  done.catch(() => undefined);
  return {
    async send(rows) {
      if (failure) throw failure;
      let room = true;
      for (const row of rows) room = copy.write(row);
      if (!room) await Promise.race([once(copy, 'drain'), done]);
    },
    finish() {
      copy.end();
      return done;
    },
  };
}

// One statement with a fixed parameter list: the rows travel as
// one JSON document assembled from the already-serialised inputs (no per-value escaping) and
// json_to_recordset turns it back into rows on the server.
const INSERT = `INSERT INTO prediction_log (${COLUMNS})
SELECT r, to_timestamp(t / 1000.0), $1, $2, $3, a, n, i, p, l, ms, sv, sp
FROM json_to_recordset($4::json) AS x(r text, t float8, a text, n integer, i json, p real[], l boolean[], ms real, sv text, sp real[])`;

export function insertFormat(perProcess: PerProcessFields): RowFormat {
  return rowFormat(perProcess, {
    statementBytes: INSERT_STATEMENT_BYTES,
    literals: { nil: 'null', yes: 'true', no: 'false' },
    row: (e, p, l, shadow) => [
      `{"r":${JSON.stringify(e.requestId)},"t":${e.at},"a":"${e.api}","n":${e.passengers},"i":`,
      e.input,
      `,"p":[${p}],"l":[${l}],"ms":${e.latencyMs}${e.shadow ? `,"sv":${JSON.stringify(e.shadow.version)},"sp":[${shadow}]` : ''}},`,
    ],
    requestId: (row) => (JSON.parse(row.toString('utf8', 0, row.length - 1)) as { r: string }).r,
    open: (pool) =>
      openJsonRows(pool, INSERT, [perProcess.environment, perProcess.modelVersion, perProcess.imageVersion]),
  });
}

/**
 * A statement whose last parameter is the JSON array of the rows sent (each ending in a comma),
 * run once they are all collected: PGlite executes in this process, and small logs need no COPY.
 */
export async function openJsonRows(
  pool: pg.Pool,
  sql: string,
  params: readonly unknown[],
): Promise<RowStream> {
  const rows: Buffer[] = [];
  return {
    async send(more) {
      rows.push(...more);
    },
    async finish() {
      const json = Buffer.concat(rows);
      // Rows end in a comma: the last one becomes the closing bracket.
      json[json.length - 1] = 0x5d;
      // Unnamed: PGlite keeps prepared statements in one session shared by every socket
      // connection, so a named one outlives the connection that prepared it and the next
      // connection's PREPARE fails ("prepared statement already exists").
      await pool.query(sql, [...params, `[${json.toString('utf8')}`]);
    },
  };
}
