/**
 * Two small, dependency-free SVG charts for the model card: a ROC curve and a reliability
 * diagram. Numbers are printed with fixed precision so the files are deterministic.
 */
const W = 360;
const H = 360;
const M = 44;
const f = (v: number) => v.toFixed(2);
const sx = (x: number) => M + x * (W - 2 * M);
const sy = (y: number) => H - M - y * (H - 2 * M);

function frame(title: string, xLabel: string, yLabel: string, body: string): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (t) =>
        `<text x="${f(sx(t))}" y="${H - M + 16}" text-anchor="middle">${t}</text>` +
        `<text x="${M - 6}" y="${f(sy(t) + 4)}" text-anchor="end">${t}</text>` +
        `<line x1="${f(sx(t))}" y1="${f(sy(0))}" x2="${f(sx(t))}" y2="${f(sy(1))}" stroke="#eee"/>` +
        `<line x1="${f(sx(0))}" y1="${f(sy(t))}" x2="${f(sx(1))}" y2="${f(sy(t))}" stroke="#eee"/>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<title>${title}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    ticks,
    `<rect x="${M}" y="${M}" width="${W - 2 * M}" height="${H - 2 * M}" fill="none" stroke="#333"/>`,
    `<line x1="${f(sx(0))}" y1="${f(sy(0))}" x2="${f(sx(1))}" y2="${f(sy(1))}" stroke="#999" stroke-dasharray="4 3"/>`,
    body,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="13">${title}</text>`,
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle">${xLabel}</text>`,
    `<text transform="translate(12 ${H / 2}) rotate(-90)" text-anchor="middle">${yLabel}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

export function rocSvg(points: ReadonlyArray<readonly [number, number]>, auc: number): string {
  // Inner points of straight vertical or horizontal runs add bytes, not shape.
  const corners = points.filter((p, i) => {
    const a = points[i - 1];
    const b = points[i + 1];
    return !a || !b || !((a[0] === p[0] && p[0] === b[0]) || (a[1] === p[1] && p[1] === b[1]));
  });
  const path = corners.map(([x, y], i) => `${i ? 'L' : 'M'}${f(sx(x))} ${f(sy(y))}`).join(' ');
  return frame(
    `ROC curve (pooled out-of-fold), AUC ${auc.toFixed(3)}`,
    'false positive rate',
    'true positive rate',
    `<path d="${path}" fill="none" stroke="#1f77b4" stroke-width="2"/>`,
  );
}

export interface ReliabilityPoint {
  readonly predicted: number;
  readonly observed: number;
  readonly spread: number;
  readonly count: number;
}

export function calibrationSvg(points: readonly ReliabilityPoint[]): string {
  const body = points
    .map(
      (p) =>
        `<line x1="${f(sx(p.predicted))}" y1="${f(sy(Math.max(0, p.observed - p.spread)))}" x2="${f(sx(p.predicted))}" y2="${f(sy(Math.min(1, p.observed + p.spread)))}" stroke="#d62728"/>` +
        `<circle cx="${f(sx(p.predicted))}" cy="${f(sy(p.observed))}" r="${f(2 + Math.min(6, Math.sqrt(p.count) / 3))}" fill="#d62728"><title>${p.count} rows: predicted ${p.predicted.toFixed(3)}, observed ${p.observed.toFixed(3)} ± ${p.spread.toFixed(3)}</title></circle>`,
    )
    .join('\n');
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${f(sx(p.predicted))} ${f(sy(p.observed))}`).join(' ');
  return frame(
    'Calibration (out-of-fold, 10 bins, ± fold std)',
    'mean predicted survival',
    'observed survival rate',
    `<path d="${line}" fill="none" stroke="#d62728"/>\n${body}`,
  );
}

export interface ImportanceBar {
  readonly label: string;
  readonly value: number;
  /** Spread across folds, drawn as a whisker. */
  readonly spread: number;
}

/** Horizontal bars, largest first as given; negative values (noise) draw to the left of zero. */
export function importanceSvg(bars: readonly ImportanceBar[], xLabel: string): string {
  const width = 480;
  const left = 90;
  const right = 24;
  const top = 34;
  const row = 22;
  const height = top + bars.length * row + 40;
  const lo = Math.min(0, ...bars.map((b) => b.value - b.spread));
  const hi = Math.max(1e-6, ...bars.map((b) => b.value + b.spread));
  const x = (v: number) => left + ((v - lo) / (hi - lo)) * (width - left - right);
  const body = bars
    .map((b, i) => {
      const y = top + i * row;
      const x0 = x(Math.min(0, b.value));
      const x1 = x(Math.max(0, b.value));
      return (
        `<text x="${left - 6}" y="${f(y + 14)}" text-anchor="end">${b.label}</text>` +
        `<rect x="${f(x0)}" y="${f(y + 3)}" width="${f(Math.max(0.5, x1 - x0))}" height="${row - 8}" fill="#1f77b4"><title>${b.label}: ${b.value.toFixed(4)} ± ${b.spread.toFixed(4)}</title></rect>` +
        `<line x1="${f(x(b.value - b.spread))}" y1="${f(y + 10)}" x2="${f(x(b.value + b.spread))}" y2="${f(y + 10)}" stroke="#333"/>`
      );
    })
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    '<title>Permutation importance (out-of-fold)</title>',
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<line x1="${f(x(0))}" y1="${top}" x2="${f(x(0))}" y2="${top + bars.length * row}" stroke="#999"/>`,
    body,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="13">Permutation importance (out-of-fold, ± fold std)</text>`,
    `<text x="${f(x(lo))}" y="${top + bars.length * row + 16}" text-anchor="middle">${lo.toFixed(3)}</text>`,
    `<text x="${f(x(hi))}" y="${top + bars.length * row + 16}" text-anchor="middle">${hi.toFixed(3)}</text>`,
    `<text x="${(left + width - right) / 2}" y="${height - 8}" text-anchor="middle">${xLabel}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
