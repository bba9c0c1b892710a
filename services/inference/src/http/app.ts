import { Router } from '@koa/router';
import Koa from 'koa';
import packageJson from '../../package.json' with { type: 'json' };
import type { App, RequestState } from './context.ts';
import type { AppDeps } from './deps.ts';
import { registerFeedbackV1 } from './feedback-v1.ts';
import { guard } from './guard.ts';
import { registerLiveV1 } from './live-v1.ts';
import { observe, PAGE_HEADERS } from './observe.ts';
import { registerOipV2 } from './oip-v2.ts';
import { buildOpenApi } from './openapi.ts';
import { registerPredictV1 } from './predict-v1.ts';
import { loadAssets } from './static-assets.ts';

/** The Koa application: one outer middleware (ids, headers, errors, metrics, access log), then routes. */
export function createApp(deps: AppDeps): App {
  const { config, metrics, predictor, logger } = deps;
  // Only the entries the trusted proxies appended count: anything left of them is what the
  // client wrote into X-Forwarded-For itself.
  const app: App = new Koa<RequestState>({ proxy: config.proxyHops > 0, maxIpsCount: config.proxyHops });
  // Errors never escape `observe`; this only sees socket-level trouble after a response started.
  app.on('error', (err: Error) => logger.warn({ err: err.message }, 'response error'));
  app.silent = true;

  const router = new Router<RequestState>();
  const protect = guard(config);
  const predictV1 = registerPredictV1(router, deps, protect);
  registerOipV2(router, deps, protect);
  registerFeedbackV1(router, deps.feedback, protect);
  registerLiveV1(router, {
    served: predictor.model.metadata,
    shadow: predictor.shadow,
    live: deps.feedback.live,
  });

  const openapi = JSON.stringify(
    buildOpenApi({ version: packageJson.version, modelVersion: predictor.version }),
  );
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openapi;
  });
  const scrape = deps.scrape;
  if (scrape)
    router.get('/metrics', async (ctx) => {
      ctx.type = scrape.contentType;
      ctx.body = await scrape.text();
    });
  for (const [path, asset] of loadAssets()) {
    router.get(path, (ctx) => {
      ctx.type = asset.type;
      ctx.set(PAGE_HEADERS);
      ctx.body = asset.body;
    });
  }

  app.use(observe({ metrics, logger, access: deps.access }));
  // Predictions are nearly all the traffic: this exact path goes straight to the route's guard
  // and handler, sparing the router's matching and middleware chain (the router keeps the same
  // route for every other spelling, 405s and the Allow header).
  app.use((ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== '/v1/predict') return next();
    ctx.state.route = '/v1/predict';
    return protect(ctx, () => predictV1(ctx, next));
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
