import { NAMES, PORTS } from '../constants.ts';

/** Grafana datasource provisioning: the environment's own Prometheus, fixed uid for dashboards. */
export function grafanaDatasources(namespace: string) {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        uid: 'prometheus',
        type: 'prometheus',
        access: 'proxy',
        url: `http://${NAMES.prometheus}.${namespace}.svc:${PORTS.prometheus}`,
        isDefault: true,
        editable: false,
        jsonData: { timeInterval: '30s' },
      },
    ],
  };
}

/** Dashboards provider: files from the dashboards ConfigMap, not editable in the UI. */
export function grafanaDashboardProvider() {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'titanic',
        folder: 'Titanic',
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: '/var/lib/grafana-dashboards', foldersFromFilesStructure: false },
      },
    ],
  };
}
