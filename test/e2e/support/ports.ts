import { freePorts } from '../../observability/e2e/processes.ts';

export { freePorts };

/** One loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}
