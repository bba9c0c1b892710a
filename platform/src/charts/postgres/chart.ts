import type { Construct } from 'constructs';
import { NAMES, PORTS, WAVES } from '../constants.ts';
import { EnvironmentChart } from '../environment-chart.ts';
import { emit, SYNC_WAVE } from '../k8s.ts';
import { Service } from '../kinds.ts';
import { selectorLabels } from '../labels.ts';
import type { ImagePin } from '../placement.ts';
import { credentialsGenerator } from './credentials-job.ts';
import { type PostgresProps, postgresStatefulSet } from './statefulset.ts';

export interface PostgresChartProps extends PostgresProps {
  /** Image of the credentials generator Job: the promoter's (`promoter.image`). */
  readonly generatorImage: ImagePin;
  /**
   * Secrets to pull the generator image with.
   * @default none
   */
  readonly imagePullSecrets?: readonly string[];
}

/** The prediction log database and the PreSync Job that gives a fresh namespace its credentials. */
export class PostgresChart extends EnvironmentChart {
  constructor(scope: Construct, id: string, props: PostgresChartProps) {
    super(scope, id, props);
    const jobLabels = this.labelsFor({ name: NAMES.secretsJob, version: '1', component: 'credentials' });
    const generator = { ...props, image: props.generatorImage };
    for (const o of credentialsGenerator(generator, jobLabels)) emit(this, o);
    const meta = this.labelsFor({ name: NAMES.postgres, version: props.version, component: 'database' });
    emit(
      this,
      Service({
        metadata: {
          name: NAMES.postgres,
          namespace: props.namespace,
          labels: meta,
          annotations: { [SYNC_WAVE]: WAVES.postgres },
        },
        spec: {
          // Headless: the StatefulSet's stable network identity.
          clusterIP: 'None',
          selector: selectorLabels({ name: NAMES.postgres, env: props.envName }),
          ports: [
            { name: 'postgres', port: PORTS.postgres, targetPort: 'postgres', protocol: 'TCP' },
            { name: 'metrics', port: PORTS.postgresExporter, targetPort: 'metrics', protocol: 'TCP' },
          ],
        },
      }),
    );
    emit(this, postgresStatefulSet(props, meta));
  }
}
