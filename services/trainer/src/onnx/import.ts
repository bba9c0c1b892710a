import onnxProto from 'onnx-proto';
import type { Tree } from '../models/gbdt.ts';
import type { ScoringModel } from '../models/scoring.ts';
import { ONNX_OPSET } from './export.ts';

const { onnx } = onnxProto;

function floats(t: { floatData?: number[] | null; rawData?: Uint8Array | null } | undefined): number[] {
  if (!t) return [];
  if (t.floatData?.length) return Array.from(t.floatData);
  if (t.rawData?.length) {
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    return Array.from({ length: t.rawData.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
  }
  return [];
}

/**
 * Reads a model written by exportOnnx back into the trainer's ScoringModel, so a committed
 * model.onnx can be scored by the trainer's own arithmetic and compared with onnxruntime.
 * Refuses graphs of another shape instead of guessing.
 */
export function readScoringModel(bytes: Uint8Array): ScoringModel {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error('readScoringModel: the file has no graph');
  if (!model.opsetImport.some((o) => !o.domain && Number(o.version) === ONNX_OPSET))
    throw new Error(`readScoringModel: expected opset ${ONNX_OPSET}`);
  const init = new Map((graph.initializer ?? []).map((t) => [t.name, t]));
  const bias = floats(init.get('bias') ?? undefined);
  if (bias.length !== 1) throw new Error('readScoringModel: expected a one-value bias initializer');
  const weights = init.has('weights') ? floats(init.get('weights') ?? undefined) : null;
  const ensemble = (graph.node ?? []).find((n) => n.opType === 'TreeEnsembleRegressor');
  const trees: Tree[] = [];
  if (ensemble) {
    const attr = new Map((ensemble.attribute ?? []).map((a) => [a.name, a]));
    const ints = (name: string) => (attr.get(name)?.ints ?? []).map(Number);
    const fl = (name: string) => Array.from(attr.get(name)?.floats ?? []);
    const modes = (attr.get('nodes_modes')?.strings ?? []).map((s) => new TextDecoder().decode(s));
    const treeIds = ints('nodes_treeids');
    const nodeIds = ints('nodes_nodeids');
    const featureIds = ints('nodes_featureids');
    const values = fl('nodes_values');
    const trueIds = ints('nodes_truenodeids');
    const falseIds = ints('nodes_falsenodeids');
    treeIds.forEach((t, i) => {
      trees[t] ??= { feature: [], threshold: [], left: [], right: [], value: [] };
      const tree = trees[t]!;
      const id = nodeIds[i]!;
      const leaf = modes[i] === 'LEAF';
      if (!leaf && modes[i] !== 'BRANCH_LEQ')
        throw new Error(`readScoringModel: unsupported mode ${modes[i]}`);
      tree.feature[id] = leaf ? -1 : featureIds[i]!;
      tree.threshold[id] = leaf ? 0 : values[i]!;
      tree.left[id] = leaf ? -1 : trueIds[i]!;
      tree.right[id] = leaf ? -1 : falseIds[i]!;
      tree.value[id] ??= 0;
    });
    const tTrees = ints('target_treeids');
    const tNodes = ints('target_nodeids');
    const tWeights = fl('target_weights');
    tTrees.forEach((t, i) => {
      trees[t]!.value[tNodes[i]!] = tWeights[i]!;
    });
  }
  return { weights, bias: bias[0]!, trees };
}
