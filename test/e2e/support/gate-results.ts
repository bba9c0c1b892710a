import type { GateResult } from '@titanic/promoter/gates.ts';

/** The gates that refused, each as `gate: detail`, for assertions and failure messages. */
export const failures = (gates: readonly GateResult[]): string[] =>
  gates.filter((g) => !g.ok).map((g) => `${g.gate}: ${g.detail}`);

/** The named gate's result; every promotion runs it. */
export const gate = (gates: readonly GateResult[], name: GateResult['gate']): GateResult =>
  gates.find((g) => g.gate === name)!;
