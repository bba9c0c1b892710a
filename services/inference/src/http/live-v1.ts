import type { Router } from '@koa/router';
import type { ModelMetadata } from '@titanic/features';
import type { LiveWindow } from '../feedback/live-window.ts';
import type { Shadow } from '../model/shadow.ts';

const card = (m: ModelMetadata) => ({ accuracy: m.metrics.cv.accuracy.mean, brier: m.metrics.cv.brier.mean });

/**
 * GET /v1/live: how the served model and the shadow (if any) fare on this replica's labelled
 * predictions, beside their model cards' cross-validated figures, and how often the two agree.
 * Aggregates only, no passenger data: open like /metrics.
 */
export function registerLiveV1(
  router: Router,
  deps: { served: ModelMetadata; shadow: Shadow | undefined; live: LiveWindow },
): void {
  const { served, shadow, live } = deps;
  router.get('/v1/live', (ctx) => {
    ctx.body = {
      model: { version: served.version, live: live.scores(served.version) ?? null, card: card(served) },
      shadow: shadow
        ? {
            version: shadow.version,
            live: live.scores(shadow.version) ?? null,
            card: card(shadow.metadata),
            comparison: shadow.window.stats() ?? null,
          }
        : null,
    };
  });
}
