import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export interface GitObject {
  readonly type: string;
  readonly content: Buffer;
}

/**
 * One long-running `git cat-file --batch` per repository: reading objects is what the server does
 * most, and a process per read is slow on a busy machine.
 */
export class CatFile {
  private child: ChildProcessWithoutNullStreams | undefined;
  private buffer = Buffer.alloc(0);
  private readonly pending: Array<(o: GitObject | undefined) => void> = [];

  constructor(private readonly dir: string) {}

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['cat-file', '--batch'], { cwd: this.dir });
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    child.stdin.on('error', () => {});
    child.on('exit', () => {
      this.child = undefined;
      for (const resolve of this.pending.splice(0)) resolve(undefined);
    });
    this.child = child;
    return child;
  }

  private drain(): void {
    while (this.pending.length > 0) {
      const eol = this.buffer.indexOf(0x0a);
      if (eol < 0) return;
      const header = this.buffer.subarray(0, eol).toString();
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buffer = this.buffer.subarray(eol + 1);
        this.pending.shift()!(undefined);
        continue;
      }
      const [, type, size] = header.split(' ');
      const end = eol + 1 + Number(size);
      if (this.buffer.length < end + 1) return;
      const content = Buffer.from(this.buffer.subarray(eol + 1, end));
      this.buffer = this.buffer.subarray(end + 1);
      this.pending.shift()!({ type: type!, content });
    }
  }

  read(sha: string): Promise<GitObject | undefined> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return Promise.resolve(undefined);
    const child = this.start();
    return new Promise((resolve) => {
      this.pending.push(resolve);
      child.stdin.write(`${sha}\n`);
    });
  }

  stop(): void {
    this.child?.stdin.end();
    this.child?.kill();
  }
}
