// The RBAC objects Kubernetes creates in every cluster (its bootstrap policy, data/defaultRbac.json).
// Built-in ClusterRoles stand in for a referenced role the input does not hold (a chart or a
// manifests folder binds to cluster-admin without shipping it); the default bindings are the only
// grants baselined as the platform's own, matched on name, role and subjects, never on a prefix.
import data from './data/defaultRbac.json' with { type: 'json' };
import type { KubeObject } from '../model.js';

export interface DefaultBinding {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  namespace: string;
  name: string;
  roleRefKind: 'ClusterRole' | 'Role';
  roleRef: string;
  /** Every subject the platform may bind ("Kind/name", ServiceAccounts "ServiceAccount/namespace/name"). */
  subjects: readonly string[];
}

interface RoleData {
  name: string;
  labels: Record<string, string>;
  aggregationRule?: unknown;
  rules: unknown[];
}
interface BindingData {
  kind: string;
  namespace?: string;
  name: string;
  roleRefKind?: string;
  roleRef: string;
  subjects: string[];
}
const DATA = data as unknown as { clusterRoles: RoleData[]; bindings: BindingData[] };

const builtIns = new WeakSet<object>();

function toObject(r: RoleData): KubeObject {
  const o: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: r.name, labels: { ...r.labels } }, rules: r.rules };
  if (r.aggregationRule) o.aggregationRule = r.aggregationRule;
  builtIns.add(o);
  return o;
}

/** The built-in ClusterRoles by name (as a cluster serves them, aggregation rules included). */
export const BUILT_IN_CLUSTER_ROLES: ReadonlyMap<string, KubeObject> = new Map(DATA.clusterRoles.map((r) => [r.name, toObject(r)]));

/** True for an object that comes from the built-in data, not from the input. */
export const isBuiltInObject = (o: object): boolean => builtIns.has(o);

export const DEFAULT_BINDINGS: readonly DefaultBinding[] = DATA.bindings.map((b) => ({
  kind: b.kind as DefaultBinding['kind'],
  namespace: b.namespace ?? '',
  name: b.name,
  roleRefKind: (b.roleRefKind ?? 'ClusterRole') as DefaultBinding['roleRefKind'],
  roleRef: b.roleRef,
  subjects: b.subjects,
}));

const byKey = new Map(DEFAULT_BINDINGS.map((b) => [`${b.kind}\u0000${b.namespace}\u0000${b.name}`, b]));

/**
 * True when a binding is one the platform creates: same kind, namespace and name, the same role,
 * and only subjects the platform binds there (an added subject makes it someone's grant).
 */
export function isDefaultBinding(b: { kind: string; namespace: string; name: string; roleRefKind: string; roleRef: string; subjects: readonly string[] }): boolean {
  const d = byKey.get(`${b.kind}\u0000${b.namespace}\u0000${b.name}`);
  return !!d && d.roleRefKind === b.roleRefKind && d.roleRef === b.roleRef && b.subjects.length > 0 && b.subjects.every((s) => d.subjects.includes(s));
}
