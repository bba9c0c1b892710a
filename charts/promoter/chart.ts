import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Environment } from '../../environments/schema.ts';
import { NAMES, PORTS } from '../constants.ts';
import { httpService } from '../http-service.ts';
import { emit } from '../k8s.ts';
import { ServiceAccount } from '../kinds.ts';
import { labels } from '../labels.ts';
import { promoterDeployment } from './deployment.ts';

export interface PromoterChartProps {
  readonly env: Environment;
}

/** The promotion bot in the environment's namespace: Alertmanager's rollback webhook target. */
export class PromoterChart extends Chart {
  constructor(scope: Construct, id: string, props: PromoterChartProps) {
    super(scope, id, { namespace: props.env.namespace, disableResourceNameHashes: true });
    const { env } = props;
    const meta = labels({
      name: NAMES.promoter,
      env: env.name,
      version: env.promoter.image.tag,
      component: 'promotion',
    });
    emit(
      this,
      ServiceAccount({
        metadata: { name: NAMES.promoter, namespace: env.namespace, labels: meta },
        automountServiceAccountToken: false,
      }),
    );
    emit(this, promoterDeployment(env, meta));
    emit(this, httpService(env, NAMES.promoter, PORTS.promoter, meta));
  }
}
