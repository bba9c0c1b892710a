import type { Construct } from 'constructs';
import { EnvironmentChart } from '../environment-chart.ts';
import { emit } from '../k8s.ts';
import { type NetworkPoliciesProps, networkPolicies } from './network-policies.ts';

export type NamespaceChartProps = NetworkPoliciesProps;

/** Namespace-wide guards: default-deny NetworkPolicy plus one allow per real flow. */
export class NamespaceChart extends EnvironmentChart {
  constructor(scope: Construct, id: string, props: NamespaceChartProps) {
    super(scope, id, props);
    const meta = this.labelsFor({ name: 'network', version: '1', component: 'network-policy' });
    for (const np of networkPolicies(props, meta)) emit(this, np);
  }
}
