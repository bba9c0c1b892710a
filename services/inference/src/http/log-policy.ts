import type { LogEntry, PredictionLog } from '../db/prediction-log.ts';
import type { RecentPredictions } from '../feedback/recent-predictions.ts';
import type { RequestContext } from './context.ts';
import { type Rejection, refuse } from './refuse.ts';

const LOG_FULL: Rejection = {
  status: 503,
  code: 'log_unavailable',
  message: 'the prediction log cannot take this request now; retry after 1 s',
  headers: { 'Retry-After': '1' },
};

/**
 * The prediction log's overflow policy for one request. `drop`: a prediction is always served
 * and a row the log cannot keep is counted as dropped. `reject`: nothing is served unlogged; a
 * request is answered 503 with Retry-After when its row cannot be kept.
 */
export class LogPolicy {
  constructor(
    readonly log: PredictionLog,
    readonly overflow: 'drop' | 'reject',
    /** Where served predictions are remembered for feedback, with the served model's version. */
    readonly recent: { readonly memory: RecentPredictions; readonly modelVersion: string },
  ) {}

  /** Before predicting: false (503 written) when the row of an input this long would not be kept. */
  admits(ctx: RequestContext, inputLength: number): boolean {
    if (this.overflow === 'drop' || this.log.accepts(inputLength)) return true;
    refuse(ctx, LOG_FULL);
    return false;
  }

  /** After predicting, before answering: false (503 written) when the row was not kept under `reject`. */
  record(ctx: RequestContext, entry: LogEntry): boolean {
    if (!this.log.enqueue(entry, this.overflow === 'drop') && this.overflow === 'reject') {
      refuse(ctx, LOG_FULL);
      return false;
    }
    this.recent.memory.add(entry.requestId, this.recent.modelVersion, entry.probabilities, entry.shadow);
    return true;
  }
}
