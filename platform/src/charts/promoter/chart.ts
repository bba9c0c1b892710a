import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { NAMES, PORTS } from '../constants.ts';
import { httpService } from '../http-service.ts';
import { emit } from '../k8s.ts';
import { ServiceAccount } from '../kinds.ts';
import { labels } from '../labels.ts';
import { type PromoterProps, promoterDeployment } from './deployment.ts';

export type PromoterChartProps = PromoterProps;

/** The promotion bot in the environment's namespace: Alertmanager's rollback webhook target. */
export class PromoterChart extends Chart {
  constructor(scope: Construct, id: string, props: PromoterChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    const meta = labels({
      name: NAMES.promoter,
      env: props.envName,
      version: props.image.tag,
      component: 'promotion',
    });
    emit(
      this,
      ServiceAccount({
        metadata: { name: NAMES.promoter, namespace: props.namespace, labels: meta },
        automountServiceAccountToken: false,
      }),
    );
    emit(this, promoterDeployment(props, meta));
    emit(this, httpService(props, NAMES.promoter, PORTS.promoter, meta));
  }
}
