import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Environment } from '../../environments/schema.ts';
import { emit } from '../k8s.ts';
import { labels } from '../labels.ts';
import { networkPolicies } from './network-policies.ts';

export interface NamespaceChartProps {
  readonly env: Environment;
}

/** Namespace-wide guards: default-deny NetworkPolicy plus one allow per real flow. */
export class NamespaceChart extends Chart {
  constructor(scope: Construct, id: string, props: NamespaceChartProps) {
    super(scope, id, { namespace: props.env.namespace, disableResourceNameHashes: true });
    const meta = labels({ name: 'network', env: props.env.name, version: '1', component: 'network-policy' });
    for (const np of networkPolicies(props.env, meta)) emit(this, np);
  }
}
