import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { emit } from '../k8s.ts';
import { labels } from '../labels.ts';
import { type NetworkPoliciesProps, networkPolicies } from './network-policies.ts';

export type NamespaceChartProps = NetworkPoliciesProps;

/** Namespace-wide guards: default-deny NetworkPolicy plus one allow per real flow. */
export class NamespaceChart extends Chart {
  constructor(scope: Construct, id: string, props: NamespaceChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    const meta = labels({ name: 'network', env: props.envName, version: '1', component: 'network-policy' });
    for (const np of networkPolicies(props, meta)) emit(this, np);
  }
}
