import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModelMetadata } from '@titanic/features';
import type { Environment } from '../../../environments/schema.ts';

/**
 * The training positive rate of the model an environment pins, read from the registry entry
 * (models/<name>/<version>/model.json). It is baked into the rule so that a promotion PR, which
 * re-renders dist/, also moves the prediction-shift baseline with the model.
 */
export function trainingPositiveRate(env: Environment, modelsDir: string): number {
  const file = join(modelsDir, env.model.name, env.model.version, 'model.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new Error(
      `${file}: cannot read the model metadata (${code}); environments/${env.name}.yaml model.version ` +
        `pins ${env.model.version}: train it with npm run train or pin a version that exists`,
    );
  }
  const parsed = parseModelMetadata(text, file);
  if (!parsed.ok) throw new Error(`${parsed.reason}; re-run the trainer`);
  return parsed.meta.trainingPositiveRate;
}
