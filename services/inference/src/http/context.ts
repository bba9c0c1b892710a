import type { Router } from '@koa/router';
import type Koa from 'koa';

/** What the middleware chain learns about a request, in `ctx.state`. */
export interface RequestState {
  /** Set by `observe` before anything else runs: the client's X-Request-Id or a new UUID. */
  requestId: string;
  /** `performance.now()` when `observe` received the request. */
  startedAt: number;
  /** Passengers in a prediction request, for the access log. */
  passengers?: number;
  /**
   * The route pattern for metrics and logs when the request bypassed the router (the direct
   * dispatch of POST /v1/predict); otherwise the router's own match is used.
   */
  route?: string;
}

/** No fields are added to Koa's context: request data lives in `ctx.state`. */
export type AppContext = Koa.DefaultContext;

export type App = Koa<RequestState, AppContext>;
export type AppMiddleware = Koa.Middleware<RequestState, AppContext>;
export type AppRouter = Router<RequestState, AppContext>;
export type RequestContext = Koa.ParameterizedContext<RequestState, AppContext>;
