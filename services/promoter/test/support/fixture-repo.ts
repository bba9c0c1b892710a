import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENVIRONMENTS } from '@titanic/platform/environments/schema.ts';
import { synthEnvironments } from '@titanic/platform/synth/render.ts';
import { EnvironmentFile } from '../../src/env-file.ts';
import { git } from './github/git-store.ts';
import type { FixtureModel } from './model-fixture.ts';

const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface Pin {
  readonly model: string;
  readonly image: string;
}

/** A working clone of the fake server's repository, driven with the real git CLI. */
export class WorkingCopy {
  constructor(
    readonly dir: string,
    /** The bare repository it pushes to (kept for callers that log it). */
    readonly remote?: string,
  ) {}

  static async clone(remote: string): Promise<WorkingCopy> {
    const dir = await mkdtemp(join(tmpdir(), 'promoter-clone-'));
    await git(dir, ['clone', '--quiet', remote, '.']);
    return new WorkingCopy(dir, remote);
  }

  run(args: string[], date = new Date()): Promise<string> {
    const stamp = `${Math.floor(date.getTime() / 1000)} +0000`;
    return git(
      this.dir,
      ['-c', 'user.name=Fixture', '-c', 'user.email=fixture@example.invalid', ...args],
      undefined,
      {
        GIT_AUTHOR_DATE: stamp,
        GIT_COMMITTER_DATE: stamp,
      },
    ).then((b) => b.toString().trim());
  }

  async write(path: string, content: string | Buffer): Promise<void> {
    await mkdir(dirname(join(this.dir, path)), { recursive: true });
    await writeFile(join(this.dir, path), content);
  }

  read(path: string): Promise<string> {
    return readFile(join(this.dir, path), 'utf8');
  }

  async commitAll(message: string, date = new Date()): Promise<string> {
    await this.run(['add', '-A']);
    await this.run(['commit', '--quiet', '-m', message], date);
    return this.run(['rev-parse', 'HEAD']);
  }

  async pull(): Promise<void> {
    await this.run(['pull', '--quiet', '--ff-only', 'origin', 'main']);
  }

  async push(): Promise<void> {
    await this.run(['push', '--quiet', 'origin', 'HEAD:main']);
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * Seeds the fake server's repository from this project's own environment files (pins replaced by
 * fixture models), the fixture model registry and dist/ rendered by the project's synth code.
 */
export async function seedRepository(
  remote: string,
  models: readonly FixtureModel[],
  pins: Record<string, Pin>,
  date: Date,
): Promise<WorkingCopy> {
  const root = await mkdtemp(join(tmpdir(), 'promoter-seed-'));
  await git(root, ['init', '--quiet', '--initial-branch=main']);
  await git(root, ['remote', 'add', 'origin', remote]);
  const copy = new WorkingCopy(root, remote);
  for (const m of models) {
    await copy.write(`models/titanic/${m.version}/model.onnx`, m.onnx);
    await copy.write(`models/titanic/${m.version}/model.json`, m.json);
  }
  for (const name of ENVIRONMENTS) {
    const file = EnvironmentFile.parse(
      name,
      await readFile(join(PROJECT, 'environments', `${name}.yaml`), 'utf8'),
    );
    const pin = pins[name]!;
    const model = models.find((m) => m.version === pin.model)!;
    file.setImage(pin.image, undefined);
    file.setModel(pin.model, JSON.parse(model.json).files.onnx.sha256, undefined);
    await copy.write(`environments/${name}.yaml`, file.toString());
  }
  for (const [path, content] of Object.entries(await synthEnvironments({ root })))
    await copy.write(path, content);
  await copy.commitAll('chore: initial platform', date);
  await copy.push();
  return copy;
}
