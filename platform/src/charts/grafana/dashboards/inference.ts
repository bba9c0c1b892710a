import {
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
} from '@grafana/grafana-foundation-sdk/common';
import {
  type Dashboard,
  DashboardBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as HeatmapPanel } from '@grafana/grafana-foundation-sdk/heatmap';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PREDICTION_ROUTES } from '../../prometheus/alert-rules/context.ts';
import {
  DATASOURCE,
  datasourceVariable,
  envVariable,
  finalize,
  heatmap,
  INFERENCE,
  series,
  table,
  tablePanel,
  timeseries,
} from './common.ts';

export const INFERENCE_UID = 'titanic-inference';

const sel = (...extra: string[]) => `{${[INFERENCE, ...extra].join(',')}}`;
const RATE = '[$__rate_interval]';
const PREDICT = `route=~"${PREDICTION_ROUTES}"`;

function latencyQuantile(q: number, refId: string) {
  return series(
    `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket${sel(PREDICT)}${RATE})))`,
    `p${Math.round(q * 100)}`,
    refId,
  );
}

function meanBatch(metric: string, legend: string, refId: string) {
  return series(
    `sum(rate(${metric}_sum${sel()}${RATE})) / sum(rate(${metric}_count${sel()}${RATE}))`,
    legend,
    refId,
  );
}

/** The inference service: traffic, errors, latency, model behaviour, drift, prediction log, process. */
export function inferenceDashboard(): Dashboard {
  const dashboard = new DashboardBuilder('Titanic inference service')
    .uid(INFERENCE_UID)
    .description(
      'Requests, latency, predictions, drift and the prediction log of the Titanic inference pods.',
    )
    .tags(['titanic', 'inference', 'generated'])
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .timezone('utc')
    .readonly()
    .withVariable(datasourceVariable())
    .withVariable(envVariable())
    .withRow(new RowBuilder('Traffic and errors'))
    .withPanel(
      timeseries(
        'Requests per second by route and status',
        'Every HTTP request the pods answered.',
        'reqps',
      ).withTarget(
        series(`sum by (route, status) (rate(http_requests_total${sel()}${RATE}))`, '{{route}} {{status}}'),
      ),
    )
    .withPanel(
      timeseries(
        'Share of prediction requests answered with 5xx',
        'Server errors over all prediction requests; 4xx (client mistakes) are excluded.',
        'percentunit',
      )
        .min(0)
        .withTarget(
          series(
            `(sum(rate(http_requests_total${sel(PREDICT, 'status=~"5.."')}${RATE})) or vector(0)) / sum(rate(http_requests_total${sel(PREDICT)}${RATE}))`,
            '5xx share',
          ),
        ),
    )
    .withPanel(
      timeseries(
        'Client and server errors per second by status',
        'Responses with status 4xx or 5xx.',
        'reqps',
      ).withTarget(
        series(`sum by (status) (rate(http_requests_total${sel('status=~"[45].."')}${RATE}))`, '{{status}}'),
      ),
    )
    .withPanel(
      timeseries('Prediction latency quantiles (p50, p90, p99)', 'Time to answer prediction requests.', 's')
        .withTarget(latencyQuantile(0.5, 'A'))
        .withTarget(latencyQuantile(0.9, 'B'))
        .withTarget(latencyQuantile(0.99, 'C')),
    )
    .withRow(new RowBuilder('Model'))
    .withPanel(
      timeseries(
        'Predictions per second by outcome and model version',
        'Passengers scored.',
        'ops',
      ).withTarget(
        series(
          `sum by (model_version, outcome) (rate(titanic_predictions_total${sel()}${RATE}))`,
          '{{outcome}} ({{model_version}})',
        ),
      ),
    )
    .withPanel(
      new HeatmapPanel()
        .title('Distribution of predicted survival probability')
        .description('How many predictions fell in each probability bucket per interval.')
        .datasource(DATASOURCE)
        .height(8)
        .span(12)
        .withTarget(heatmap(`sum by (le) (increase(titanic_prediction_probability_bucket${sel()}${RATE}))`)),
    )
    .withPanel(
      timeseries(
        'Mean batch sizes: passengers per request and rows per model run',
        'Requests may carry several passengers; the server coalesces concurrent requests into one model run.',
        'short',
      )
        .withTarget(meanBatch('titanic_request_batch_size', 'passengers per request', 'A'))
        .withTarget(meanBatch('titanic_inference_batch_size', 'rows per model run', 'B')),
    )
    .withPanel(
      tablePanel(
        'Model version, sha256 and image served per pod',
        'From titanic_model_info: what each pod actually loaded.',
      ).withTarget(table(`max by (env, instance, version, sha256, image) (titanic_model_info${sel()})`)),
    )
    .withPanel(
      timeseries(
        'Population stability index per feature (recent inputs vs training)',
        'PSI of the sliding window of served inputs against the training histograms in model.json. ' +
          'Below 0.1 stable, 0.1 to 0.25 moderate shift, above 0.25 significant shift.',
        'none',
      )
        .min(0)
        .thresholds(
          new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
            { value: null, color: 'green' },
            { value: 0.1, color: 'orange' },
            { value: 0.25, color: 'red' },
          ]),
        )
        .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
        .withTarget(series(`max by (feature) (titanic_feature_psi${sel()})`, '{{feature}}')),
    )
    .withPanel(
      timeseries(
        'Mean predicted survival and share predicted survived (recent window)',
        'Mean probability vs the training survival rate in the model card is the prediction-shift signal; ' +
          'the share predicted survived also depends on the 0.5 threshold.',
        'percentunit',
      )
        .min(0)
        .max(1)
        .withTarget(series(`titanic_served_mean_probability${sel()}`, 'mean probability {{instance}}'))
        .withTarget(series(`titanic_served_positive_rate${sel()}`, 'share survived {{instance}}')),
    )
    .withPanel(
      new StatPanel()
        .title('Pods with a loaded model')
        .description('Targets that are up and report titanic_model_ready = 1.')
        .datasource(DATASOURCE)
        .height(4)
        .span(6)
        .withTarget(series(`sum(titanic_model_ready${sel()})`, 'ready pods')),
    )
    .withRow(new RowBuilder('Prediction log'))
    .withPanel(
      timeseries(
        'Prediction log queue depth per pod',
        'Rows waiting to be written to Postgres.',
        'short',
      ).withTarget(series(`titanic_prediction_log_queue_depth${sel()}`, '{{instance}}')),
    )
    .withPanel(
      timeseries(
        'Prediction log rows written, dropped and failed flushes per second',
        'A database outage never fails a prediction: its log rows queue, then drop.',
        'ops',
      )
        .withTarget(series(`sum(rate(titanic_prediction_log_written_total${sel()}${RATE}))`, 'written', 'A'))
        .withTarget(
          series(
            `sum by (reason) (rate(titanic_prediction_log_dropped_total${sel()}${RATE}))`,
            'dropped ({{reason}})',
            'B',
          ),
        )
        .withTarget(
          series(
            `sum(rate(titanic_prediction_log_flush_errors_total${sel()}${RATE}))`,
            'failed flushes',
            'C',
          ),
        ),
    )
    .withRow(new RowBuilder('Process'))
    .withPanel(
      timeseries('CPU used per pod (cores)', 'process_cpu_seconds_total rate.', 'short').withTarget(
        series(`rate(process_cpu_seconds_total${sel()}${RATE})`, '{{instance}}'),
      ),
    )
    .withPanel(
      timeseries(
        'Resident memory and JS heap per pod',
        'RSS of the Node.js process and the V8 heap in use.',
        'bytes',
      )
        .withTarget(series(`process_resident_memory_bytes${sel()}`, 'rss {{instance}}', 'A'))
        .withTarget(
          series(`sum by (instance) (nodejs_heap_size_used_bytes${sel()})`, 'heap {{instance}}', 'B'),
        ),
    )
    .build();
  return finalize(dashboard);
}
