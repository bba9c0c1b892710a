import onnxProto from 'onnx-proto';
import type { ScoringModel } from '../models/scoring.ts';

const { onnx } = onnxProto;
const AT = onnx.AttributeProto.AttributeType;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

export const ONNX_INPUT = 'features';
export const ONNX_OUTPUT = 'probability';
export const ONNX_OPSET = 17;
const ML_OPSET = 3;

export interface ExportOptions {
  readonly featureNames: readonly string[];
  readonly metadata: Record<string, string>;
  readonly docString?: string;
}

const enc = new TextEncoder();
type Attr = ReturnType<typeof onnx.AttributeProto.create>;
const ints = (name: string, v: number[]): Attr =>
  onnx.AttributeProto.create({ name, type: AT.INTS, ints: v });
const floats = (name: string, v: number[]): Attr =>
  onnx.AttributeProto.create({ name, type: AT.FLOATS, floats: v });
const str = (name: string, v: string): Attr =>
  onnx.AttributeProto.create({ name, type: AT.STRING, s: enc.encode(v) });
const strs = (name: string, v: string[]): Attr =>
  onnx.AttributeProto.create({ name, type: AT.STRINGS, strings: v.map((s) => enc.encode(s)) });
const int = (name: string, v: number): Attr => onnx.AttributeProto.create({ name, type: AT.INT, i: v });

function floatTensor(name: string, dims: number[], values: number[]) {
  return onnx.TensorProto.create({ name, dims, dataType: FLOAT, floatData: values });
}

function tensorInfo(name: string, dims: Array<number | string>) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            typeof d === 'number'
              ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
              : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

/** ai.onnx.ml TreeEnsembleRegressor: one target, summed leaves, BRANCH_LEQ splits (x <= t goes to the true branch). */
function treeEnsembleNode(m: ScoringModel, input: string, output: string) {
  const n = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    values: [] as number[],
    modes: [] as string[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    tTree: [] as number[],
    tNode: [] as number[],
    tWeight: [] as number[],
  };
  m.trees.forEach((t, ti) => {
    for (let i = 0; i < t.feature.length; i++) {
      const isLeaf = t.feature[i]! < 0;
      n.treeIds.push(ti);
      n.nodeIds.push(i);
      n.featureIds.push(isLeaf ? 0 : t.feature[i]!);
      n.values.push(isLeaf ? 0 : t.threshold[i]!);
      n.modes.push(isLeaf ? 'LEAF' : 'BRANCH_LEQ');
      n.trueIds.push(isLeaf ? 0 : t.left[i]!);
      n.falseIds.push(isLeaf ? 0 : t.right[i]!);
      if (isLeaf) {
        n.tTree.push(ti);
        n.tNode.push(i);
        n.tWeight.push(t.value[i]!);
      }
    }
  });
  return onnx.NodeProto.create({
    name: 'trees',
    opType: 'TreeEnsembleRegressor',
    domain: 'ai.onnx.ml',
    input: [input],
    output: [output],
    attribute: [
      str('aggregate_function', 'SUM'),
      int('n_targets', 1),
      ints('nodes_falsenodeids', n.falseIds),
      ints('nodes_featureids', n.featureIds),
      strs('nodes_modes', n.modes),
      ints('nodes_nodeids', n.nodeIds),
      ints('nodes_treeids', n.treeIds),
      ints('nodes_truenodeids', n.trueIds),
      floats('nodes_values', n.values),
      str('post_transform', 'NONE'),
      ints(
        'target_ids',
        n.tTree.map(() => 0),
      ),
      ints('target_nodeids', n.tNode),
      ints('target_treeids', n.tTree),
      floats('target_weights', n.tWeight),
    ],
  });
}

/**
 * Writes the scoring model as ONNX: `features` float32 [N, F] → `probability` float32 [N].
 * The graph is MatMul (linear part) + Add (bias) + TreeEnsembleRegressor (trees) + Sigmoid,
 * then a Reshape from [N, 1] to [N].
 */
export function exportOnnx(m: ScoringModel, opts: ExportOptions): Uint8Array {
  const F = opts.featureNames.length;
  const nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  const inits = [
    floatTensor('bias', [1], [m.bias]),
    onnx.TensorProto.create({ name: 'flat', dims: [1], dataType: INT64, int64Data: [-1] }),
  ];
  let logit = 'bias_only';
  if (m.weights) {
    inits.push(floatTensor('weights', [F, 1], m.weights));
    nodes.push(
      onnx.NodeProto.create({
        name: 'linear',
        opType: 'MatMul',
        input: [ONNX_INPUT, 'weights'],
        output: ['linear'],
      }),
    );
    nodes.push(
      onnx.NodeProto.create({
        name: 'add_bias',
        opType: 'Add',
        input: ['linear', 'bias'],
        output: ['logit_linear'],
      }),
    );
    logit = 'logit_linear';
  }
  if (m.trees.length) {
    nodes.push(treeEnsembleNode(m, ONNX_INPUT, 'tree_sum'));
    const lhs = m.weights ? 'logit_linear' : 'bias';
    nodes.push(
      onnx.NodeProto.create({
        name: 'add_trees',
        opType: 'Add',
        input: [lhs, 'tree_sum'],
        output: ['logit'],
      }),
    );
    logit = 'logit';
  }
  if (logit === 'bias_only') throw new Error('exportOnnx: the model has neither weights nor trees');
  nodes.push(
    onnx.NodeProto.create({ name: 'sigmoid', opType: 'Sigmoid', input: [logit], output: ['probability_2d'] }),
  );
  nodes.push(
    onnx.NodeProto.create({
      name: 'flatten',
      opType: 'Reshape',
      input: ['probability_2d', 'flat'],
      output: [ONNX_OUTPUT],
    }),
  );

  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'titanic-trainer',
    producerVersion: '1',
    docString: opts.docString ?? 'Titanic survival probability',
    opsetImport: [
      onnx.OperatorSetIdProto.create({ domain: '', version: ONNX_OPSET }),
      onnx.OperatorSetIdProto.create({ domain: 'ai.onnx.ml', version: ML_OPSET }),
    ],
    graph: onnx.GraphProto.create({
      name: 'titanic',
      node: nodes,
      initializer: inits,
      input: [tensorInfo(ONNX_INPUT, ['N', F])],
      output: [tensorInfo(ONNX_OUTPUT, ['N'])],
    }),
    metadataProps: Object.entries(opts.metadata).map(([key, value]) =>
      onnx.StringStringEntryProto.create({ key, value }),
    ),
  });
  return onnx.ModelProto.encode(model).finish();
}
