/** Where training reports what it is doing; the CLI prints it, tests stay quiet. */
export interface Progress {
  step(phase: string, done: number, total: number, detail: string): void;
  info(message: string): void;
}

export const silentProgress: Progress = { step() {}, info() {} };

/** Rewrites one status line on a terminal; prints every tenth step when piped into a log. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let open = false;
  return {
    step(phase, done, total, detail) {
      const width = 24;
      const filled = Math.round((done / total) * width);
      const line = `${phase.padEnd(6)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${detail}`;
      if (tty) {
        stream.write(`\r\x1b[2K${line}`);
        open = done < total;
        if (!open) stream.write('\n');
      } else if (done === total || done % 10 === 1) {
        stream.write(`${line}\n`);
      }
    },
    info(message) {
      if (open) stream.write('\n');
      open = false;
      stream.write(`${message}\n`);
    },
  };
}
