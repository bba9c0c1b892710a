/**
 * Typed constructors for the kinds the charts emit. They use only the `kubernetes-models` /
 * `@kubernetes-models/argo-cd` *types* (compile-time field checks); the model classes, with their
 * schema validators, load only in the tests that validate the render — that keeps the synth fast.
 */

import type { IApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import type { IAppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

type Body<T> = Omit<T, 'apiVersion' | 'kind'>;

export type {
  IApplicationSet,
  IAppProject,
  IConfigMap,
  IDeployment,
  IHorizontalPodAutoscaler,
  IIngress,
  IJob,
  INetworkPolicy,
  IPersistentVolumeClaim,
  IPodDisruptionBudget,
  IRole,
  IRoleBinding,
  IService,
  IServiceAccount,
  IStatefulSet,
};

export const ConfigMap = (o: Body<IConfigMap>): IConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', ...o });
export const Service = (o: Body<IService>): IService => ({ apiVersion: 'v1', kind: 'Service', ...o });
export const ServiceAccount = (o: Body<IServiceAccount>): IServiceAccount => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  ...o,
});
export const PersistentVolumeClaim = (o: Body<IPersistentVolumeClaim>): IPersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  ...o,
});
export const Deployment = (o: Body<IDeployment>): IDeployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  ...o,
});
export const StatefulSet = (o: Body<IStatefulSet>): IStatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  ...o,
});
export const Job = (o: Body<IJob>): IJob => ({ apiVersion: 'batch/v1', kind: 'Job', ...o });
export const HorizontalPodAutoscaler = (o: Body<IHorizontalPodAutoscaler>): IHorizontalPodAutoscaler => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  ...o,
});
export const PodDisruptionBudget = (o: Body<IPodDisruptionBudget>): IPodDisruptionBudget => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  ...o,
});
export const Ingress = (o: Body<IIngress>): IIngress => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  ...o,
});
export const NetworkPolicy = (o: Body<INetworkPolicy>): INetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  ...o,
});
export const Role = (o: Body<IRole>): IRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  ...o,
});
export const RoleBinding = (o: Body<IRoleBinding>): IRoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  ...o,
});
export const AppProject = (o: Body<IAppProject>): IAppProject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AppProject',
  ...o,
});
export const ApplicationSet = (o: Body<IApplicationSet>): IApplicationSet => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  ...o,
});
