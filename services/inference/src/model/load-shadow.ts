import type { Config } from '../config.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { type LoadedModel, loadModel } from './load.ts';
import { Shadow } from './shadow.ts';

/**
 * The configured shadow model, loaded and self-tested, or undefined. A shadow that cannot be
 * loaded never stops the served model: the failure is logged, counted
 * (titanic_shadow_load_failures_total) and visible as titanic_shadow_ready 0.
 */
export async function loadShadow(
  config: Config,
  primary: { version: string; model: LoadedModel; threshold: number },
  deps: { metrics: Metrics; logger: Logger },
): Promise<Shadow | undefined> {
  const path = config.shadowModelPath;
  if (!path) return undefined;
  const { metrics, logger } = deps;
  metrics.shadowConfigured.set(1);
  try {
    const model = await loadModel({ modelPath: path, expectedSha256: config.shadowModelSha256 });
    if (model.metadata.version === primary.version)
      throw new Error(`the shadow is the served model ${primary.version}; pin another version as the shadow`);
    const shadow = new Shadow(model, primary, {
      metrics,
      logger,
      maxRows: config.batchMaxRows,
      window: config.psiWindow,
    });
    await shadow.selfTest();
    metrics.shadowInfo.set({ version: shadow.version, sha256: model.sha256 }, 1);
    metrics.shadowReady.set(1);
    logger.info(
      { shadowPath: path, shadow: shadow.version, sameEncoder: shadow.sameEncoder },
      'shadow model loaded',
    );
    return shadow;
  } catch (err) {
    metrics.shadowLoadFailures.inc();
    logger.error(
      { shadowPath: path, err: (err as Error).message },
      'the shadow model cannot be loaded; serving the primary model without a shadow. Fix: check SHADOW_MODEL_PATH and SHADOW_MODEL_SHA256',
    );
    return undefined;
  }
}
