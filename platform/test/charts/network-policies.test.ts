import { describe, expect, it } from 'vitest';
import { networkPolicies } from '../../src/charts/namespace/network-policies.ts';
import type { Json } from './render.ts';
import { find } from './render.ts';

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

  it('lets Alertmanager reach an external promoter URL and an e-mail relay on their ports', () => {
    const placement = { envName: 'prod', namespace: 'titanic-prod' };
    const alertmanager = (props: Parameters<typeof networkPolicies>[0]) =>
      networkPolicies(props, {}).find((p) => p.metadata?.name === 'alertmanager')?.spec?.egress;
    expect(
      alertmanager({ ...placement, promoterWebhookUrl: 'https://hooks.example.com:8443/x', pager: {} }),
    ).toEqual([
      { to: [], ports: [{ protocol: 'TCP', port: 8443 }] },
      // A pager without e-mail (Slack, PagerDuty, a webhook) over HTTPS.
      { to: [], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(alertmanager({ ...placement, pager: { email: { smarthost: 'smtp.example.com:587' } } })).toEqual([
      {
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'promoter' } } }],
        ports: [{ protocol: 'TCP', port: 8090 }],
      },
      { to: [], ports: [{ protocol: 'TCP', port: 587 }] },
    ]);
  });
});
