import type { Finding, Manifest, Rule } from '../types.ts';

const SECRET_NAME = /(pass(word)?|passwd|secret|token|api[_-]?key|private[_-]?key|credentials?)$/i;
/** `scheme://user:password@host` with a literal (not `$VAR` / `$(VAR)`) password. */
const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:(?!\$)[^\s@/]+@/i;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const PASSWORD_ASSIGNMENT = /\b(password|passwd|secret|token)\s*[=:]\s*["']?(?![$<{])[^\s"'$]{6,}/i;

function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* strings(v, path ? `${path}.${k}` : k);
}

function envLiterals(m: Manifest): Finding[] {
  const out: Finding[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (
        typeof o.name === 'string' &&
        typeof o.value === 'string' &&
        SECRET_NAME.test(o.name) &&
        o.value !== ''
      ) {
        out.push({ manifest: m, message: `env ${o.name} has a literal value; use valueFrom.secretKeyRef` });
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(m.object.spec);
  return out;
}

export const noSecretData: Rule = {
  id: 'TGP-007 no-secret-data',
  reason:
    'dist/ is committed and public to everyone with repository access; secrets live only in the cluster.',
  fix: 'Remove the Secret or literal from the chart; read it from a Secret created in-cluster (charts/postgres/credentials-job.ts) or by the operator.',
  check(manifests) {
    const out: Finding[] = [];
    for (const m of manifests) {
      const o = m.object;
      if (o.kind === 'Secret' && (o.data || o.stringData)) {
        out.push({ manifest: m, message: 'Secret carries data in git' });
      }
      out.push(...envLiterals(m));
      for (const [path, s] of strings(o, '')) {
        if (URL_CREDENTIALS.test(s))
          out.push({ manifest: m, message: `${path} holds a URL with a literal password` });
        if (PRIVATE_KEY.test(s)) out.push({ manifest: m, message: `${path} holds a private key` });
        if (PASSWORD_ASSIGNMENT.test(s) && !path.endsWith('.expr'))
          out.push({ manifest: m, message: `${path} looks like a password literal` });
      }
    }
    return out;
  },
};
