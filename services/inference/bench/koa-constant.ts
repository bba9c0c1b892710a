import type { AddressInfo } from 'node:net';
import { Router } from '@koa/router';
import Koa from 'koa';
import { readJson } from '../src/http/read-json.ts';

// Baseline: Koa with @koa/router and the service's body reader, answering a constant.
const ANSWER = {
  survived: false,
  probability: 0.11,
  model: { name: 'titanic', version: 'x' },
  requestId: 'r',
};

const app = new Koa();
const router = new Router();
router.post('/v1/predict', async (ctx) => {
  await readJson(ctx);
  ctx.body = ANSWER;
});
app.use(router.routes());
app.use(router.allowedMethods());
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => process.exit(0));
