import { parseAllDocuments } from 'yaml';

export interface ObjectChange {
  readonly object: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly fields: readonly string[];
}

type Obj = { kind?: string; metadata?: { name?: string; namespace?: string } };

function objects(text: string | undefined): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!text) return out;
  for (const doc of parseAllDocuments(text)) {
    const o = doc.toJS() as Obj | null;
    if (!o?.kind) continue;
    out.set(
      `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '?'}`,
      o,
    );
  }
  return out;
}

/** Leaf paths that differ between two values, like `spec.template.spec.containers[0].image`. */
function changedPaths(a: unknown, b: unknown, path: string, out: string[]): void {
  if (out.length >= 20) return;
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const isObj = (v: unknown) => v !== null && typeof v === 'object';
  if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) {
    out.push(path || '(root)');
    return;
  }
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  for (const k of [...keys].sort()) {
    const next = Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    changedPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], next, out);
  }
}

/** Summarises the rendered manifest change object by object, for the pull request body. */
export function summariseManifests(
  before: Record<string, string | undefined>,
  after: Record<string, string | null>,
): ObjectChange[] {
  const out: ObjectChange[] = [];
  for (const path of Object.keys({ ...before, ...after }).sort()) {
    const old = objects(before[path]);
    const neu = objects(after[path] === undefined ? before[path] : (after[path] ?? undefined));
    for (const key of [...new Set([...old.keys(), ...neu.keys()])].sort()) {
      if (!old.has(key)) out.push({ object: key, change: 'added', fields: [] });
      else if (!neu.has(key)) out.push({ object: key, change: 'removed', fields: [] });
      else {
        const fields: string[] = [];
        changedPaths(old.get(key), neu.get(key), '', fields);
        if (fields.length > 0) out.push({ object: key, change: 'changed', fields });
      }
    }
  }
  return out;
}
