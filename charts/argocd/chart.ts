import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Environment } from '../../environments/schema.ts';
import { ARGOCD_NAMESPACE } from '../constants.ts';
import { emit } from '../k8s.ts';
import { labels } from '../labels.ts';
import { applicationSet } from './application-set.ts';
import { appProject } from './project.ts';

export interface ArgoCdChartProps {
  readonly envs: readonly Environment[];
}

/** dist/argocd/: the AppProject `titanic` and the ApplicationSet making one Application per env. */
export class ArgoCdChart extends Chart {
  constructor(scope: Construct, id: string, props: ArgoCdChartProps) {
    super(scope, id, { namespace: ARGOCD_NAMESPACE, disableResourceNameHashes: true });
    const meta = labels({ name: 'titanic-gitops', env: 'argocd', version: '1', component: 'delivery' });
    emit(this, appProject(props.envs, meta));
    emit(this, applicationSet(props.envs, meta));
  }
}
