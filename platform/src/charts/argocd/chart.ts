import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Environment } from '../../environments/schema.ts';
import { ARGOCD_NAMESPACE } from '../constants.ts';
import { emit } from '../k8s.ts';
import { labels } from '../labels.ts';
import type { Placement } from '../placement.ts';
import { applicationSet } from './application-set.ts';
import { appProject } from './project.ts';

/** What Argo CD needs of an environment: where it goes and how it syncs (`argocd`). */
export interface DeliveredEnvironment extends Placement {
  /** Automated sync with prune and self-heal. */
  readonly autoSync: boolean;
  /**
   * When automated syncs may run (or may not), e.g. prod's office hours.
   * @default none: syncs at any time
   */
  readonly syncWindow?: NonNullable<Environment['argocd']['syncWindow']> | undefined;
}

export interface ArgoCdChartProps {
  /** Every environment, in promotion order: one Application each. */
  readonly envs: readonly DeliveredEnvironment[];
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
