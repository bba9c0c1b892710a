import { z } from 'zod';
import { liveQualitySchema, shadowModelSchema } from './live-quality.ts';
import { digest, duration, hex64, modelVersion, positiveInt, ratio } from './primitives.ts';

/** The environments a promotion walks through, in order. */
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

const envName = z.enum(ENVIRONMENTS, { error: `expected one of ${ENVIRONMENTS.join(', ')}` });
const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a DNS label (lowercase letters, digits, "-")');
const hostname = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/,
    'expected a DNS host name like titanic.example.com',
  );
const imageRepository = z
  .string()
  .regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/, 'expected an image repository like ghcr.io/org/name');
const tag = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'expected an image tag')
  .refine((t) => t !== 'latest', 'expected a pinned tag, not "latest"');
const cpu = z.string().regex(/^\d+(\.\d+)?m?$/, 'expected a CPU quantity like "250m" or "1"');
const memory = z.string().regex(/^\d+(Ki|Mi|Gi|Ti)$/, 'expected a memory quantity like "256Mi" or "1Gi"');
const storageSize = z.string().regex(/^\d+(Mi|Gi|Ti)$/, 'expected a storage size like "10Gi"');

export const resourcesSchema = z.strictObject({
  requests: z.strictObject({ cpu, memory }),
  limits: z.strictObject({ cpu, memory }),
});

export const imageSchema = z.strictObject({
  repository: imageRepository,
  tag,
  digest: digest.optional(),
});

export const modelSchema = z.strictObject({
  name: dnsLabel,
  version: modelVersion,
  sha256: hex64,
  modelcarRepository: imageRepository,
  digest: digest.optional(),
  shadow: shadowModelSchema.optional(),
});

export const inferenceSchema = z
  .strictObject({
    minReplicas: positiveInt,
    maxReplicas: positiveInt,
    /** HPA target: average CPU utilisation in percent of the request. */
    targetCpuUtilization: z
      .number()
      .int()
      .min(10, 'expected 10..95 (percent)')
      .max(95, 'expected 10..95 (percent)'),
    /** How long the HPA waits before scaling down, in seconds. */
    scaleDownStabilizationSeconds: z.number().int().min(0).max(3600).default(300),
    resources: resourcesSchema,
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
    rateLimit: z.strictObject({ rps: positiveInt, burst: positiveInt }).optional(),
  })
  .refine((v) => v.maxReplicas >= v.minReplicas, {
    path: ['maxReplicas'],
    message: 'expected maxReplicas >= minReplicas',
  });

export const ingressSchema = z.strictObject({
  className: dnsLabel,
  /** TLS is terminated at the ingress controller; a cert-manager issuer may fill the Secret. */
  tls: z.strictObject({ secretName: dnsLabel, clusterIssuer: dnsLabel.optional() }).optional(),
  /** Requests per second per client IP (nginx limit-rps). */
  rateLimitRps: positiveInt,
  /** Largest request body the ingress accepts, e.g. "1m". */
  bodySize: z.string().regex(/^\d+[km]$/, 'expected a size like "512k" or "1m"'),
});

export const postgresSchema = z.strictObject({
  /** Pinned image tag of docker.io/library/postgres, e.g. "16.4". */
  version: z.string().regex(/^\d+\.\d+(-[a-z0-9]+)?$/, 'expected a pinned version like "16.4"'),
  storage: z.strictObject({ size: storageSize, storageClass: dnsLabel.optional() }),
  resources: resourcesSchema,
});

export const alertsSchema = z.strictObject({
  /** p99 request latency above this many seconds pages. */
  p99LatencySeconds: z.number().positive('expected seconds > 0'),
  /** Share of 5xx responses above this ratio pages. */
  errorRatio: ratio,
  /** Population stability index of any feature above the threshold for the window. */
  psi: z.strictObject({ threshold: z.number().positive('expected a PSI > 0'), for: duration }),
  /** Absolute difference between served and training positive rate. */
  predictionShift: ratio,
  /** Prediction log queue depth that means the database is falling behind. */
  logBacklog: positiveInt,
  /** Dropped prediction log rows per second that alert. */
  logDropsPerSecond: z.number().nonnegative('expected a rate >= 0'),
});

const secretRef = z.strictObject({
  /** Secret in the environment's namespace, created by the operator (never in git). */
  secretName: dnsLabel,
  /** Key inside the Secret. */
  key: z.string().regex(/^[-._a-zA-Z0-9]+$/, 'expected a Secret key like "url"'),
});

/**
 * The human receiver every alert pages. Exactly one integration; its secret part (Slack URL, PagerDuty
 * routing key, SMTP password, webhook URL) is read by Alertmanager from a file mounted from `secret`.
 */
export const pagerSchema = z
  .strictObject({
    slack: z
      .strictObject({
        channel: z.string().regex(/^[#@]?[-_a-z0-9]+$/, 'expected a channel like "#titanic-oncall"'),
      })
      .optional(),
    pagerduty: z.strictObject({}).optional(),
    email: z
      .strictObject({
        to: z.email({ error: 'expected an e-mail address' }),
        from: z.email({ error: 'expected an e-mail address' }),
        smarthost: z.string().regex(/^[a-z0-9.-]+:\d+$/, 'expected host:port like smtp.example.com:587'),
        authUsername: z.string().min(1),
      })
      .optional(),
    /** A generic webhook (e.g. an incident tool); the secret is its bearer token. */
    webhook: z
      .strictObject({ url: z.url({ protocol: /^https$/, error: 'expected an https:// URL' }) })
      .optional(),
    /** Slack incoming-webhook URL, PagerDuty routing key, SMTP password or the webhook's bearer token. */
    secret: secretRef,
  })
  .refine((p) => [p.slack, p.pagerduty, p.email, p.webhook].filter(Boolean).length === 1, {
    message: 'expected exactly one of slack, pagerduty, email, webhook',
  });

export const monitoringSchema = z.strictObject({
  retention: duration,
  storage: z.strictObject({ size: storageSize, storageClass: dnsLabel.optional() }),
  /** Host for Grafana's Ingress; absent means reach it with port-forward. */
  grafanaHost: hostname.optional(),
  /** Where Alertmanager sends rollback alerts; default the promoter Service in this namespace. */
  promoterWebhookUrl: z
    .url({
      protocol: /^https?$/,
      error: 'expected an http(s) URL like https://promoter.example.com/hooks/alertmanager',
    })
    .optional(),
  alerts: alertsSchema,
  /** Who is paged for every alert (rollback alerts also go to the promoter). */
  pager: pagerSchema,
});

export const syncWindowSchema = z.strictObject({
  /** Cron schedule of the window start (Argo CD AppProject syncWindows). */
  schedule: z.string().regex(/^(\S+\s+){4}\S+$/, 'expected a five-field cron expression'),
  duration: duration,
  kind: z.enum(['allow', 'deny']).default('allow'),
  timeZone: z.string().default('UTC'),
  /** Whether a human may still sync manually outside the window. */
  manualSync: z.boolean().default(true),
});

export const holdSchema = z
  .strictObject({
    model: modelVersion.optional(),
    image: tag.optional(),
    reason: z.string().min(1, 'expected a reason'),
    since: z.iso.datetime({ error: 'expected an ISO 8601 timestamp like 2026-11-25T10:00:00Z' }),
    by: z.string().optional(),
  })
  .refine((h) => h.model !== undefined || h.image !== undefined, {
    message: 'expected a hold on a model version, an image tag or both',
  });

export const promotionSchema = z.strictObject({
  /** Where versions come from; absent for the first environment. */
  upstream: envName.optional(),
  /**
   * How long the upstream must have stayed alert-free after its verification passed before a
   * version may be promoted here (evidence: the upstream's verification status and its ALERTS).
   */
  minimumSoak: duration,
  /** Largest tolerated drop of cross-validated ROC AUC versus the running model. */
  allowedRegression: z.number().min(0, 'expected a ROC AUC margin in [0, 0.5]').max(0.5),
  holds: z.array(holdSchema).default([]),
});

/**
 * What `promoter verify` watches after Argo CD synced a merged promotion or rollback: the
 * environment must stay alert-free and within these thresholds, for the served model version,
 * for `window`. The result is recorded on the merge commit and gates the next environment.
 */
export const verificationSchema = z.strictObject({
  /** How long the environment is watched once it is Synced and Healthy at the merged bundle. */
  window: duration,
  /** How long to wait for Argo CD to report Synced and Healthy at the merged bundle before failing. */
  syncTimeout: duration,
  /** Largest share of prediction requests answered 5xx during the window. */
  errorRatio: ratio,
  /** Largest p99 prediction latency during the window, in seconds. */
  p99LatencySeconds: z.number().positive('expected seconds > 0'),
  /** Largest difference between the mean predicted probability and the training survival rate. */
  predictionShift: ratio,
});

export const promoterSchema = z.strictObject({
  /** The promoter image (ghcr.io/titanic-ml/titanic-promoter); also runs the credentials Job. */
  image: imageSchema,
  /** GitHub App the promoter acts as; its private key is in the Secret `promoter-github-app`. */
  githubApp: z.strictObject({
    appId: positiveInt,
    installationId: positiveInt,
    /** The App's URL name: its pull requests and commits are authored by `<slug>[bot]`. */
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,33}$/, "expected the App's URL name, like titanic-promoter"),
  }),
});

export const argocdSchema = z.strictObject({
  autoSync: z.boolean(),
  syncWindow: syncWindowSchema.optional(),
});

export const environmentSchema = z.strictObject({
  name: envName,
  namespace: dnsLabel,
  host: hostname,
  image: imageSchema,
  model: modelSchema,
  inference: inferenceSchema,
  ingress: ingressSchema,
  postgres: postgresSchema,
  monitoring: monitoringSchema,
  argocd: argocdSchema,
  promotion: promotionSchema,
  verification: verificationSchema,
  promoter: promoterSchema,
  liveQuality: liveQualitySchema.prefault({}),
  /** Pull secrets (type kubernetes.io/dockerconfigjson) for the project's registry, on every pod that pulls from it. */
  imagePullSecrets: z.array(dnsLabel).default([]),
});

export type Environment = z.infer<typeof environmentSchema>;
export type EnvironmentInput = z.input<typeof environmentSchema>;
export type Resources = z.infer<typeof resourcesSchema>;
