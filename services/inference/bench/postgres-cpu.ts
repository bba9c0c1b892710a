import { readdirSync, readFileSync } from 'node:fs';
import { cpuSecondsOf } from './processes.ts';

/**
 * CPU used by every PostgreSQL process on this machine: the second core's main consumer while the
 * service logs predictions (COPY parsing, jsonb encoding, WAL). Counted per scenario so a reader
 * sees what each logged row costs the database, not only the service. Backends that exit between
 * two readings take their CPU with them, so this is a lower bound; the service's pool keeps its
 * connections open for the whole run.
 */
export function postgresCpuSeconds(): number | undefined {
  let total = 0;
  let found = false;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm !== 'postgres' && !comm.startsWith('postgres:')) continue;
    found = true;
    total += cpuSecondsOf(Number(entry));
  }
  return found ? total : undefined;
}
