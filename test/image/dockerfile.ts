import { readFile } from 'node:fs/promises';
import { DockerfileParser, Env, JSONInstruction } from 'dockerfile-ast';

/** The runtime configuration an image gets from the last stage of its Dockerfile. */
export interface ImageConfig {
  /** The last stage's FROM, e.g. `node:24-slim@sha256:…`. */
  readonly base: string;
  /** ENV of the last stage, in order. */
  readonly env: ReadonlyArray<readonly [string, string]>;
  readonly workdir: string;
  readonly user: string | undefined;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
}

function jsonForm(file: string, instruction: JSONInstruction): string[] {
  if (!instruction.getOpeningBracket() || !instruction.getClosingBracket())
    throw new Error(
      `${file}: ${instruction.getKeyword()} must use the exec form ["…"], so the command is what the pod runs`,
    );
  return instruction.getJSONStrings().map((s) => s.getJSONValue());
}

/**
 * Reads ENV, WORKDIR, USER, ENTRYPOINT and CMD of the final stage. ENTRYPOINT and CMD must be set
 * there explicitly (a base image's own values are not known here) unless `command: false` says the
 * image runs no command of its own (the modelcar: FROM scratch, a file for init containers).
 */
export async function readImageConfig(
  file: string,
  options: { command?: boolean } = {},
): Promise<ImageConfig> {
  const dockerfile = DockerfileParser.parse(await readFile(file, 'utf8'));
  const froms = dockerfile.getFROMs();
  const last = froms.at(-1);
  if (!last) throw new Error(`${file}: no FROM`);
  const from = last.getRange().start.line;
  const stage = dockerfile.getInstructions().filter((i) => i.getRange().start.line >= from);
  const env: [string, string][] = [];
  let workdir = '/';
  let user: string | undefined;
  let entrypoint: string[] | undefined;
  let cmd: string[] | undefined;
  for (const instruction of stage) {
    const keyword = instruction.getKeyword();
    if (instruction instanceof Env)
      for (const p of instruction.getProperties()) env.push([p.getName(), p.getUnescapedValue() ?? '']);
    else if (keyword === 'WORKDIR') {
      const dir = instruction.getArgumentsContent() ?? '/';
      workdir = dir.startsWith('/') ? dir : `${workdir.replace(/\/$/, '')}/${dir}`;
    } else if (keyword === 'USER') user = instruction.getArgumentsContent() ?? undefined;
    else if (keyword === 'ENTRYPOINT' && instruction instanceof JSONInstruction) {
      entrypoint = jsonForm(file, instruction);
      cmd = undefined; // Docker resets an inherited CMD when ENTRYPOINT is set
    } else if (keyword === 'CMD' && instruction instanceof JSONInstruction) cmd = jsonForm(file, instruction);
  }
  if (options.command === false)
    return { base: last.getImage() ?? '', env, workdir, user, entrypoint: entrypoint ?? [], cmd: cmd ?? [] };
  if (!entrypoint || !cmd)
    throw new Error(
      `${file}: the final stage must set ENTRYPOINT and CMD itself (the base image's are not known here)`,
    );
  return { base: last.getImage() ?? '', env, workdir, user, entrypoint, cmd };
}
