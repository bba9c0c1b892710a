import client from 'prom-client';
import { DROP_REASONS } from '../db/prediction-log.ts';
import type { LiveScores } from '../feedback/live-window.ts';
import { METRICS } from './metric-definitions.ts';
import { metricFields } from './metric-fields.ts';

interface HttpChildren {
  readonly count: client.Counter.Internal;
  readonly duration: client.Histogram.Internal<'route' | 'method' | 'status'>;
}

/**
 * Every metric the service exports (one field per entry of METRICS), in its own registry so
 * several servers can live in one process (tests). Label children are cached: resolving labels
 * costs more than the increment.
 */
export class Metrics extends metricFields(METRICS) {
  readonly #http = new Map<string, HttpChildren>();

  constructor() {
    super();
    client.collectDefaultMetrics({ register: this.registry });
    // The runtime's exact version tells an attacker which advisories apply; the image tag is in
    // titanic_model_info.
    this.registry.removeSingleMetric('nodejs_version_info');
    this.modelReady.set(0);
    this.logQueueDepth.set(0);
    this.logWritten.inc(0);
    this.logFlushErrors.inc(0);
    for (const reason of DROP_REASONS) this.logDropped.inc({ reason }, 0);
    this.feedbackReceived.inc(0);
    this.feedbackWritten.inc(0);
    this.feedbackFlushErrors.inc(0);
    this.feedbackQueueDepth.set(0);
    this.feedbackLookupFailures.inc(0);
    this.shadowConfigured.set(0);
    this.shadowReady.set(0);
    this.shadowLoadFailures.inc(0);
    for (const reason of DROP_REASONS) this.feedbackDropped.inc({ reason }, 0);
  }

  /** The shadow window's comparison gauges (at scrape time). */
  setShadow(
    model_version: string,
    shadow_version: string,
    stats: { agreement: number; psi: number } | undefined,
  ): void {
    if (!stats) return;
    this.shadowPsi.set({ model_version, shadow_version }, stats.psi);
    this.shadowWindowAgreement.set({ model_version, shadow_version }, stats.agreement);
  }

  /** The live-quality gauges from the window's current state (at scrape time). */
  setLive(live: { versions(): string[]; scores(version: string): LiveScores | undefined }): void {
    for (const g of [this.liveLabels, this.liveAccuracy, this.liveBrier, this.liveLogLoss]) g.reset();
    for (const model_version of live.versions()) {
      const s = live.scores(model_version);
      if (!s) continue;
      this.liveLabels.set({ model_version }, s.labelled);
      this.liveAccuracy.set({ model_version }, s.accuracy);
      this.liveBrier.set({ model_version }, s.brier);
      this.liveLogLoss.set({ model_version }, s.logLoss);
    }
  }

  observeHttp(route: string, method: string, status: number, seconds: number): void {
    const key = `${route}\u0000${method}\u0000${status}`;
    let children = this.#http.get(key);
    if (!children) {
      const labels = { route, method, status: String(status) };
      children = { count: this.httpRequests.labels(labels), duration: this.httpDuration.labels(labels) };
      this.#http.set(key, children);
    }
    children.count.inc();
    children.duration.observe(seconds);
  }

  /** The drift gauges from the window's current state (at scrape time). */
  setWindow(window: {
    psi(): { feature: string; value: number }[];
    positiveRate(): number | undefined;
    meanProbability(): number | undefined;
  }): void {
    this.featurePsi.reset();
    for (const { feature, value } of window.psi()) this.featurePsi.set({ feature }, value);
    const rate = window.positiveRate();
    const mean = window.meanProbability();
    if (rate === undefined || mean === undefined) return;
    if (!this.registry.getSingleMetric('titanic_served_positive_rate')) {
      this.registry.registerMetric(this.servedPositiveRate);
      this.registry.registerMetric(this.servedMeanProbability);
    }
    this.servedPositiveRate.set(rate);
    this.servedMeanProbability.set(mean);
  }

  /** Children for one model version, resolved once. */
  forModel(version: string) {
    const survived = this.predictions.labels({ model_version: version, outcome: 'survived' });
    const died = this.predictions.labels({ model_version: version, outcome: 'died' });
    survived.inc(0);
    died.inc(0);
    return {
      survived,
      died,
      probability: this.probability.series({ model_version: version }),
      v1Size: this.requestBatchSize.labels({ api: 'v1' }),
      v2Size: this.requestBatchSize.labels({ api: 'v2' }),
    };
  }
}
