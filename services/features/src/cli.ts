import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * A command line that cannot be run as written: the caller prints `<program>: <message>` and the
 * usage to stderr and exits 2, the convention of every command of this repository.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const HELP = new Set(['--help', '-h']);

/** The command line asks for help: `--help` or `-h` anywhere before a `--` terminator. */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => HELP.has(a));
}

/**
 * `parseArgs` in strict mode; every parse failure (unknown flag, missing value, stray positional)
 * becomes a UsageError whose message names the argument.
 */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs({ strict: true, ...config }) as ReturnType<typeof parseArgs<T>>;
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      throw new UsageError((error as Error).message);
    throw error;
  }
}

/** A numeric option: finite and at least `min`, or a UsageError naming the flag. */
export function numberOption(flag: string, value: string, min = 0): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min)
    throw new UsageError(`--${flag} ${JSON.stringify(value)} is not a number ≥ ${min}`);
  return n;
}

export interface Cli<T extends ParseArgsConfig> {
  /** Name printed before every problem, as in `train: Unknown option '--sed'`. */
  readonly program: string;
  /** Printed to stdout for `--help` (exit 0) and to stderr after a usage error (exit 2). */
  readonly usage: string;
  readonly config: T;
  /** Arguments after the command; defaults to `process.argv.slice(2)`. */
  readonly args?: string[];
}

/**
 * Parses a script's command line, or ends the process: `--help` prints the usage and exits 0, a
 * usage error prints the problem and the usage and exits 2. Scripts call it first, before any work.
 */
export function commandLine<T extends ParseArgsConfig>(cli: Cli<T>): ReturnType<typeof parseArgs<T>> {
  const args = cli.args ?? process.argv.slice(2);
  if (wantsHelp(args)) {
    process.stdout.write(`${cli.usage}\n`);
    process.exit(0);
  }
  try {
    return parseCommandLine({ ...cli.config, args }) as ReturnType<typeof parseArgs<T>>;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return exitWithUsage(cli, error);
  }
}

/** Runs a script's own argument checks (numberOption, ...): a UsageError ends the process with exit 2. */
export function checkedArguments<R>(cli: Pick<Cli<ParseArgsConfig>, 'program' | 'usage'>, check: () => R): R {
  try {
    return check();
  } catch (error) {
    if (error instanceof UsageError) exitWithUsage(cli, error);
    throw error;
  }
}

/** Prints `<program>: <problem>` and the usage to stderr and exits 2. */
export function exitWithUsage(
  cli: Pick<Cli<ParseArgsConfig>, 'program' | 'usage'>,
  error: UsageError,
): never {
  process.stderr.write(`${cli.program}: ${error.message}\n${cli.usage}\n`);
  process.exit(2);
}
