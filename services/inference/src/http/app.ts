import { Router } from '@koa/router';
import Koa from 'koa';
import packageJson from '../../package.json' with { type: 'json' };
import type { AppDeps } from './deps.ts';
import { guard } from './guard.ts';
import { observe, PAGE_HEADERS } from './observe.ts';
import { registerOipV2 } from './oip-v2.ts';
import { buildOpenApi } from './openapi.ts';
import { registerPredictV1 } from './predict-v1.ts';
import { loadAssets } from './static-assets.ts';

/** The Koa application: one outer middleware (ids, headers, errors, metrics, access log), then routes. */
export function createApp(deps: AppDeps): Koa {
  const { config, metrics, drift, predictor, logger } = deps;
  const app = new Koa({ proxy: config.trustProxy });
  // Errors never escape `observe`; this only sees socket-level trouble after a response started.
  app.on('error', (err: Error) => logger.warn({ err: err.message }, 'response error'));
  app.silent = true;

  const router = new Router();
  const protect = guard(config);
  registerPredictV1(router, deps, protect);
  registerOipV2(router, deps, protect);

  const openapi = JSON.stringify(
    buildOpenApi({ version: packageJson.version, modelVersion: predictor.version }),
  );
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openapi;
  });
  router.get('/metrics', async (ctx) => {
    metrics.featurePsi.reset();
    for (const { feature, value } of drift.psi()) metrics.featurePsi.set({ feature }, value);
    const rate = drift.positiveRate();
    if (rate !== undefined) metrics.servedPositiveRate.set(rate);
    metrics.logQueueDepth.set(deps.predictionLog.depth);
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  for (const [path, asset] of loadAssets()) {
    router.get(path, (ctx) => {
      ctx.type = asset.type;
      ctx.set(PAGE_HEADERS);
      ctx.body = asset.body;
    });
  }

  app.use(observe({ metrics, logger }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
