import type pg from 'pg';
import type { PredictionLog } from '../db/prediction-log.ts';
import { ApiError, type ErrorIssue, invalidRequest } from '../errors.ts';
import type { FeedbackEntry } from './feedback-log.ts';
import type { LiveWindow } from './live-window.ts';
import { labelCode, NO_LABEL, type RecentPrediction, type RecentPredictions } from './recent-predictions.ts';
import type { UnwrittenLabels } from './unwritten-labels.ts';

export interface FeedbackItem {
  readonly requestId: string;
  readonly index?: number | undefined;
  readonly survived: boolean;
}

export interface FeedbackResult {
  /** Labels new to the service (queued for the database and scored). */
  readonly recorded: number;
  /** Labels it already had, with the same outcome: nothing changes. */
  readonly unchanged: number;
}

const UNAVAILABLE = new ApiError(
  503,
  'feedback_unavailable',
  'the prediction log cannot be read now to find that request; retry after 1 s',
  [],
  { 'Retry-After': '1' },
);

/** real[] as PostgreSQL returns it through pg: numbers (or strings in older parsers). */
const floats = (values: readonly (number | string | null)[]) =>
  Float32Array.from(values, (v) => (v === null ? Number.NaN : Number(v)));

/**
 * Ground truth for answered predictions. A label names a request id and a passenger index; it
 * is checked against the request (memory first, then the prediction log), scored against the
 * served model's and the shadow's probabilities, and queued for the database like a prediction
 * log row. A batch is all or nothing: any bad, unknown or conflicting label refuses it whole.
 */
export class Feedback {
  #pool: pg.Pool | undefined;

  constructor(
    readonly recent: RecentPredictions,
    readonly live: LiveWindow,
    readonly log: PredictionLog<FeedbackEntry>,
    /** Counted for every label accepted for storage: written + dropped = received. */
    readonly received: { inc(n?: number): void },
    readonly lookupFailures: { inc(n?: number): void },
    /** Labels accepted but perhaps not yet in the database, for predictions memory let go. */
    readonly unwritten: UnwrittenLabels,
  ) {}

  /** The label the service holds for this passenger: in memory, or accepted and not yet readable. */
  #labelOf(prediction: RecentPrediction, requestId: string, index: number): number {
    const held = this.recent.labelAt(prediction, index);
    return held !== NO_LABEL ? held : this.unwritten.get(requestId, index);
  }

  /** The database is ready: labels are written, and older requests are looked up there. */
  start(pool: pg.Pool): void {
    this.#pool = pool;
    this.log.start(pool);
  }

  markUnavailable(): void {
    this.log.markUnavailable();
  }

  async record(items: readonly FeedbackItem[], prefix: string): Promise<FeedbackResult> {
    const found = await this.#find(new Set(items.map((item) => item.requestId)));

    const bad: ErrorIssue[] = [];
    const unknown: ErrorIssue[] = [];
    const conflicts: ErrorIssue[] = [];
    // Labels of this batch, so a batch that contradicts itself is a conflict too.
    const pending = new Map<string, number>();
    const at = (i: number, field: string) => (prefix ? `${prefix}.${i}.${field}` : field);
    items.forEach((item, i) => {
      const prediction = found.get(item.requestId);
      if (!prediction) {
        unknown.push({
          path: at(i, 'requestId'),
          message: `no prediction with request id ${item.requestId}`,
        });
        return;
      }
      const passengers = prediction.probabilities.length;
      if (item.index === undefined && passengers > 1) {
        bad.push({
          path: at(i, 'index'),
          message: `request ${item.requestId} predicted ${passengers} passengers: say which (0 to ${passengers - 1})`,
        });
        return;
      }
      const index = item.index ?? 0;
      if (index >= passengers) {
        bad.push({
          path: at(i, 'index'),
          message: `request ${item.requestId} predicted ${passengers} passenger${passengers > 1 ? 's' : ''}: index must be below ${passengers}`,
        });
        return;
      }
      const key = `${item.requestId}\u0000${index}`;
      const had = pending.get(key) ?? this.#labelOf(prediction, item.requestId, index);
      if (had !== NO_LABEL && had !== labelCode(item.survived))
        conflicts.push({
          path: at(i, 'survived'),
          message: `passenger ${index} of request ${item.requestId} is already labelled survived=${had === labelCode(true)}`,
        });
      pending.set(key, labelCode(item.survived));
    });
    if (bad.length > 0) throw invalidRequest('some feedback does not fit its prediction', bad);
    if (unknown.length > 0)
      throw new ApiError(404, 'unknown_request', 'no prediction has that request id', unknown);
    if (conflicts.length > 0)
      throw new ApiError(409, 'conflicting_label', 'a different label was already given', conflicts);

    let recorded = 0;
    const now = Date.now();
    for (const item of items) {
      const prediction = found.get(item.requestId)!;
      const index = item.index ?? 0;
      if (this.#labelOf(prediction, item.requestId, index) !== NO_LABEL) continue;
      this.recent.setLabel(prediction, index, labelCode(item.survived));
      this.unwritten.add(item.requestId, index, labelCode(item.survived));
      recorded++;
      this.live.add(prediction.modelVersion, prediction.probabilities[index]!, item.survived);
      const shadow = prediction.shadow;
      if (shadow) this.live.add(shadow.version, shadow.probabilities[index]!, item.survived);
      this.received.inc();
      this.log.enqueue({ requestId: item.requestId, index, survived: item.survived, at: now });
    }
    return { recorded, unchanged: items.length - recorded };
  }

  /**
   * The predictions of these request ids (undefined for an unknown one): from memory, and those
   * it no longer holds from the prediction log, all in two queries however many there are.
   */
  async #find(requestIds: ReadonlySet<string>): Promise<Map<string, RecentPrediction | undefined>> {
    const found = new Map<string, RecentPrediction | undefined>();
    const missing: string[] = [];
    for (const id of requestIds) {
      const recent = this.recent.get(id);
      if (recent) found.set(id, recent);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    const pool = this.#pool;
    if (!pool) {
      this.lookupFailures.inc();
      throw UNAVAILABLE;
    }
    let logged: LoggedPrediction[];
    let labelled: { request_id: string; position: number; survived: boolean }[];
    try {
      [logged, labelled] = await Promise.all([
        pool
          .query<LoggedPrediction>(
            `SELECT DISTINCT ON (request_id)
                    request_id, model_version, probabilities, shadow_model_version, shadow_probabilities
             FROM prediction_log WHERE request_id = ANY($1) ORDER BY request_id, id DESC`,
            [missing],
          )
          .then((r) => r.rows),
        pool
          .query<{ request_id: string; position: number; survived: boolean }>(
            'SELECT request_id, position, survived FROM prediction_feedback WHERE request_id = ANY($1)',
            [missing],
          )
          .then((r) => r.rows),
      ]);
    } catch {
      this.lookupFailures.inc();
      throw UNAVAILABLE;
    }
    const labelsOf = new Map<string, { position: number; survived: boolean }[]>();
    for (const l of labelled) {
      const of = labelsOf.get(l.request_id);
      if (of) of.push(l);
      else labelsOf.set(l.request_id, [l]);
    }
    for (const id of missing) found.set(id, undefined);
    for (const row of logged) {
      const probabilities = floats(row.probabilities);
      const labels = new Uint8Array(probabilities.length);
      for (const l of labelsOf.get(row.request_id) ?? [])
        if (l.position < labels.length) labels[l.position] = labelCode(l.survived);
      const prediction: RecentPrediction = {
        modelVersion: row.model_version,
        probabilities,
        shadow:
          row.shadow_model_version && row.shadow_probabilities
            ? { version: row.shadow_model_version, probabilities: floats(row.shadow_probabilities) }
            : undefined,
        labels,
      };
      this.recent.put(row.request_id, prediction);
      // The entry kept is the one later labels must reach.
      found.set(row.request_id, this.recent.get(row.request_id) ?? prediction);
    }
    return found;
  }
}

/** A prediction log row as the lookup reads it. */
interface LoggedPrediction {
  readonly request_id: string;
  readonly model_version: string;
  readonly probabilities: (number | string | null)[];
  readonly shadow_model_version: string | null;
  readonly shadow_probabilities: (number | string | null)[] | null;
}
