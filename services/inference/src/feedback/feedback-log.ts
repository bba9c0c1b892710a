import { openJsonRows, type RowFormat } from '../db/log-writers.ts';

/** One label as queued for the database. */
export interface FeedbackEntry {
  readonly requestId: string;
  readonly index: number;
  readonly survived: boolean;
  /** Epoch milliseconds when the label arrived. */
  readonly at: number;
}

// Labels are few and small next to predictions: one INSERT of a JSON document serves both the
// embedded database and PostgreSQL. A label already stored (a retry after an answer was lost)
// is a no-op, so the write is idempotent end to end.
const INSERT = `INSERT INTO prediction_feedback (request_id, position, survived, received_at, environment)
SELECT r, i, s, to_timestamp(t / 1000.0), $1
FROM json_to_recordset($2::json) AS x(r text, i integer, s boolean, t float8)
ON CONFLICT (request_id, position) DO NOTHING`;

export function feedbackFormat(environment: string): RowFormat<FeedbackEntry> {
  return {
    statementBytes: 256 * 1024,
    size: (e) => e.requestId.length + 48,
    encode(e) {
      return [`{"r":${JSON.stringify(e.requestId)},"i":${e.index},"s":${e.survived},"t":${e.at}},`, '', ''];
    },
    requestId(row) {
      return (JSON.parse(row.toString('utf8', 0, row.length - 1)) as { r: string }).r;
    },
    open: (pool) => openJsonRows(pool, INSERT, [environment]),
  };
}
