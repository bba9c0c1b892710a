import type { Environment } from '../environments/schema.ts';
import { type IService, Service } from './kinds.ts';
import { selectorLabels } from './labels.ts';

/** The ClusterIP Service in front of one component's container port named `http`. */
export function httpService(
  env: Environment,
  name: string,
  port: number,
  labels: Record<string, string>,
): IService {
  return Service({
    metadata: { name, namespace: env.namespace, labels },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels({ name, env: env.name }),
      ports: [{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }],
    },
  });
}
