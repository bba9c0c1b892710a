import { describe, expect, it } from 'vitest';
import { DriftWindow } from '../../src/telemetry/drift-window.ts';
import { Metrics } from '../../src/telemetry/metrics.ts';

const histograms = [{ feature: 'a', edges: [0.5], counts: [50, 50] }];

/** The sample lines (not HELP/TYPE) of one metric in an exposition text. */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
}

describe('window gauges', () => {
  it('exports no served rate or mean probability until the window has a passenger', async () => {
    const metrics = new Metrics();
    metrics.setWindow(new DriftWindow({ size: 4, features: ['a'], histograms }));
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('titanic_served_positive_rate');
    expect(text).not.toContain('titanic_served_mean_probability');
  });

  it('exports the mean predicted probability beside the share predicted survived', async () => {
    const metrics = new Metrics();
    const window = new DriftWindow({ size: 4, features: ['a'], histograms });
    window.add(Float32Array.from([0, 1, 1]), 3, [0.9, 0.3, 0.3], 0.5);
    metrics.setWindow(window);
    // A second scrape must not register the gauges twice.
    metrics.setWindow(window);
    const text = await metrics.registry.metrics();
    expect(samples(text, 'titanic_served_positive_rate')).toEqual([`titanic_served_positive_rate ${1 / 3}`]);
    const [mean] = samples(text, 'titanic_served_mean_probability');
    expect(Number(mean?.split(' ')[1])).toBeCloseTo(0.5, 6);
    expect(text).toContain('# TYPE titanic_served_mean_probability gauge');
  });
});
