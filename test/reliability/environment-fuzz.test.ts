import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, loadEnvironment, REPO_ROOT } from '@titanic/platform/environments/load.ts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

// Every rejection must be a list of `environments/<env>.yaml: <key path>: <what is expected>` lines.
// Keys are identifiers, list indexes, or JSON-quoted when unusual ("", "a b", "a: b").
const KEY = String.raw`(?:[A-Za-z_][\w-]*|"(?:[^"\\]|\\.)*")`;
const LINE = new RegExp(
  String.raw`^environments/(dev|staging|prod)\.yaml: (\(root\)|\(yaml\)|${KEY}(?:\.${KEY}|\[\d+\])*): \S.*$`,
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

let root: string;
let originals: Record<string, Json>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'env-fuzz-'));
  mkdirSync(join(root, 'environments'));
  originals = {};
  for (const env of ['dev', 'staging', 'prod']) {
    originals[env] = parse(await readFile(join(REPO_ROOT, 'environments', `${env}.yaml`), 'utf8')) as Json;
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every key path of a parsed file, containers included (replacing a whole block is a mutation too). */
function paths(value: Json, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object')
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return [prefix];
}

function getIn(value: Json, path: Path): Json {
  return path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, value);
}

function setIn(value: Json, path: Path, next: Json | undefined): Json {
  if (path.length === 0) return next ?? null;
  const copy = structuredClone(value) as Record<string | number, Json>;
  const parent = getIn(copy as Json, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path[path.length - 1]!;
  if (next === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = next;
  return copy as Json;
}

const kind = (v: Json) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** A value whose JSON type differs from `original`: the schema never coerces, so this must fail. */
function otherType(original: Json): fc.Arbitrary<Json> {
  const all: fc.Arbitrary<Json>[] = [
    fc.constant(null),
    fc.boolean(),
    fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    fc.string({ maxLength: 20 }),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  ];
  const kinds = ['null', 'boolean', 'number', 'string', 'array', 'object'];
  return fc.oneof(...all.filter((_, i) => kinds[i] !== kind(original)));
}

/** Loads a file exactly as synth and the promoter do; returns the rejection text or undefined. */
async function attempt(env: string, text: string): Promise<string | undefined> {
  await writeFile(join(root, 'environments', `${env}.yaml`), text);
  try {
    await loadEnvironment(env, { root });
    return undefined;
  } catch (err) {
    // Anything but a described rejection is a crash of the tooling that reads these files.
    if (!(err instanceof EnvironmentError)) throw new Error(`crash instead of a rejection: ${String(err)}`);
    return err.message;
  }
}

function expectDescribed(message: string, env: string): void {
  for (const line of message.split('\n')) {
    expect(line, `not a file/key/fix line: ${line}`).toMatch(LINE);
    expect(line.startsWith(`environments/${env}.yaml: `)).toBe(true);
    // The fix: what is expected, or which key to check.
    expect(line, `no fix in: ${line}`).toMatch(/expected|unknown key|required|\(yaml\)/);
  }
}

const pathText = (path: Path) =>
  path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

const envArb = fc.constantFrom('dev', 'staging', 'prod');
const RUNS = { numRuns: 150 };

describe('fuzzed environment files', () => {
  it('a value of the wrong type is rejected at its key path', async () => {
    await fc.assert(
      fc.asyncProperty(
        envArb.chain((env) =>
          fc
            .constantFrom(...paths(originals[env]!).filter((p) => p.length > 0))
            .chain((path) => otherType(getIn(originals[env]!, path)).map((value) => ({ env, path, value }))),
        ),
        async ({ env, path, value }) => {
          const message = await attempt(env, stringify(setIn(originals[env]!, path, value)));
          expect(message, `accepted ${pathText(path)} = ${JSON.stringify(value)}`).toBeDefined();
          expectDescribed(message!, env);
          // The reported key is the mutated one, one of its parents, or a key inside it.
          const where = pathText(path);
          const reported = message!.split('\n').map((l) => l.split(': ')[1]!);
          const related = reported.some((r) => r === '(root)' || where.startsWith(r) || r.startsWith(where));
          expect(related, `${where} reported as ${reported.join(', ')}`).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('a deleted key or an unknown key is rejected, or the default applies', async () => {
    await fc.assert(
      fc.asyncProperty(
        envArb.chain((env) =>
          fc.record({
            env: fc.constant(env),
            path: fc.constantFrom(...paths(originals[env]!).filter((p) => p.length > 0)),
            extra: fc.option(fc.stringMatching(/^[a-z][a-zA-Z]{0,11}$/), { nil: undefined }),
          }),
        ),
        async ({ env, path, extra }) => {
          const original = originals[env]!;
          const parent = getIn(original, path.slice(0, -1));
          const addable = extra !== undefined && kind(parent) === 'object' && !(extra in (parent as object));
          const data = addable
            ? setIn(original, [...path.slice(0, -1), extra], 1)
            : setIn(original, path, undefined);
          const message = await attempt(env, stringify(data));
          if (addable) {
            expect(message).toContain(
              `${pathText([...path.slice(0, -1), extra])}: unknown key (check the spelling)`,
            );
          }
          if (message !== undefined) expectDescribed(message, env);
        },
      ),
      RUNS,
    );
  });

  it('arbitrary text, broken YAML and other documents are rejected with the file name, never a crash', async () => {
    const yamlish = fc
      .array(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.constantFrom(
            'name: dev',
            '  - ',
            ': :',
            '\t',
            '&a [*a]',
            '*x',
            '{',
            ']',
            '---',
            '? ',
            '!!binary x',
            '%YAML 1.1',
            '"',
            "'",
            '#',
            'name: dev\nname: dev',
          ),
        ),
        { maxLength: 12 },
      )
      .map((parts) => parts.join('\n'));
    await fc.assert(
      fc.asyncProperty(
        envArb,
        fc.oneof(
          yamlish,
          fc.jsonValue().map((v) => stringify(v)),
        ),
        async (env, text) => {
          const message = await attempt(env, text);
          expect(message).toBeDefined();
          expectDescribed(message!, env);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an alias bomb (billion laughs) is refused quickly with the file name', async () => {
    const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `l${i}: &l${i} [${Array(9)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    const started = performance.now();
    const message = await attempt('dev', lines.join('\n'));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(message).toMatch(/^environments\/dev\.yaml: \(yaml\): /);
  });
});
