import { gitopsDashboard } from './gitops.ts';
import { inferenceDashboard } from './inference.ts';

/** Dashboard files the grafana chart provisions: file name → dashboard JSON. */
export function dashboards(): Record<string, unknown> {
  return {
    'titanic-gitops.json': gitopsDashboard(),
    'titanic-inference.json': inferenceDashboard(),
  };
}
