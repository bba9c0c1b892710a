import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's static busybox (busybox-static): it stands in for the busybox image's binary. */
export const BUSYBOX = '/bin/busybox';

/** Fails loudly, naming the Debian package, when bubblewrap or the static busybox is missing. */
export function requireSandboxTools(): void {
  try {
    execFileSync('bwrap', ['--version'], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(
      `bubblewrap (bwrap) is required to run the image test: apt-get install bubblewrap (${(err as Error).message})`,
    );
  }
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} is required: apt-get install busybox-static`);
  // The init containers' images have no loader or libraries: busybox must run alone in a root.
  try {
    execFileSync('bwrap', ['--unshare-user', '--ro-bind', BUSYBOX, '/busybox', '--', '/busybox', 'true'], {
      stdio: 'pipe',
    });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(
      `${BUSYBOX} does not run in an empty root (${e.stderr?.toString().trim() || e.message}): it must be the static busybox, apt-get install busybox-static`,
    );
  }
  if (process.getuid?.() === 0) {
    try {
      execFileSync('setpriv', ['--version'], { stdio: 'pipe' });
    } catch {
      throw new Error('setpriv (util-linux) is required to drop from root to the pod user');
    }
  }
}

/** A directory or file of the image, bound read-only at `target`. */
export interface Layer {
  readonly source: string;
  readonly target: string;
}

/** A volume mount: read-only unless the pod mounts it writable. */
export interface Mount extends Layer {
  readonly readOnly: boolean;
}

export interface ContainerSandbox {
  /** The image's filesystem: its layers, and whether it carries a Debian userland (the host's). */
  readonly layers: readonly Layer[];
  readonly debian: boolean;
  /** The node binary the image's /usr/local/bin/node stands for. */
  readonly node?: string;
  readonly mounts: readonly Mount[];
  readonly workdir: string;
  readonly uid: number;
  readonly gid: number;
  readonly argv: readonly string[];
}

/** Runs `argv` as uid:gid: root drops to that host user first; anyone else maps to it in a user namespace. */
export function asUser(uid: number, gid: number, argv: readonly string[]): string[] {
  return process.getuid?.() === 0
    ? ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', ...argv]
    : [...argv];
}

/**
 * The bwrap command line of one container: its own mount, PID (the command is PID 1) and IPC
 * namespaces; a root filesystem made only of the image's layers and the pod's volumes, read-only
 * except the volumes mounted writable. Network and hostname are the pod's (see pod-network.mjs).
 */
export function containerCommand(box: ContainerSandbox): string[] {
  const args = ['bwrap', '--unshare-user', '--uid', String(box.uid), '--gid', String(box.gid)];
  args.push('--unshare-pid', '--as-pid-1', '--unshare-ipc', '--die-with-parent', '--new-session');
  if (box.debian) {
    // The host's Debian userland stands in for node:24-slim's; /usr/local holds only node, as there.
    args.push('--ro-bind', '/usr', '/usr', '--ro-bind', '/etc', '/etc');
    for (const dir of ['bin', 'lib', 'lib64', 'sbin']) args.push('--symlink', `usr/${dir}`, `/${dir}`);
    args.push('--tmpfs', '/usr/local', '--dir', '/usr/local/bin');
    if (box.node) args.push('--ro-bind', box.node, '/usr/local/bin/node');
    args.push('--remount-ro', '/usr/local');
  }
  for (const l of box.layers) args.push('--ro-bind', l.source, l.target);
  args.push('--proc', '/proc', '--dev', '/dev');
  for (const m of box.mounts) args.push(m.readOnly ? '--ro-bind' : '--bind', m.source, m.target);
  args.push('--chdir', box.workdir, '--remount-ro', '/', '--', ...box.argv);
  return args;
}

/**
 * The pod's sandbox: a user, network, UTS and IPC namespace that holds pod-network.mjs. The host
 * is visible read-only except `dir` (the pod's volumes and sockets).
 */
export function podCommand(pod: {
  hostname: string;
  dir: string;
  uid: number;
  gid: number;
  argv: readonly string[];
}): string[] {
  return [
    'bwrap',
    '--ro-bind',
    '/',
    '/',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--bind',
    pod.dir,
    pod.dir,
    '--unshare-user',
    '--uid',
    String(pod.uid),
    '--gid',
    String(pod.gid),
    '--unshare-net',
    '--unshare-uts',
    '--hostname',
    pod.hostname,
    '--unshare-ipc',
    '--die-with-parent',
    '--',
    ...pod.argv,
  ];
}
