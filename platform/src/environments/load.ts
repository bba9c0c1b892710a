import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@titanic/features/checkout';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ENVIRONMENTS, type Environment, type EnvironmentName, environmentSchema } from './schema.ts';

export { REPO_ROOT } from '@titanic/features/checkout';
export { ENVIRONMENTS, type Environment, type EnvironmentName } from './schema.ts';

export interface LoadOptions {
  /** Repository root holding `environments/`; defaults to this checkout. */
  readonly root?: string;
}

/** A bad environment file: every line names the file, the key path and what is expected. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(problems.map((p) => `${file}: ${p}`).join('\n'));
  }
}

/** Path of an environment's file relative to the repository root (used in messages). */
export function environmentFile(name: string): string {
  return `environments/${name}.yaml`;
}

// Unusual keys (empty, spaces, ": ") are quoted so the message still parses as file: key: problem.
const keyText = (key: PropertyKey) =>
  /^[A-Za-z_][\w-]*$/.test(String(key)) ? String(key) : JSON.stringify(String(key));

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? keyText(key) : `.${keyText(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const prefix = where === '(root)' ? '' : `${where}.`;
    return issue.keys.map((k) => `${prefix}${keyText(k)}: unknown key (check the spelling)`).join('\n');
  }
  if (issue.code === 'invalid_type') {
    const message = issue.message.replace(/^Invalid input: /, '');
    if (message.endsWith('received undefined'))
      return `${where}: required, ${message.replace(/, received undefined$/, '')}`;
    // YAML reads unquoted digits as numbers; a hash or version must be quoted.
    if (issue.expected === 'string' && message.endsWith('received number'))
      return `${where}: ${message} (quote the value)`;
    return `${where}: ${message}`;
  }
  return `${where}: ${issue.message.replace(/^Invalid input: /, '')}`;
}

/** Validates already-parsed data; `file` only shapes the messages. */
export function parseEnvironment(data: unknown, file: string, expectedName?: string): Environment {
  const result = environmentSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.flatMap((i) => describeIssue(i).split('\n'));
    throw new EnvironmentError(file, problems);
  }
  const env = result.data;
  if (expectedName !== undefined && env.name !== expectedName) {
    throw new EnvironmentError(file, [`name: expected "${expectedName}" (the file name), got "${env.name}"`]);
  }
  if (env.promotion.upstream === env.name) {
    throw new EnvironmentError(file, ['promotion.upstream: expected another environment than this one']);
  }
  return env;
}

/** Reads, parses and validates `environments/<name>.yaml`. */
export async function loadEnvironment(name: string, options: LoadOptions = {}): Promise<Environment> {
  const root = options.root ?? REPO_ROOT;
  const file = environmentFile(name);
  if (!(ENVIRONMENTS as readonly string[]).includes(name)) {
    throw new EnvironmentError(file, [
      `(root): unknown environment "${name}", expected one of ${ENVIRONMENTS.join(', ')}`,
    ]);
  }
  let text: string;
  try {
    text = await readFile(join(root, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new EnvironmentError(file, [`(root): cannot read the file (${code})`]);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new EnvironmentError(
      file,
      doc.errors.map((e) => `(yaml): ${e.message.split('\n')[0]}`),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    // e.g. an alias bomb: the yaml library refuses to expand it.
    throw new EnvironmentError(file, [`(yaml): ${(err as Error).message}`]);
  }
  return parseEnvironment(data, file, name);
}

/** Loads every environment, in promotion order; all files' problems are reported together. */
export async function loadEnvironments(options: LoadOptions = {}): Promise<Environment[]> {
  const results = await Promise.allSettled(ENVIRONMENTS.map((n) => loadEnvironment(n, options)));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    const problems = errors.flatMap((e) => (e instanceof EnvironmentError ? [e] : []));
    if (problems.length !== errors.length) throw errors[0];
    const err = new Error(problems.map((p) => p.message).join('\n'));
    err.name = 'EnvironmentError';
    throw err;
  }
  return results.map((r) => (r as PromiseFulfilledResult<Environment>).value);
}

export function isEnvironmentName(name: string): name is EnvironmentName {
  return (ENVIRONMENTS as readonly string[]).includes(name);
}
