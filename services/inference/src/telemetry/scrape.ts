import type { RequestListener } from 'node:http';
import type { Metrics } from './metrics.ts';

/** How long one rendering of /metrics is served again: scrapers poll every 15–60 s. */
const CACHE_MS = 1000;

export interface Scrape {
  readonly contentType: string;
  /** The exposition text, rendered at most once per second however often it is asked for. */
  text(): Promise<string>;
}

/**
 * /metrics rendering (the drift index is computed then, ~1 ms of CPU) shared by every caller in
 * the same second, so a flood of scrapes costs the predictions next to nothing.
 */
export function cachedScrape(metrics: Metrics, refresh: () => void): Scrape {
  let rendered: Promise<string> | undefined;
  let at = 0;
  return {
    contentType: metrics.registry.contentType,
    text() {
      const now = performance.now();
      if (!rendered || now - at >= CACHE_MS) {
        at = now;
        refresh();
        rendered = metrics.registry.metrics();
        rendered.catch(() => {
          rendered = undefined;
        });
      }
      return rendered;
    },
  };
}

/** The metrics port's whole server: GET /metrics, 404 for anything else. */
export function metricsHandler(scrape: Scrape): RequestListener {
  return (req, res) => {
    if (req.url !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    scrape.text().then(
      (text) => res.writeHead(200, { 'content-type': scrape.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
    );
  };
}
