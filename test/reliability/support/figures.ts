import { appendFileSync } from 'node:fs';

/**
 * Prints a drill's measured figures (they go into docs/reliability.md) and, when
 * RELIABILITY_FIGURES names a file, appends them there as one JSON line per drill.
 */
export function recordFigure(drill: string, figures: Record<string, number | string>): void {
  const line = JSON.stringify({ drill, at: new Date().toISOString(), ...figures });
  console.log(`reliability figure ${line}`);
  const file = process.env.RELIABILITY_FIGURES;
  if (file) appendFileSync(file, `${line}\n`);
}
