import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import { invalidRequest, issuesFromZod } from '../errors.ts';
import type { Feedback, FeedbackItem } from '../feedback/feedback.ts';
import { feedbackBatch, feedbackItem } from './feedback-schemas.ts';
import { readJson } from './read-json.ts';

/** The body as labels: one `{requestId, index?, survived}`, or `{"feedback": [...]}`. */
function parseFeedback(body: unknown): { items: FeedbackItem[]; prefix: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalidRequest('request body must be {"requestId", "index", "survived"} or {"feedback": [ ... ]}');
  if ('feedback' in body) {
    const parsed = feedbackBatch.safeParse(body);
    if (!parsed.success) throw invalidRequest('some labels are not valid', issuesFromZod(parsed.error));
    return { items: parsed.data.feedback, prefix: 'feedback' };
  }
  const parsed = feedbackItem.safeParse(body);
  if (!parsed.success) throw invalidRequest('the label is not valid', issuesFromZod(parsed.error));
  return { items: [parsed.data], prefix: '' };
}

/** POST /v1/feedback: what became of predicted passengers, authenticated like predictions. */
export function registerFeedbackV1(router: Router, feedback: Feedback, guard: Middleware): void {
  router.post('/v1/feedback', guard, async (ctx) => {
    const body = await readJson(ctx);
    if (!body) return;
    const { items, prefix } = parseFeedback(body.json);
    ctx.body = await feedback.record(items, prefix);
  });
}
