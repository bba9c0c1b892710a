import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * GitHub's published REST description (@octokit/openapi), used to check every request the bot
 * sends and every response the fake server returns. The description is 13 MB: it is parsed once
 * per process and only the operations actually served are compiled, each once.
 */
type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Json;
}
interface Operation {
  operationId: string;
  parameters?: Array<Parameter | { $ref: string }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: Json }> }>;
}

export interface ServedOperation {
  readonly operationId: string;
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  readonly paramNames: readonly string[];
}

export interface Violation {
  readonly operationId: string;
  readonly where: 'request' | 'response';
  readonly message: string;
}

const require = createRequire(import.meta.url);
let spec: { paths: Record<string, Record<string, Operation>>; components: Json } | undefined;
let bodyAjv: Ajv | undefined;
let paramAjv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function load() {
  if (!spec) {
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    spec = normaliseNullable(JSON.parse(readFileSync(file, 'utf8')));
    // The description is OpenAPI 3.0: `nullable` is understood by Ajv; vendor keys are ignored.
    bodyAjv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
    addFormats.default(bodyAjv);
    bodyAjv.addFormat('repo.nwo', /^[^/]+\/[^/]+$/);
    bodyAjv.addSchema(spec as object, 'gh');
    paramAjv = new Ajv({ strict: false, coerceTypes: true, allErrors: true });
    addFormats.default(paramAjv);
  }
  return { spec: spec!, bodyAjv: bodyAjv!, paramAjv: paramAjv! };
}

/**
 * OpenAPI 3.0 `nullable` only works beside `type` in Ajv; GitHub's description also puts it on
 * `allOf`/`anyOf`/`$ref` nodes, which mean "this schema, or null".
 */
function normaliseNullable<T>(node: T): T {
  if (Array.isArray(node)) return node.map(normaliseNullable) as T;
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = normaliseNullable(v);
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _n, ...rest } = out;
    return { anyOf: [rest, { type: 'null' }] } as T;
  }
  return out as T;
}

/** Local refs inside an inline schema point into the description, registered as `gh`. */
function anchor(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(anchor);
  if (schema && typeof schema === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(schema)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `gh${v}` : anchor(v);
    }
    return out;
  }
  return schema;
}

function resolve<T>(node: T | { $ref: string }): T {
  const ref = (node as { $ref?: string }).$ref;
  if (!ref) return node as T;
  let cur: unknown = load().spec;
  for (const part of ref.slice(2).split('/'))
    cur = (cur as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return cur as T;
}

function operation(method: string, template: string): Operation {
  const op = load().spec.paths[template]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${template} is not in GitHub's REST description`);
  return op;
}

/** A path template such as /repos/{owner}/{repo}/git/ref/{ref}; `greedy` params may hold slashes. */
export function serve(method: string, template: string, greedy: readonly string[] = []): ServedOperation {
  const op = operation(method, template);
  const paramNames: string[] = [];
  const source = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    paramNames.push(name);
    return greedy.includes(name) ? '(.+)' : '([^/]+)';
  });
  return { operationId: op.operationId, method, template, pattern: new RegExp(`^${source}$`), paramNames };
}

function validator(key: string, make: () => ValidateFunction): ValidateFunction {
  let fn = compiled.get(key);
  if (!fn) {
    fn = make();
    compiled.set(key, fn);
  }
  return fn;
}

function describe(fn: ValidateFunction): string {
  return (fn.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('; ');
}

/** Checks path and query parameters and the JSON body; returns problems, empty when valid. */
export function checkRequest(
  served: ServedOperation,
  params: Record<string, string>,
  query: Record<string, string>,
  body: unknown,
): string[] {
  const op = operation(served.method, served.template);
  const problems: string[] = [];
  const declared = (op.parameters ?? []).map((p) => resolve<Parameter>(p));
  for (const where of ['path', 'query'] as const) {
    const list = declared.filter((p) => p.in === where);
    const values = where === 'path' ? params : query;
    const fn = validator(`${served.operationId}:${where}`, () =>
      load().paramAjv.compile({
        type: 'object',
        properties: Object.fromEntries(list.map((p) => [p.name, p.schema])),
        required: list.filter((p) => p.required).map((p) => p.name),
        additionalProperties: false,
      }),
    );
    if (!fn({ ...values })) problems.push(`${where} parameters: ${describe(fn)}`);
  }
  const content = op.requestBody?.content['application/json'];
  if (content) {
    if (body === undefined && op.requestBody?.required) problems.push('body: required');
    else if (body !== undefined) {
      const fn = validator(`${served.operationId}:body`, () =>
        load().bodyAjv.compile(anchor(content.schema) as Json),
      );
      if (!fn(body)) problems.push(`body: ${describe(fn)}`);
    }
  }
  return problems;
}

/** Checks a response against the status it is sent with; an undeclared status is a problem too. */
export function checkResponse(served: ServedOperation, status: number, body: unknown): string[] {
  const op = operation(served.method, served.template);
  const declared = op.responses[String(status)];
  if (!declared) return [`status ${status} is not declared for ${served.operationId}`];
  const response = resolve<{ content?: Record<string, { schema: Json }> }>(declared);
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return body === undefined || body === null ? [] : [`status ${status} declares no body`];
  const fn = validator(`${served.operationId}:${status}`, () =>
    load().bodyAjv.compile(anchor(schema) as Json),
  );
  return fn(body) ? [] : [`response ${status}: ${describe(fn)}`];
}
