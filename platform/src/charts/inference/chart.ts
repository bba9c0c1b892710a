import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { NAMES } from '../constants.ts';
import { emit } from '../k8s.ts';
import { ConfigMap } from '../kinds.ts';
import { labels } from '../labels.ts';
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
}

/** The prediction server: Deployment with the modelcar init step, Service, HPA, PDB, Ingress. */
export class InferenceChart extends Chart {
  constructor(scope: Construct, id: string, props: InferenceChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    const meta = labels({
      name: NAMES.inference,
      env: props.envName,
      version: props.image.tag,
      component: 'server',
    });
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
    emit(this, inferenceDeployment(props, meta));
    emit(this, inferenceService(props, meta));
    emit(this, inferenceAutoscaler(props, meta));
    const pdb = inferenceDisruptionBudget(props, meta);
    if (pdb) emit(this, pdb);
    emit(this, inferenceIngress(props, meta));
  }
}
