import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Environment } from '../../environments/schema.ts';
import { NAMES, PORTS, WAVES } from '../constants.ts';
import { emit, SYNC_WAVE } from '../k8s.ts';
import { Service } from '../kinds.ts';
import { labels, selectorLabels } from '../labels.ts';
import { credentialsGenerator } from './credentials-job.ts';
import { postgresStatefulSet } from './statefulset.ts';

export interface PostgresChartProps {
  readonly env: Environment;
}

/** The prediction log database and the PreSync Job that gives a fresh namespace its credentials. */
export class PostgresChart extends Chart {
  constructor(scope: Construct, id: string, props: PostgresChartProps) {
    super(scope, id, { namespace: props.env.namespace, disableResourceNameHashes: true });
    const { env } = props;
    const jobLabels = labels({
      name: NAMES.secretsJob,
      env: env.name,
      version: '1',
      component: 'credentials',
    });
    for (const o of credentialsGenerator(env, jobLabels)) emit(this, o);
    const meta = labels({
      name: NAMES.postgres,
      env: env.name,
      version: env.postgres.version,
      component: 'database',
    });
    emit(
      this,
      Service({
        metadata: {
          name: NAMES.postgres,
          namespace: env.namespace,
          labels: meta,
          annotations: { [SYNC_WAVE]: WAVES.postgres },
        },
        spec: {
          // Headless: the StatefulSet's stable network identity.
          clusterIP: 'None',
          selector: selectorLabels({ name: NAMES.postgres, env: env.name }),
          ports: [
            { name: 'postgres', port: PORTS.postgres, targetPort: 'postgres', protocol: 'TCP' },
            { name: 'metrics', port: PORTS.postgresExporter, targetPort: 'metrics', protocol: 'TCP' },
          ],
        },
      }),
    );
    emit(this, postgresStatefulSet(env, meta));
  }
}
