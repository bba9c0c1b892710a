import { afterAll } from 'vitest';
import { Timeline } from './timeline.ts';

/** Stops what a scenario started; run last-in first-out. */
export type Cleanups = (() => Promise<unknown>)[];

/**
 * A long end-to-end scenario: the timeline its steps run on, printed under `title` after the
 * test, and the list everything it starts registers in, stopped in afterAll whatever step failed.
 */
export function scenario(title: string, steps: number): { timeline: Timeline; cleanups: Cleanups } {
  const timeline = new Timeline(steps);
  const cleanups: Cleanups = [];
  afterAll(async () => {
    console.log(timeline.format(title));
    for (const c of cleanups.reverse()) await c().catch((err) => console.error('cleanup failed:', err));
  }, 60_000);
  return { timeline, cleanups };
}
