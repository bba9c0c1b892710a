import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A component's rendered pod: its file and every object in it, the pod spec, and the container named after the component. */
export interface RenderedPod<C> {
  readonly file: string;
  // biome-ignore lint/suspicious/noExplicitAny: objects read as YAML; callers type what they use.
  readonly docs: any[];
  // biome-ignore lint/suspicious/noExplicitAny: the pod spec is read as YAML; callers type what they use.
  readonly pod: any;
  readonly container: C;
}

/** Reads `dist/<env>/<component>.yaml` of a checkout: the Deployment and container named `component`. */
export async function readRenderedPod<C extends { name: string }>(
  checkout: string,
  env: string,
  component: string,
): Promise<RenderedPod<C>> {
  const file = join(checkout, 'dist', env, `${component}.yaml`);
  const docs = parseAllDocuments(await readFile(file, 'utf8')).map((d) => d.toJS());
  const deployment = docs.find((d) => d?.kind === 'Deployment' && d.metadata?.name === component);
  if (!deployment) throw new Error(`${file}: no Deployment named ${component}`);
  const pod = deployment.spec.template.spec;
  const container = (pod.containers as C[]).find((c) => c.name === component);
  if (!container) throw new Error(`${file}: Deployment/${component} has no container named ${component}`);
  return { file, docs, pod, container };
}
