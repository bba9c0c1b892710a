import { type IService, Service } from './kinds.ts';
import { selectorLabels } from './labels.ts';
import type { Placement } from './placement.ts';

/** The ClusterIP Service in front of one component's container port named `http`. */
export function httpService(
  placement: Placement,
  name: string,
  port: number,
  labels: Record<string, string>,
): IService {
  return Service({
    metadata: { name, namespace: placement.namespace, labels },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels({ name, env: placement.envName }),
      ports: [{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }],
    },
  });
}
