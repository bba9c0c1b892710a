import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Environment } from '../../environments/schema.ts';
import { NAMES } from '../constants.ts';
import { emit } from '../k8s.ts';
import { ConfigMap } from '../kinds.ts';
import { labels } from '../labels.ts';
import { inferenceDeployment, modelMetadataConfigMapName } from './deployment.ts';
import {
  inferenceAutoscaler,
  inferenceDisruptionBudget,
  inferenceIngress,
  inferenceService,
  inferenceServiceAccount,
} from './edge.ts';

export interface InferenceChartProps {
  readonly env: Environment;
  /** Exact text of models/<name>/<version>/model.json; the server reads it beside model.onnx. */
  readonly modelMetadata: string;
}

/** The prediction server: Deployment with the modelcar init step, Service, HPA, PDB, Ingress. */
export class InferenceChart extends Chart {
  constructor(scope: Construct, id: string, props: InferenceChartProps) {
    super(scope, id, { namespace: props.env.namespace, disableResourceNameHashes: true });
    const { env } = props;
    const meta = labels({
      name: NAMES.inference,
      env: env.name,
      version: env.image.tag,
      component: 'server',
    });
    emit(this, inferenceServiceAccount(env, meta));
    emit(
      this,
      ConfigMap({
        // Versioned name: a new model rolls the pods, a rollback finds the old one again.
        metadata: { name: modelMetadataConfigMapName(env), namespace: env.namespace, labels: meta },
        data: { 'model.json': props.modelMetadata },
      }),
    );
    emit(this, inferenceDeployment(env, meta));
    emit(this, inferenceService(env, meta));
    emit(this, inferenceAutoscaler(env, meta));
    const pdb = inferenceDisruptionBudget(env, meta);
    if (pdb) emit(this, pdb);
    emit(this, inferenceIngress(env, meta));
  }
}
