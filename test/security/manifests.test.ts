import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

// Reads the committed dist/ exactly as Argo CD would apply it: what runs in the cluster is this.
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type?: string };
}
interface Container {
  name: string;
  securityContext?: SecurityContext;
  env?: { name: string; value?: string }[];
}
interface PodSpec {
  securityContext?: SecurityContext;
  initContainers?: Container[];
  containers?: Container[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  automountServiceAccountToken?: boolean;
  volumes?: { hostPath?: { path: string } }[];
}
interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

const ENVS = ['dev', 'staging', 'prod'] as const;

function objects(env: string): { file: string; object: K8sObject }[] {
  const dir = join(REPO_ROOT, 'dist', env);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(dir, f), 'utf8'))
        .map((d) => d.toJS() as K8sObject | null)
        .filter((o): o is K8sObject => o !== null)
        .map((object) => ({ file: `dist/${env}/${f}`, object })),
    );
}

function podSpec(o: K8sObject): PodSpec | undefined {
  if (o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'Job') return o.spec?.template?.spec;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec;
  return undefined;
}

describe.each(ENVS)('rendered manifests of %s', (env) => {
  const all = objects(env);
  const workloads = all.flatMap(({ file, object }) => {
    const spec = podSpec(object);
    return spec ? [{ where: `${file} ${object.kind}/${object.metadata.name}`, spec }] : [];
  });

  it('has the workloads the platform needs', () => {
    const names = workloads.map((w) => w.where);
    expect(names.some((n) => n.includes('Deployment/inference'))).toBe(true);
    expect(names.some((n) => n.includes('StatefulSet/'))).toBe(true);
  });

  it('runs every container as non-root, read-only root filesystem, no privilege escalation, no capabilities', () => {
    const problems: string[] = [];
    for (const { where, spec } of workloads) {
      const pod = spec.securityContext ?? {};
      if (pod.runAsUser === 0) problems.push(`${where}: pod runAsUser is 0 (root)`);
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        const sc = c.securityContext ?? {};
        const at = `${where} container ${c.name}`;
        if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${at}: runAsNonRoot is not true`);
        if ((sc.runAsUser ?? pod.runAsUser) === 0) problems.push(`${at}: runs as uid 0`);
        if (sc.readOnlyRootFilesystem !== true) problems.push(`${at}: root filesystem is writable`);
        if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: privilege escalation allowed`);
        if (sc.privileged === true) problems.push(`${at}: privileged`);
        if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${at}: capabilities not dropped`);
        if (sc.capabilities?.add?.length) problems.push(`${at}: adds capabilities ${sc.capabilities.add}`);
        if ((sc.seccompProfile ?? pod.seccompProfile)?.type !== 'RuntimeDefault')
          problems.push(`${at}: no RuntimeDefault seccomp`);
      }
      if (spec.hostNetwork || spec.hostPID || spec.hostIPC)
        problems.push(`${where}: shares a host namespace`);
      for (const v of spec.volumes ?? [])
        if (v.hostPath) problems.push(`${where}: mounts hostPath ${v.hostPath.path}`);
    }
    expect(problems).toEqual([]);
  });

  it('keeps the inference pod away from the Kubernetes API and secrets out of plain env values', () => {
    const inference = workloads.find((w) => w.where.includes('Deployment/inference'))!;
    expect(inference.spec.automountServiceAccountToken).toBe(false);
    const env = (inference.spec.containers ?? []).flatMap((c) => c.env ?? []);
    for (const name of ['DATABASE_URL', 'API_KEYS']) {
      const entry = env.find((e) => e.name === name);
      if (entry) expect(entry.value, `${name} must come from a Secret`).toBeUndefined();
    }
  });

  it('carries no Secret data and no credentials in URLs', () => {
    for (const { file, object } of all) {
      if (object.kind === 'Secret') {
        expect(object.data ?? {}, `${file} Secret/${object.metadata.name}`).toEqual({});
        expect(object.stringData ?? {}, `${file} Secret/${object.metadata.name}`).toEqual({});
      }
    }
    for (const file of new Set(all.map((a) => a.file))) {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      // scheme://user:password@host with a literal password
      expect(text, file).not.toMatch(/[a-z][a-z0-9+.-]*:\/\/[^\s/:@$]+:[^\s/@${}]+@/i);
      expect(text, file).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      expect(text, file).not.toMatch(/\b(gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16})\b/);
    }
  });
});
