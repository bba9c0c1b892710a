import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { EnvironmentChart } from '../../src/charts/environment-chart.ts';
import { emit } from '../../src/charts/k8s.ts';
import { ConfigMap } from '../../src/charts/kinds.ts';

class OneConfigMap extends EnvironmentChart {
  constructor() {
    super(new App(), 'c', { envName: 'qa', namespace: 'titanic-qa' });
    const labels = this.labelsFor({ name: 'thing', version: '1.2.3+build', component: 'part' });
    emit(this, ConfigMap({ metadata: { name: 'thing-config', labels }, data: { a: 'b' } }));
  }
}

describe('EnvironmentChart', () => {
  it("puts objects in the environment's namespace under the names given, with the component's labels", () => {
    const [object] = new OneConfigMap().toJson();
    expect(object.metadata.name).toBe('thing-config');
    expect(object.metadata.namespace).toBe('titanic-qa');
    expect(object.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'thing',
      'app.kubernetes.io/instance': 'thing-qa',
      'app.kubernetes.io/version': '1.2.3_build',
      'app.kubernetes.io/component': 'part',
      'app.kubernetes.io/part-of': 'titanic',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
  });
});
