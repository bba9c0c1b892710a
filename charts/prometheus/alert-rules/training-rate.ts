import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelMetadataSchema } from '@titanic/features';
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
  const parsed = modelMetadataSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}; re-run the trainer`);
  }
  return parsed.data.trainingPositiveRate;
}
