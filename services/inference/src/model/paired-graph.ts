import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type Graph = onnxProto.onnx.IGraphProto;

/** Decoded repeated fields may be absent. */
const list = <T>(items: T[] | null | undefined): T[] => items ?? [];

/** Where the shadow's names live in the paired graph, apart from the served model's. */
const SHADOW_SCOPE = 'shadow/';

export interface GraphSide {
  readonly bytes: Uint8Array;
  readonly inputName: string;
  readonly outputName: string;
}

export type PairedGraph =
  | {
      readonly ok: true;
      readonly bytes: Uint8Array;
      /** The shadow's input: undefined when it reads the served model's. */
      readonly shadowInput: string | undefined;
      readonly shadowOutput: string;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * One ONNX graph holding the served model and the shadow side by side: the served graph
 * untouched, the shadow's nodes, initializers and values renamed under `shadow/`, each answering
 * its own output. With `shareInput` (both encode passengers alike) the shadow reads the served
 * model's input; otherwise it takes its own, `shadow/<input>`. One onnxruntime run then scores a
 * batch with both models, which costs far less per request than a second session's run; the
 * served model's nodes are the same, so its answers are the same.
 *
 * Pairs only what keeps each side's meaning: the same IR version, the same operator-set version
 * for every domain both use, no subgraphs, and no input beyond the features. Anything else is a
 * reason, and the shadow runs in its own session instead.
 */
export function pairGraphs(served: GraphSide, shadow: GraphSide, shareInput: boolean): PairedGraph {
  const a = onnx.ModelProto.decode(served.bytes);
  const b = onnx.ModelProto.decode(shadow.bytes);
  if (!a.graph || !b.graph) return { ok: false, reason: 'a model file has no graph' };
  if (Number(a.irVersion) !== Number(b.irVersion))
    return { ok: false, reason: `IR versions differ (${a.irVersion} and ${b.irVersion})` };
  const opsets = new Map<string, number>();
  for (const o of list(a.opsetImport)) opsets.set(o.domain ?? '', Number(o.version));
  for (const o of list(b.opsetImport)) {
    const domain = o.domain ?? '';
    const version = Number(o.version);
    const known = opsets.get(domain);
    if (known !== undefined && known !== version)
      return { ok: false, reason: `operator set ${domain || 'ai.onnx'} differs (${known} and ${version})` };
    opsets.set(domain, version);
  }
  const problem = graphProblem(b.graph, shadow.inputName) ?? graphProblem(a.graph, served.inputName);
  if (problem) return { ok: false, reason: problem };

  const rename = (name: string | null | undefined) =>
    !name ? '' : shareInput && name === shadow.inputName ? served.inputName : SHADOW_SCOPE + name;
  const g = b.graph;
  const shadowOutput = rename(shadow.outputName);
  const output = list(g.output).find((o) => o.name === shadow.outputName);
  if (!output) return { ok: false, reason: `the shadow's graph has no output ${shadow.outputName}` };
  const paired = onnx.ModelProto.create({
    ...a,
    opsetImport: [...opsets].map(([domain, version]) => onnx.OperatorSetIdProto.create({ domain, version })),
    graph: onnx.GraphProto.create({
      ...a.graph,
      node: [
        ...list(a.graph.node),
        ...list(g.node).map((n) =>
          onnx.NodeProto.create({
            ...n,
            name: n.name ? SHADOW_SCOPE + n.name : '',
            input: list(n.input).map(rename),
            output: list(n.output).map(rename),
          }),
        ),
      ],
      initializer: [
        ...list(a.graph.initializer),
        ...list(g.initializer).map((t) => onnx.TensorProto.create({ ...t, name: rename(t.name) })),
      ],
      valueInfo: [
        ...list(a.graph.valueInfo),
        ...list(g.valueInfo).map((v) => onnx.ValueInfoProto.create({ ...v, name: rename(v.name) })),
      ],
      // Initializers a graph also lists as inputs (older IR versions) stay listed, renamed.
      input: [
        ...list(a.graph.input),
        ...list(g.input)
          .filter((i) => !shareInput || i.name !== shadow.inputName)
          .map((i) => onnx.ValueInfoProto.create({ ...i, name: rename(i.name) })),
      ],
      output: [...list(a.graph.output), onnx.ValueInfoProto.create({ ...output, name: shadowOutput })],
    }),
  });
  return {
    ok: true,
    bytes: onnx.ModelProto.encode(paired).finish(),
    shadowInput: shareInput ? undefined : rename(shadow.inputName),
    shadowOutput,
  };
}

/** Why a graph cannot be paired as written, or undefined. */
function graphProblem(graph: Graph, inputName: string): string | undefined {
  const initializers = new Set(list(graph.initializer).map((t) => t.name));
  const inputs = list(graph.input)
    .filter((i) => !initializers.has(i.name))
    .map((i) => i.name);
  if (inputs.length !== 1 || inputs[0] !== inputName)
    return `graph ${graph.name || '(unnamed)'} takes inputs [${inputs.join(', ')}], not only ${inputName}`;
  if (list(graph.sparseInitializer).length > 0)
    return `graph ${graph.name || '(unnamed)'} has sparse initializers`;
  for (const n of list(graph.node))
    if (list(n.attribute).some((at) => at.g || list(at.graphs).length > 0))
      return `node ${n.name || n.opType} holds a subgraph`;
  return undefined;
}
