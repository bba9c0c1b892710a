import type { Passenger } from '@titanic/features';
import { invalidRequest, issuesFromZod } from '../errors.ts';
import type { AppMiddleware, AppRouter } from './context.ts';
import type { AppDeps } from './deps.ts';
import { isPlainPassenger, plainPassengers } from './passenger-check.ts';
import { readJson } from './read-json.ts';
import { batchRequest, passenger } from './schemas.ts';

const round = (p: number) => Math.round(p * 10_000) / 10_000;

/** The body as passengers: one object, or `{"passengers": [...]}`, with per-field errors. */
function parsePassengers(body: unknown): { passengers: Passenger[]; single: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalidRequest('request body must be a passenger object or {"passengers": [ ... ]}');
  if ('passengers' in body) {
    const plain = plainPassengers(body);
    if (plain) return { passengers: plain, single: false };
    const parsed = batchRequest.safeParse(body);
    if (!parsed.success) throw invalidRequest('some passengers are not valid', issuesFromZod(parsed.error));
    return { passengers: parsed.data.passengers, single: false };
  }
  if (isPlainPassenger(body)) return { passengers: [body], single: true };
  const parsed = passenger.safeParse(body);
  if (!parsed.success) throw invalidRequest('the passenger is not valid', issuesFromZod(parsed.error));
  return { passengers: [parsed.data], single: true };
}

/**
 * The `[...]` of a validated `{"passengers": [...]}` body, as sent, sparing a second
 * serialisation. The strict schema allows no other key; when the text is not plainly that one
 * key (duplicates, escapes), the parsed list is serialised instead.
 */
function passengersText(text: string, passengers: readonly Passenger[]): string {
  const start = text.indexOf('"passengers"');
  const plain =
    start === text.lastIndexOf('"passengers"') &&
    /^\s*\{\s*"passengers"\s*:\s*\[/.test(text) &&
    endsWith(text, ']}');
  return plain ? text.slice(text.indexOf('['), text.lastIndexOf(']') + 1) : JSON.stringify(passengers);
}

/** Whether the text ends with these characters, whitespace between and after them ignored. */
function endsWith(text: string, chars: string): boolean {
  let i = text.length - 1;
  for (let c = chars.length - 1; c >= 0; c--) {
    while (i >= 0 && /\s/.test(text[i]!)) i--;
    if (text[i] !== chars[c]) return false;
    i--;
  }
  return true;
}

/**
 * POST /v1/predict: named passenger fields in, survival probabilities out, in input order.
 * Returns the route's handler (after the guard) for the application's direct dispatch.
 */
export function registerPredictV1(router: AppRouter, deps: AppDeps, guard: AppMiddleware): AppMiddleware {
  const { predictor, policy } = deps;
  const model = { name: 'titanic', version: predictor.version } as const;
  const modelJson = JSON.stringify(model);
  const handler: AppMiddleware = async (ctx) => {
    const at = Date.now();
    const body = await readJson(ctx);
    if (!body || !policy.admits(ctx, body.text.length)) return;
    const { passengers, single } = parsePassengers(body.json);
    const n = passengers.length;
    ctx.state.passengers = n;
    const features = predictor.encode(passengers);
    const { probabilities, shadow: shadowed } = await predictor.predict(features, n, 'v1', passengers);
    const { requestId } = ctx.state;
    const kept = policy.record(ctx, {
      requestId,
      at,
      api: 'v1',
      passengers: n,
      input: single ? `[${body.text}]` : passengersText(body.text, passengers),
      probabilities,
      latencyMs: performance.now() - ctx.state.startedAt,
      shadow: shadowed && { version: predictor.shadow!.version, probabilities: shadowed },
    });
    if (!kept) return;
    const threshold = predictor.threshold;
    if (single) {
      const p = probabilities[0]!;
      ctx.body = { survived: p >= threshold, probability: round(p), model, requestId };
    } else {
      // Written as text: a 10,000-passenger answer would otherwise be 10,000 short-lived objects.
      let predictions = '';
      for (let i = 0; i < n; i++) {
        const p = probabilities[i]!;
        predictions += `${i === 0 ? '' : ','}{"survived":${p >= threshold},"probability":${round(p)}}`;
      }
      ctx.type = 'application/json';
      ctx.body = `{"predictions":[${predictions}],"model":${modelJson},"requestId":${JSON.stringify(requestId)}}`;
    }
  };
  router.post('/v1/predict', guard, handler);
  return handler;
}
