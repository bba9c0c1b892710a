import { parser } from '@prometheus-io/lezer-promql';

export interface Matcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export interface Selector {
  /** Metric name, or undefined for `{__name__=~"…"}`-style selectors. */
  readonly metric?: string;
  readonly matchers: readonly Matcher[];
  /** The selector as written, for messages. */
  readonly text: string;
}

/** PromQL string literal → value ("…" and '…' use Go escapes, `…` is raw). */
function unquote(literal: string): string {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  const body = literal.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t' })[c] ?? c);
  return body;
}

/**
 * Every vector selector of a PromQL expression with its metric name and label matchers, read from
 * the syntax tree of Prometheus' own grammar (@prometheus-io/lezer-promql, the parser of the
 * Prometheus UI). A syntax error throws with the position.
 */
export function selectorsOf(expr: string): Selector[] {
  const tree = parser.parse(expr);
  const out: Selector[] = [];
  let error: string | undefined;
  tree.iterate({
    enter(node) {
      if (node.type.isError && error === undefined)
        error = `PromQL syntax error at ${node.from}: ${expr.slice(Math.max(0, node.from - 20), node.from + 20)}`;
      if (node.name !== 'VectorSelector') return;
      const text = expr.slice(node.from, node.to);
      const cursor = node.node;
      const metric = cursor.getChild('Identifier');
      const matchers: Matcher[] = [];
      const list = cursor.getChild('LabelMatchers');
      for (const m of list?.getChildren('UnquotedLabelMatcher') ?? []) {
        const label = m.getChild('LabelName');
        const op = m.getChild('MatchOp');
        const value = m.getChild('StringLiteral');
        if (!label || !op || !value) continue;
        matchers.push({
          label: expr.slice(label.from, label.to),
          op: expr.slice(op.from, op.to) as Matcher['op'],
          value: unquote(expr.slice(value.from, value.to)),
        });
      }
      out.push({ ...(metric ? { metric: expr.slice(metric.from, metric.to) } : {}), matchers, text });
      return false;
    },
  });
  if (error) throw new Error(error);
  return out;
}

/** `metric{one matcher}` in PromQL syntax, for /api/v1/series. */
export function selectorWith(metric: string, matchers: readonly Matcher[]): string {
  const inner = matchers.map((m) => `${m.label}${m.op}${JSON.stringify(m.value)}`).join(',');
  return `${metric}{${inner}}`;
}
