/**
 * JSON with two-space indentation, except that arrays of plain values stay on one line:
 * model.json holds long number lists (histograms, group member ids) that would otherwise
 * take one line per number. Output is deterministic: key order is insertion order.
 */
export function formatJson(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (
      value.every(
        (v) =>
          v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((w) => typeof w !== 'object')),
      )
    ) {
      return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    }
    return `[\n${value.map((v) => `${inner}${formatJson(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
}
