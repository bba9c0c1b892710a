import { linkSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The embedded database directory is in use by another running process. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holderPid: number,
  ) {
    super(
      `DATA_DIR ${dir} is in use by process ${holderPid} (lock file ${join(dir, LOCK_FILE)}). ` +
        'Fix: stop that process, or give this one its own DATA_DIR',
    );
    this.name = 'DataDirLockedError';
  }
}

const LOCK_FILE = 'inference.lock';

/** Whether a process with this id runs on this machine (EPERM: it runs, as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holder(path: string): { pid: number; host: string } | undefined {
  try {
    const [pid, host] = readFileSync(path, 'utf8').split('\n');
    const n = Number(pid);
    return Number.isSafeInteger(n) && n > 0 ? { pid: n, host: host ?? '' } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes `dir`'s lock for this process: two PGlite instances on one directory each believe they
 * own it and overwrite each other's pages. A lock left by a process that no longer runs (or by
 * an earlier life of this pid, as pid 1 in a restarted container) is taken over. Returns the
 * release function.
 */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new Error(
      `DATA_DIR: cannot create ${dir} (${(err as NodeJS.ErrnoException).code}). Fix: point DATA_DIR at a writable folder`,
    );
  }
  for (let attempt = 0; ; attempt++) {
    // Written whole, then linked into place: link fails when the lock exists, so exactly one
    // process wins and nobody ever reads a half-written lock.
    const mine = `${path}.${process.pid}`;
    writeFileSync(mine, `${process.pid}\n${hostname()}\n`, { mode: 0o600 });
    try {
      linkSync(mine, path);
      return () => {
        if (holder(path)?.pid === process.pid) unlinkSync(path);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(mine, { force: true });
    }
    const current = holder(path);
    const stale =
      current === undefined ||
      current.pid === process.pid ||
      (current.host === hostname() && !running(current.pid));
    if (!stale || attempt > 0) throw new DataDirLockedError(dir, current?.pid ?? 0);
    try {
      unlinkSync(path);
    } catch {
      // Another process removed it first; the next `wx` decides between us.
    }
  }
}
