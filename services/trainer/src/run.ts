import { join } from 'node:path';
import { FEATURE_NAMES } from '@titanic/features';
import { loadTrainingCsv } from './data/load.ts';
import { type LocateOptions, locateData, sha256Hex } from './data/locate.ts';
import { dataQualityReport } from './data/quality.ts';
import { rocAuc, rocCurve } from './eval/metrics.ts';
import { exportOnnx } from './onnx/export.ts';
import { checkOnnxParity } from './onnx/parity.ts';
import { type Progress, silentProgress } from './progress.ts';
import { buildMetadata, calibrationSummary } from './registry/metadata.ts';
import { modelCard } from './registry/model-card.ts';
import { calibrationSvg, importanceSvg, rocSvg } from './registry/svg.ts';
import { checkVersion, nextVersion } from './registry/version.ts';
import { assertFree, writeVersion } from './registry/write.ts';
import { type TrainedModel, train } from './train.ts';

export interface RunOptions extends LocateOptions {
  readonly seed: number;
  readonly quick: boolean;
  /** Registry root (the folder holding `titanic/`). */
  readonly out: string;
  readonly version?: string | undefined;
  readonly now?: () => Date;
  readonly progress?: Progress;
}

export interface RunResult {
  readonly version: string;
  readonly dir: string;
  readonly onnxSha256: string;
  readonly model: TrainedModel;
  readonly onnx: Uint8Array;
}

export async function runTraining(opts: RunOptions): Promise<RunResult> {
  const progress = opts.progress ?? silentProgress;
  // One clock reading names the version and stamps `created`; an existing version fails before training.
  const now = (opts.now ?? (() => new Date()))();
  const version = opts.version ? checkVersion(opts.version) : nextVersion(join(opts.out, 'titanic'), now);
  assertFree(opts.out, version);
  const source = await locateData(opts);
  progress.info(`data: ${source.origin} (sha256 ${source.sha256})`);
  const rows = loadTrainingCsv(source.text, source.origin);
  const quality = dataQualityReport(rows);
  progress.info(`data: ${quality.rows} rows, survival rate ${quality.positiveRate}`);
  const model = train(rows, { seed: opts.seed, quick: opts.quick, progress });

  const onnx = exportOnnx(model.scoring, {
    featureNames: FEATURE_NAMES,
    metadata: {
      version,
      features: JSON.stringify(FEATURE_NAMES),
      dataset_sha256: source.sha256,
      algorithm: model.algorithm,
    },
    docString: `Titanic survival probability, model ${version}`,
  });
  const parity = await checkOnnxParity(onnx, model.features, model.probabilities);
  progress.info(
    `onnx: onnxruntime matches the trainer on all ${rows.length} rows (max difference ${parity.toExponential(1)})`,
  );
  const onnxSha256 = sha256Hex(onnx);
  const labels = Int8Array.from(rows, (r) => r.survived);
  const metadata = buildMetadata({
    version,
    created: now,
    onnxSha256,
    datasetSha256: source.sha256,
    quality,
    labels,
    model,
  });
  const champion = model.cv.champion;
  const pooledLabels = Array.from({ length: champion.oof.length }, (_, i) => labels[i % labels.length]!);
  const dir = writeVersion(opts.out, {
    onnx,
    metadata,
    card: modelCard(metadata),
    rocSvg: rocSvg(rocCurve(pooledLabels, champion.oof), rocAuc(pooledLabels, champion.oof)),
    importanceSvg: metadata.metrics.importance
      ? importanceSvg(
          metadata.metrics.importance.map((f) => ({
            label: f.field,
            value: f.rocAucDrop.mean,
            spread: f.rocAucDrop.std,
          })),
          'drop in ROC AUC when the field is shuffled',
        )
      : undefined,
    calibrationSvg: calibrationSvg(
      calibrationSummary(champion, labels).flatMap((b) =>
        b.meanPredicted == null || b.observedRate == null
          ? []
          : [
              {
                predicted: b.meanPredicted,
                observed: b.observedRate,
                spread: b.observedRateStd ?? 0,
                count: b.count,
              },
            ],
      ),
    ),
  });
  return { version, dir, onnxSha256, model, onnx };
}
