import { IMAGES, NAMES, PORTS } from '../constants.ts';
import { httpService } from '../http-service.ts';
import { RESTRICTED_CONTAINER, restrictedPod } from '../k8s.ts';
import type { IDeployment, IService } from '../kinds.ts';
import type { Placement } from '../placement.ts';
import { singlePodDeployment } from '../single-pod-deployment.ts';

type Labels = Record<string, string>;
export const ALERTMANAGER_CONFIG_MAP = 'alertmanager-config';
/** Where the promoter's bearer token is mounted; referenced by the webhook's credentials_file. */
export const WEBHOOK_TOKEN_FILE = '/etc/alertmanager/secrets/token';
/** The pager's secret part (Slack URL, PagerDuty key, SMTP password or webhook URL). */
export const PAGER_SECRET_FILE = '/etc/alertmanager/pager/secret';

export interface AlertmanagerProps extends Placement {
  /** The Secret holding the pager's credential (`monitoring.pager.secret`), mounted as a file. */
  readonly pagerSecret: { readonly secretName: string; readonly key: string };
}

export function alertmanagerService(placement: Placement, labels: Labels): IService {
  return httpService(placement, NAMES.alertmanager, PORTS.alertmanager, labels);
}

export function alertmanagerDeployment(
  props: AlertmanagerProps,
  labels: Labels,
  configHash: string,
): IDeployment {
  const probe = (path: string) => ({ httpGet: { path, port: 'http' }, periodSeconds: 15 });
  return singlePodDeployment(props, NAMES.alertmanager, labels, {
    podAnnotations: { 'titanic.ml/config-hash': configHash },
    podSpec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: restrictedPod(65534),
      containers: [
        {
          name: NAMES.alertmanager,
          image: IMAGES.alertmanager,
          args: [
            '--config.file=/etc/alertmanager/alertmanager.yml',
            '--storage.path=/alertmanager',
            '--cluster.listen-address=',
          ],
          ports: [{ name: 'http', containerPort: PORTS.alertmanager, protocol: 'TCP' }],
          resources: {
            requests: { cpu: '10m', memory: '32Mi' },
            limits: { cpu: '200m', memory: '128Mi' },
          },
          securityContext: RESTRICTED_CONTAINER,
          readinessProbe: probe('/-/ready'),
          livenessProbe: probe('/-/healthy'),
          volumeMounts: [
            {
              name: 'config',
              mountPath: '/etc/alertmanager/alertmanager.yml',
              subPath: 'alertmanager.yml',
              readOnly: true,
            },
            { name: 'token', mountPath: '/etc/alertmanager/secrets', readOnly: true },
            { name: 'pager', mountPath: '/etc/alertmanager/pager', readOnly: true },
            { name: 'data', mountPath: '/alertmanager' },
          ],
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: ALERTMANAGER_CONFIG_MAP } },
        {
          name: 'token',
          secret: { secretName: NAMES.promoterWebhookSecret, items: [{ key: 'token', path: 'token' }] },
        },
        {
          name: 'pager',
          secret: {
            secretName: props.pagerSecret.secretName,
            items: [{ key: props.pagerSecret.key, path: 'secret' }],
          },
        },
        { name: 'data', emptyDir: { sizeLimit: '64Mi' } },
      ],
    },
  });
}
