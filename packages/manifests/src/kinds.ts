/**
 * The kubernetes-models class of every kind the generator may emit, by apiVersion and kind: lets code that only
 * has plain data (e.g. the output of `kustomize build`) construct model instances and validate them.
 * Covers the same kinds as the unknown-field check (data/known-fields.json).
 */
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository';
import { TLSRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/TLSRoute';
import { GrafanaDashboard } from '@kubernetes-models/grafana-operator/grafana.integreatly.org/v1beta1/GrafanaDashboard';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { Prometheus } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Prometheus';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { KubeObject } from './manifest.js';

// biome-ignore lint/suspicious/noExplicitAny: each class takes its own typed data; callers pass parsed YAML.
type ModelClass = new (data: any) => KubeObject;

const MODELS: ReadonlyMap<string, ModelClass> = new Map<string, ModelClass>(
  [
    Application,
    ApplicationSet,
    Kustomization,
    GitRepository,
    Deployment,
    StatefulSet,
    HorizontalPodAutoscaler,
    PodMonitor,
    Prometheus,
    PrometheusRule,
    Certificate,
    Issuer,
    TLSRoute,
    ExternalSecret,
    ServiceMonitor,
    NetworkPolicy,
    PodDisruptionBudget,
    ClusterRole,
    ClusterRoleBinding,
    Role,
    RoleBinding,
    ConfigMap,
    Namespace,
    PersistentVolumeClaim,
    Secret,
    Service,
    ServiceAccount,
    GrafanaDashboard,
  ].map((model) => {
    const sample = new (model as ModelClass)({});
    return [`${sample.apiVersion}/${sample.kind}`, model as ModelClass];
  }),
);

/** The model class for `apiVersion`/`kind`, or undefined for a kind the generator is not meant to emit. */
export function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  return MODELS.get(`${apiVersion}/${kind}`);
}

/** Every `apiVersion/kind` modelFor knows. */
export function modelKinds(): string[] {
  return [...MODELS.keys()].sort();
}
