/**
 * Schema validation of rendered objects: core kinds against kubernetes-models, Argo CD kinds
 * against @kubernetes-models/argo-cd. Every problem names the file, kind/name and JSON path.
 */
import { parseAllDocuments } from 'yaml';
import type { RenderedFiles } from './render.ts';

export interface ValidationProblem {
  readonly file: string;
  /** `Kind/name`. */
  readonly object: string;
  /** JSON pointer into the object, e.g. `/spec/template/spec/containers/0/ports/0/containerPort`. */
  readonly path: string;
  readonly message: string;
}

type ModelClass = new (data: unknown) => { validate(): void };
type Loader = () => Promise<Record<string, unknown>>;

const GROUPS: Record<string, Loader> = {
  v1: () => import('kubernetes-models/v1'),
  'apps/v1': () => import('kubernetes-models/apps/v1'),
  'batch/v1': () => import('kubernetes-models/batch/v1'),
  'autoscaling/v2': () => import('kubernetes-models/autoscaling/v2'),
  'policy/v1': () => import('kubernetes-models/policy/v1'),
  'networking.k8s.io/v1': () => import('kubernetes-models/networking.k8s.io/v1'),
  'rbac.authorization.k8s.io/v1': () => import('kubernetes-models/rbac.authorization.k8s.io/v1'),
  'argoproj.io/v1alpha1': () => import('@kubernetes-models/argo-cd/argoproj.io/v1alpha1'),
};

/**
 * kubernetes-models follows newer Kubernetes releases; fields added after 1.28 are refused here so
 * the manifests keep working on the oldest supported cluster.
 */
const AFTER_1_28: readonly { pattern: RegExp; since: string }[] = [
  { pattern: /\/lifecycle\/(preStop|postStart)\/sleep$/, since: '1.29 (lifecycle sleep action)' },
  { pattern: /\/volumes\/\d+\/image$/, since: '1.31 (image volumes)' },
  { pattern: /\/appArmorProfile$/, since: '1.30 (appArmorProfile field)' },
  { pattern: /\/spec\/trafficDistribution$/, since: '1.30 (Service trafficDistribution)' },
  { pattern: /\/resizePolicy$/, since: '1.33 (in-place resize, GA)' },
  { pattern: /\/spec\/managedBy$/, since: '1.30 (Job managedBy)' },
];

function* walk(value: unknown, path: string): Generator<string> {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* walk(v, `${path}/${i}`);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      yield p;
      yield* walk(v, p);
    }
  }
}

interface AjvError {
  instancePath: string;
  message?: string;
}

export async function validateObject(
  file: string,
  obj: Record<string, unknown>,
): Promise<ValidationProblem[]> {
  const apiVersion = String(obj.apiVersion ?? '');
  const kind = String(obj.kind ?? '');
  const name = String((obj.metadata as { name?: string } | undefined)?.name ?? '(unnamed)');
  const object = `${kind || '(no kind)'}/${name}`;
  const load = GROUPS[apiVersion];
  const Model = load ? ((await load())[kind] as ModelClass | undefined) : undefined;
  if (!Model) {
    return [{ file, object, path: '/apiVersion', message: `no schema for ${apiVersion} ${kind}` }];
  }
  const problems: ValidationProblem[] = [];
  try {
    new Model(obj).validate();
  } catch (err) {
    const errors = (err as { errors?: AjvError[] }).errors;
    if (!errors) throw err;
    for (const e of errors)
      problems.push({ file, object, path: e.instancePath || '/', message: e.message ?? 'invalid' });
  }
  for (const path of walk(obj, '')) {
    const newer = AFTER_1_28.find((f) => f.pattern.test(path));
    if (newer)
      problems.push({
        file,
        object,
        path,
        message: `not available in Kubernetes 1.28: added in ${newer.since}`,
      });
  }
  return problems;
}

/** Validates every document of every rendered file. */
export async function validateRendered(files: RenderedFiles): Promise<ValidationProblem[]> {
  const problems: ValidationProblem[] = [];
  for (const [file, text] of Object.entries(files)) {
    for (const doc of parseAllDocuments(text)) {
      const obj = doc.toJS() as Record<string, unknown> | null;
      if (obj) problems.push(...(await validateObject(file, obj)));
    }
  }
  return problems;
}

export function formatProblem(p: ValidationProblem): string {
  return `${p.file}: ${p.object}: ${p.path}: ${p.message}`;
}
