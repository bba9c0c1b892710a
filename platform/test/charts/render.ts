import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../../src/policies/types.ts';
import { type RenderedFiles, synthEnvironments } from '../../src/synth/render.ts';

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are arbitrary JSON the tests reach into.
export type Json = any;

/** A frozen copy of the environments plus one registry entry: renders do not move with promotions. */
export const FIXTURE_ROOT = join(import.meta.dirname, 'fixtures');

let cached: Promise<RenderedFiles> | undefined;
export function renderFixture(): Promise<RenderedFiles> {
  cached ??= synthEnvironments({ root: FIXTURE_ROOT });
  return cached;
}

export function objectsOf(text: string): K8sObject[] {
  return parseAllDocuments(text).map((d) => d.toJS() as K8sObject);
}

export async function objects(folder: string): Promise<K8sObject[]> {
  const files = await renderFixture();
  return Object.entries(files)
    .filter(([path]) => path.startsWith(`dist/${folder}/`))
    .flatMap(([, text]) => objectsOf(text));
}

export async function find(folder: string, kind: string, name: string): Promise<Json> {
  const found = (await objects(folder)).find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in dist/${folder}`);
  return found;
}
