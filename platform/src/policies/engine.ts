import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { IMAGE_REGISTRY } from '../charts/constants.ts';
import { loadEnvironments } from '../environments/load.ts';
import { ref } from './pods.ts';
import { RULES } from './rules/index.ts';
import type { K8sObject, Manifest, PolicyContext, Rule } from './types.ts';

export const FIRST_PARTY_PREFIX = `${IMAGE_REGISTRY}/`;

export interface Result {
  readonly rule: Rule;
  readonly file: string;
  readonly object: string;
  readonly message: string;
  readonly severity: 'fail' | 'warn';
}

export function runPolicies(
  manifests: readonly Manifest[],
  ctx: PolicyContext,
  rules: readonly Rule[] = RULES,
): Result[] {
  return rules.flatMap((rule) =>
    rule.check(manifests, ctx).map((f) => ({
      rule,
      file: f.manifest.file,
      object: ref(f.manifest),
      message: f.message,
      severity: f.severity ?? 'fail',
    })),
  );
}

/** Parses a YAML stream into manifests of one dist folder. */
export function parseManifests(file: string, folder: string, text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]?.message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object')
    .map((object) => ({ file, folder, object }));
}

/** Reads dist/<folder>/*.yaml and the environments that give each folder its namespace. */
export async function loadDist(
  root: string,
  distDir = 'dist',
): Promise<{ manifests: Manifest[]; ctx: PolicyContext }> {
  const envs = await loadEnvironments({ root });
  const folders: Record<string, PolicyContext['folders'][string]> = {
    argocd: { namespace: 'argocd', digests: { image: false, model: false } },
  };
  for (const env of envs) {
    folders[env.name] = {
      namespace: env.namespace,
      env: env.name,
      digests: {
        image: env.image.digest !== undefined,
        model: env.model.digest !== undefined,
        promoter: env.promoter.image.digest !== undefined,
      },
    };
  }
  const manifests: Manifest[] = [];
  for (const folder of Object.keys(folders).sort()) {
    let names: string[];
    try {
      names = (await readdir(join(root, distDir, folder))).filter((n) => /\.ya?ml$/.test(n)).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = `${distDir}/${folder}/${name}`;
      manifests.push(...parseManifests(file, folder, await readFile(join(root, file), 'utf8')));
    }
  }
  return { manifests, ctx: { folders, firstPartyPrefix: FIRST_PARTY_PREFIX } };
}

/** conftest-style lines: `FAIL - <file> - <Kind/name> - <message> [<rule id>]`, then the fix. */
export function formatResults(
  results: readonly Result[],
  objectCount: number,
  rules: readonly Rule[] = RULES,
): string {
  const lines: string[] = [];
  const sorted = [...results].sort((a, b) =>
    a.severity === b.severity ? 0 : a.severity === 'warn' ? -1 : 1,
  );
  for (const r of sorted) {
    lines.push(
      `${r.severity === 'fail' ? 'FAIL' : 'WARN'} - ${r.file} - ${r.object} - ${r.message} [${r.rule.id}]`,
    );
    lines.push(`       why: ${r.rule.reason}`);
    lines.push(`       fix: ${r.rule.fix}`);
  }
  const failures = results.filter((r) => r.severity === 'fail').length;
  const warnings = results.length - failures;
  const tests = objectCount * rules.length;
  lines.push('');
  lines.push(
    `${tests} tests, ${tests - results.length} passed, ${warnings} warnings, ${failures} failures, 0 exceptions`,
  );
  return lines.join('\n');
}
