import type { Construct } from 'constructs';
import { NAMES, PORTS } from '../constants.ts';
import { EnvironmentChart } from '../environment-chart.ts';
import { httpService } from '../http-service.ts';
import { emit } from '../k8s.ts';
import { ServiceAccount } from '../kinds.ts';
import { type PromoterProps, promoterDeployment } from './deployment.ts';

export type PromoterChartProps = PromoterProps;

/** The promotion bot in the environment's namespace: Alertmanager's rollback webhook target. */
export class PromoterChart extends EnvironmentChart {
  constructor(scope: Construct, id: string, props: PromoterChartProps) {
    super(scope, id, props);
    const meta = this.labelsFor({ name: NAMES.promoter, version: props.image.tag, component: 'promotion' });
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
