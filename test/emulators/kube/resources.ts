// The resources the emulator serves: the ones the collectors list plus the common neighbours a
// real client may touch. Paths, kinds and scopes are those of a real API server.

export interface ResourceDef {
  group: string; // '' for the core group
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
}

const core = (plural: string, kind: string, namespaced = true): ResourceDef => ({ group: '', version: 'v1', plural, kind, namespaced });
const g = (group: string, version: string, plural: string, kind: string, namespaced = true): ResourceDef => ({
  group,
  version,
  plural,
  kind,
  namespaced,
});

export const RESOURCES: readonly ResourceDef[] = [
  core('namespaces', 'Namespace', false),
  core('nodes', 'Node', false),
  core('pods', 'Pod'),
  core('services', 'Service'),
  core('endpoints', 'Endpoints'),
  core('configmaps', 'ConfigMap'),
  core('secrets', 'Secret'),
  core('serviceaccounts', 'ServiceAccount'),
  core('events', 'Event'),
  core('persistentvolumeclaims', 'PersistentVolumeClaim'),
  core('persistentvolumes', 'PersistentVolume', false),
  g('events.k8s.io', 'v1', 'events', 'Event'),
  g('apps', 'v1', 'deployments', 'Deployment'),
  g('apps', 'v1', 'daemonsets', 'DaemonSet'),
  g('apps', 'v1', 'statefulsets', 'StatefulSet'),
  g('apps', 'v1', 'replicasets', 'ReplicaSet'),
  g('batch', 'v1', 'jobs', 'Job'),
  g('batch', 'v1', 'cronjobs', 'CronJob'),
  g('rbac.authorization.k8s.io', 'v1', 'roles', 'Role'),
  g('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding'),
  g('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  g('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
  g('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy'),
  g('networking.k8s.io', 'v1', 'ingresses', 'Ingress'),
];

export function groupVersion(r: ResourceDef): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** Key of a resource in the store: "plural.group" like kubectl's fully qualified names. */
export function resourceKey(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

export function findResource(group: string, version: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The resource an object belongs to, from its apiVersion and kind. */
export function resourceOfObject(apiVersion: string | undefined, kind: string | undefined): ResourceDef | undefined {
  if (!apiVersion || !kind) return undefined;
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return RESOURCES.find((r) => r.group === group && r.version === version && r.kind === kind);
}
