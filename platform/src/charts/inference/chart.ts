import type { Construct } from 'constructs';
import { NAMES } from '../constants.ts';
import { EnvironmentChart } from '../environment-chart.ts';
import { emit } from '../k8s.ts';
import { ConfigMap } from '../kinds.ts';
import { type InferenceProps, inferenceDeployment, modelMetadataConfigMapName } from './deployment.ts';
import {
  inferenceAutoscaler,
  inferenceDisruptionBudget,
  inferenceIngress,
  inferenceService,
  inferenceServiceAccount,
} from './edge.ts';

export interface InferenceChartProps extends InferenceProps {
  /** Exact text of models/<name>/<version>/model.json; the server reads it beside model.onnx. */
  readonly modelMetadata: string;
  /** Exact text of the shadow's model.json (`model.shadow`), when one is pinned. */
  readonly shadowMetadata?: string;
}

/** The prediction server: Deployment with the modelcar init step, Service, HPA, PDB, Ingress. */
export class InferenceChart extends EnvironmentChart {
  constructor(scope: Construct, id: string, props: InferenceChartProps) {
    super(scope, id, props);
    const meta = this.labelsFor({ name: NAMES.inference, version: props.image.tag, component: 'server' });
    emit(this, inferenceServiceAccount(props, meta));
    emit(
      this,
      ConfigMap({
        metadata: {
          name: modelMetadataConfigMapName(props.model.version),
          namespace: props.namespace,
          labels: meta,
        },
        data: { 'model.json': props.modelMetadata },
      }),
    );
    const shadow = props.model.shadow;
    // The pod mounts the shadow's metadata whenever a shadow is pinned: without the ConfigMap it
    // could not start, so a missing text is an error here, not a manifest that fails in the cluster.
    if (shadow && props.shadowMetadata === undefined)
      throw new Error(
        `model.shadow pins ${shadow.version}, but no model.json text was given for it (shadowMetadata)`,
      );
    if (shadow)
      emit(
        this,
        ConfigMap({
          metadata: {
            name: modelMetadataConfigMapName(shadow.version),
            namespace: props.namespace,
            labels: meta,
          },
          data: { 'model.json': props.shadowMetadata! },
        }),
      );
    emit(this, inferenceDeployment(props, meta));
    emit(this, inferenceService(props, meta));
    emit(this, inferenceAutoscaler(props, meta));
    const pdb = inferenceDisruptionBudget(props, meta);
    if (pdb) emit(this, pdb);
    emit(this, inferenceIngress(props, meta));
  }
}
