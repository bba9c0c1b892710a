import { resolve } from 'node:path';
import { commandLine, exitWithUsage, UsageError } from '@titanic/features/cli';
import { verifyModel } from './verify.ts';

export const VERIFY_USAGE = `usage: npm run train -- verify --version <v> [--version <v> ...] [--registry DIR]

Retrains each version with the seed and plan its model.json records and fails (exit 1) unless
model.onnx and model.json come out byte-identical. Data as for training (TITANIC_CSV, ...).`;

/** `train verify`: exit code 0 when every version re-derives exactly, 1 otherwise. */
export async function verifyCommand(args: string[], repoRoot: string): Promise<number> {
  const cli = {
    program: 'train verify',
    usage: VERIFY_USAGE,
    config: { options: { version: { type: 'string', multiple: true }, registry: { type: 'string' } } },
    args,
  } as const;
  const { values } = commandLine(cli);
  if (!values.version?.length) exitWithUsage(cli, new UsageError('--version is required'));
  let failed = 0;
  for (const version of values.version) {
    const r = await verifyModel({
      registry: resolve(values.registry ?? resolve(repoRoot, 'models')),
      version,
      csvPath: process.env.TITANIC_CSV || undefined,
      repoRoot,
      url: process.env.TITANIC_CSV_URL || undefined,
    });
    if (r.ok) console.log(`verified ${version}: model.onnx and model.json re-derive byte for byte`);
    else {
      failed += 1;
      console.error(`NOT verified ${version}:\n  ${r.differences.slice(0, 50).join('\n  ')}`);
    }
  }
  return failed === 0 ? 0 : 1;
}
