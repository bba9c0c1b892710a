import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatFile } from './cat-file.ts';

/** Identity and time of a commit, as git stores them. */
export interface Signature {
  name: string;
  email: string;
  date: string;
}
export interface RawCommit {
  sha: string;
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  message: string;
}
export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  path: string;
  size?: number;
}

export class GitError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** Runs git in a repository; stdin is optional, stdout comes back as bytes. */
export function git(
  dir: string,
  args: string[],
  input?: Buffer | string,
  env: NodeJS.ProcessEnv = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: dir,
      env: { ...process.env, ...env, GIT_TERMINAL_PROMPT: '0' },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else {
        const e = new GitError(
          `git ${args[0]} failed (${code}): ${Buffer.concat(err).toString().trim()}`,
          code ?? -1,
        );
        (e as GitError & { stdout: Buffer }).stdout = Buffer.concat(out);
        reject(e);
      }
    });
    if (input !== undefined) {
      child.stdin!.on('error', () => {});
      child.stdin!.end(input);
    }
  });
}

function parseSignature(line: string): Signature {
  const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!m) throw new Error(`unreadable signature: ${line}`);
  return {
    name: m[1]!,
    email: m[2]!,
    date: new Date(Number(m[3]) * 1000).toISOString().replace('.000Z', 'Z'),
  };
}

/**
 * A bare repository driven only through git plumbing, the way GitHub's git data API exposes it:
 * blobs, trees, commits and refs are real git objects.
 */
export class GitStore {
  private readonly objects: CatFile;

  private constructor(readonly dir: string) {
    this.objects = new CatFile(dir);
  }

  static async create(): Promise<GitStore> {
    const dir = await mkdtemp(join(tmpdir(), 'fake-github-'));
    await git(dir, ['init', '--bare', '--quiet', '--initial-branch=main']);
    return new GitStore(dir);
  }

  async dispose(): Promise<void> {
    this.objects.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  run(args: string[], input?: Buffer | string, env?: NodeJS.ProcessEnv): Promise<Buffer> {
    return git(this.dir, args, input, env);
  }

  async type(sha: string): Promise<string | undefined> {
    return (await this.objects.read(sha))?.type;
  }

  async writeBlob(content: Buffer): Promise<string> {
    return (await this.run(['hash-object', '-w', '--stdin'], content)).toString().trim();
  }

  async readBlob(sha: string): Promise<Buffer> {
    const o = await this.objects.read(sha);
    if (o?.type !== 'blob') throw new GitError(`${sha} is not a blob`, 128);
    return o.content;
  }

  async readCommit(sha: string): Promise<RawCommit> {
    const o = await this.objects.read(sha);
    if (o?.type !== 'commit') throw new GitError(`${sha} is not a commit`, 128);
    const raw = o.content.toString();
    const split = raw.indexOf('\n\n');
    const head = raw.slice(0, split).split('\n');
    const message = raw.slice(split + 2);
    const field = (name: string) =>
      head.filter((l) => l.startsWith(`${name} `)).map((l) => l.slice(name.length + 1));
    return {
      sha,
      tree: field('tree')[0]!,
      parents: field('parent'),
      author: parseSignature(field('author')[0]!),
      committer: parseSignature(field('committer')[0]!),
      message,
    };
  }

  async writeCommit(c: Omit<RawCommit, 'sha'>): Promise<string> {
    const args = ['commit-tree', c.tree, ...c.parents.flatMap((p) => ['-p', p]), '-F', '-'];
    const stamp = (s: Signature) => `${Math.floor(Date.parse(s.date) / 1000)} +0000`;
    const env = {
      GIT_AUTHOR_NAME: c.author.name,
      GIT_AUTHOR_EMAIL: c.author.email,
      GIT_AUTHOR_DATE: stamp(c.author),
      GIT_COMMITTER_NAME: c.committer.name,
      GIT_COMMITTER_EMAIL: c.committer.email,
      GIT_COMMITTER_DATE: stamp(c.committer),
    };
    return (await this.run(args, c.message, env)).toString().trim();
  }

  async listTree(sha: string, recursive: boolean): Promise<TreeEntry[]> {
    const out = (await this.run(['ls-tree', '-z', '-l', ...(recursive ? ['-r', '-t'] : []), sha])).toString();
    return out
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const [meta, path] = line.split('\t') as [string, string];
        const [mode, type, objectSha, size] = meta.split(/\s+/) as [
          string,
          TreeEntry['type'],
          string,
          string,
        ];
        return { mode, type, sha: objectSha, path, ...(size !== '-' ? { size: Number(size) } : {}) };
      });
  }

  /** The entry at exactly `path` in a tree (empty when absent). */
  async listPath(tree: string, path: string): Promise<TreeEntry[]> {
    const out = (await this.run(['ls-tree', '-z', '-l', tree, '--', path])).toString();
    return out
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const [meta, p] = line.split('\t') as [string, string];
        const [mode, type, sha, size] = meta.split(/\s+/) as [string, TreeEntry['type'], string, string];
        return { mode, type, sha, path: p, ...(size !== '-' ? { size: Number(size) } : {}) };
      })
      .filter((e) => e.path === path);
  }

  /** Applies path-level changes onto an optional base tree (sha null deletes), like POST /git/trees. */
  async writeTree(
    base: string | undefined,
    changes: Array<{ path: string; mode: string; sha: string | null }>,
  ) {
    const index = join(this.dir, `index-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const env = { GIT_INDEX_FILE: index };
    try {
      if (base) await this.run(['read-tree', base], undefined, env);
      else await this.run(['read-tree', '--empty'], undefined, env);
      const info = changes
        .map((c) => (c.sha === null ? `0 ${'0'.repeat(40)}\t${c.path}` : `${c.mode} ${c.sha}\t${c.path}`))
        .join('\n');
      await this.run(['update-index', '--index-info'], `${info}\n`, env);
      return (await this.run(['write-tree'], undefined, env)).toString().trim();
    } finally {
      await rm(index, { force: true });
    }
  }

  async resolveRef(ref: string): Promise<string | undefined> {
    try {
      return (await this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).toString().trim();
    } catch {
      return undefined;
    }
  }

  async listRefs(prefix: string): Promise<Array<{ ref: string; sha: string }>> {
    const out = (await this.run(['for-each-ref', '--format=%(refname) %(objectname)', prefix])).toString();
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [ref, sha] = l.split(' ') as [string, string];
        return { ref, sha };
      });
  }

  async setRef(ref: string, sha: string): Promise<void> {
    await this.run(['update-ref', ref, sha]);
  }

  async deleteRef(ref: string): Promise<void> {
    await this.run(['update-ref', '-d', ref]);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    try {
      await this.run(['merge-base', '--is-ancestor', ancestor, descendant]);
      return true;
    } catch {
      return false;
    }
  }

  /** Commits reachable from `sha`, newest first, optionally only those touching `path`. */
  async log(sha: string, path?: string): Promise<string[]> {
    const out = (await this.run(['log', '--format=%H', sha, ...(path ? ['--', path] : [])])).toString();
    return out.split('\n').filter(Boolean);
  }

  /** Three-way merge of two commits into a tree; undefined when it conflicts. */
  async mergeTree(ours: string, theirs: string): Promise<string | undefined> {
    try {
      return (await this.run(['merge-tree', '--write-tree', ours, theirs])).toString().split('\n')[0]!.trim();
    } catch {
      return undefined;
    }
  }
}
