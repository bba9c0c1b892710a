import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { Deployment, type IDeployment } from './kinds.ts';
import { selectorLabels } from './labels.ts';
import type { Placement } from './placement.ts';

export interface SinglePodProps {
  /**
   * Annotations of the pod template, e.g. a config hash that rolls the pod.
   * @default none
   */
  readonly podAnnotations?: Record<string, string>;
  readonly podSpec: IPodSpec;
  /** @default Kubernetes' default (10) */
  readonly revisionHistoryLimit?: number;
}

/**
 * A Deployment of one pod that never runs beside its successor (`Recreate`): for a component whose
 * second copy would do harm, such as two writers on one volume or two answers to one alert.
 */
export function singlePodDeployment(
  placement: Placement,
  name: string,
  labels: Record<string, string>,
  props: SinglePodProps,
): IDeployment {
  const { podAnnotations, revisionHistoryLimit } = props;
  return Deployment({
    metadata: { name, namespace: placement.namespace, labels },
    spec: {
      replicas: 1,
      ...(revisionHistoryLimit === undefined ? {} : { revisionHistoryLimit }),
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selectorLabels({ name, env: placement.envName }) },
      template: {
        metadata: { labels, ...(podAnnotations ? { annotations: podAnnotations } : {}) },
        spec: props.podSpec,
      },
    },
  });
}
