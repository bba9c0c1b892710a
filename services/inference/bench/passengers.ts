/** Deterministic, varied passengers for load generation (a small LCG, no dependency). */
export function passengers(count: number, seed = 1): Record<string, unknown>[] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  const ports = ['S', 'C', 'Q', null] as const;
  return Array.from({ length: count }, () => {
    const pclass = 1 + Math.floor(next() * 3);
    return {
      pclass,
      sex: next() < 0.35 ? 'female' : 'male',
      age: next() < 0.2 ? null : Math.round(next() * 800) / 10,
      sibsp: Math.floor(next() * 3),
      parch: Math.floor(next() * 3),
      fare: Math.round((next() * 100 + (3 - pclass) * 30) * 100) / 100,
      embarked: ports[Math.floor(next() * ports.length)],
    };
  });
}
