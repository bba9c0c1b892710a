import { describe, expect, it } from 'vitest';
import { networkPolicies } from '../../charts/namespace/network-policies.ts';
import { loadEnvironment } from '../../environments/load.ts';
import type { Json } from '../charts/render.ts';
import { FIXTURE_ROOT, find } from './render.ts';

describe('NetworkPolicies', () => {
  it('deny by default and allow the ingress controller, Prometheus and DNS to the server only', async () => {
    const deny = await find('prod', 'NetworkPolicy', 'default-deny');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const inference = await find('prod', 'NetworkPolicy', 'inference');
    const sources = inference.spec.ingress.map((r: Json) => r.from[0]);
    expect(sources).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } },
    ]);
    expect(inference.spec.egress).toEqual([
      {
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgres' } } }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
    ]);
    const dns = await find('prod', 'NetworkPolicy', 'allow-dns');
    expect(dns.spec.podSelector).toEqual({});
    expect(dns.spec.egress[0].ports.map((p: Json) => `${p.protocol}/${p.port}`)).toEqual([
      'UDP/53',
      'TCP/53',
    ]);
  });

  it('admits only Alertmanager to the promoter, and Alertmanager reaches only its own promoter', async () => {
    const promoter = await find('prod', 'NetworkPolicy', 'promoter');
    expect(promoter.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'promoter' } });
    expect(promoter.spec.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'alertmanager' } } }],
        ports: [{ protocol: 'TCP', port: 8090 }],
      },
    ]);
    const deployment = await find('prod', 'Deployment', 'promoter');
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('promoter');
    const service = await find('prod', 'Service', 'promoter');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 8090, targetPort: 'http', protocol: 'TCP' }]);
    const am = await find('prod', 'NetworkPolicy', 'alertmanager');
    expect(am.spec.egress[0]).toEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'promoter' } } }],
      ports: [{ protocol: 'TCP', port: 8090 }],
    });
    const config = await find('prod', 'ConfigMap', 'alertmanager-config');
    expect(config.data['alertmanager.yml']).toContain(
      'url: http://promoter.titanic-prod.svc:8090/hooks/alertmanager',
    );
  });

  it('lets Alertmanager reach an external promoter URL on its port', async () => {
    const env = await loadEnvironment('prod', { root: FIXTURE_ROOT });
    const external = {
      ...env,
      monitoring: { ...env.monitoring, promoterWebhookUrl: 'https://hooks.example.com:8443/x' },
    };
    const am = networkPolicies(external, {}).find((p) => p.metadata?.name === 'alertmanager');
    expect(am?.spec?.egress).toEqual([
      { to: [], ports: [{ protocol: 'TCP', port: 8443 }] },
      // The pager (PagerDuty in prod) over HTTPS.
      { to: [], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });
});
