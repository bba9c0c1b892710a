import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

/**
 * What the rendered manifests must say for the service's defences to hold in the cluster:
 * /metrics on its own port that the Ingress never routes to and only Prometheus may reach,
 * and exactly one trusted proxy hop.
 */
// biome-ignore lint/suspicious/noExplicitAny: rendered objects are checked field by field
type Doc = any;
const rendered = (env: string, file: string): Doc[] =>
  parseAllDocuments(readFileSync(join(REPO_ROOT, 'dist', env, file), 'utf8')).map((d) => d.toJS());

describe.each(['dev', 'staging', 'prod'])('dist/%s', (env) => {
  const inference = rendered(env, 'inference.yaml');
  const deployment = inference.find((d) => d.kind === 'Deployment');
  const container = deployment.spec.template.spec.containers.find((c: Doc) => c.name === 'inference');
  const envVar = (name: string) => container.env.find((e: Doc) => e.name === name)?.value;

  it('D7: serves /metrics on the metrics port, which the Ingress never routes to', () => {
    const metricsPort = container.ports.find((p: Doc) => p.name === 'metrics');
    expect(metricsPort).toBeDefined();
    expect(envVar('METRICS_PORT')).toBe(String(metricsPort.containerPort));
    expect(envVar('PORT')).not.toBe(envVar('METRICS_PORT'));
    const service = inference.find((d) => d.kind === 'Service');
    expect(service.spec.ports.map((p: Doc) => p.targetPort).sort()).toEqual(['http', 'metrics']);
    for (const ingress of inference.filter((d) => d.kind === 'Ingress'))
      for (const rule of ingress.spec.rules)
        for (const path of rule.http.paths) expect(path.backend.service.port).toEqual({ name: 'http' });
    const scrape = rendered(env, 'prometheus.yaml')
      .filter((d) => d.kind === 'ConfigMap')
      .map((d) => Object.values(d.data ?? {}).join('\n'))
      .join('\n');
    expect(scrape).toMatch(
      /job_name: inference[\s\S]*?__meta_kubernetes_pod_container_port_name[\s\S]*?regex: metrics/,
    );
  });

  it('D7: only Prometheus reaches the metrics port; the ingress controller only the API port', () => {
    const policy = rendered(env, 'namespace.yaml').find(
      (d) => d.kind === 'NetworkPolicy' && d.metadata.name === 'inference',
    );
    const metricsPort = container.ports.find((p: Doc) => p.name === 'metrics').containerPort;
    const apiPort = container.ports.find((p: Doc) => p.name === 'http').containerPort;
    for (const rule of policy.spec.ingress) {
      const ports = rule.ports.map((p: Doc) => p.port);
      const fromPrometheus = rule.from.some((f: Doc) => f.podSelector?.matchLabels);
      expect(ports).toEqual(fromPrometheus ? [metricsPort] : [apiPort]);
    }
  });

  it('D2: trusts exactly one proxy hop (the ingress) for the client address', () => {
    expect(envVar('TRUST_PROXY')).toBe('true');
    expect(envVar('TRUST_PROXY_HOPS')).toBe('1');
  });
});
