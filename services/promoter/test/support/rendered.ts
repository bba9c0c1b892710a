import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@titanic/features/checkout';
import { parseAllDocuments } from 'yaml';

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are arbitrary JSON the tests reach into.
export type Json = any;

/** One object of the committed `dist/<env>/`: what Argo CD applies, not a hand-built stand-in. */
export async function findRendered(env: string, kind: string, name: string): Promise<Json> {
  const folder = join(REPO_ROOT, 'dist', env);
  for (const file of (await readdir(folder)).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(await readFile(join(folder, file), 'utf8'))) {
      const object = doc.toJS() as Json;
      if (object?.kind === kind && object.metadata?.name === name) return object;
    }
  }
  throw new Error(`no ${kind}/${name} in dist/${env}/`);
}
