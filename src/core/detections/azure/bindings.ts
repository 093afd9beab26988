// Is a (Cluster)RoleBinding written in the audit log a powerful grant? The role is resolved the way
// the cluster would: a Role or ClusterRole the same log shows being written, else Kubernetes'
// built-in roles (aggregation included), through the same RBAC analysis the live-cluster rules use.
import type { KubeObject } from '../../model.js';
import { effectivePermissions, ruleAllows, type PolicyRule } from '../rbacAnalysis.js';
import { rec, str, type AuditView, type Obj } from './read.js';

const RBAC = 'rbac.authorization.k8s.io';

export interface Power {
  severity: 'high' | 'medium';
  /** What the role grants, completing "grants ...". */
  grants: string;
}

const isFullWild = (r: PolicyRule) => r.verbs.includes('*') && r.resources.includes('*') && r.apiGroups.includes('*');

/** The most dangerous thing one rule grants, or undefined. */
function rulePower(r: PolicyRule): Power | undefined {
  if (isFullWild(r)) return { severity: 'high', grants: 'every permission (cluster-admin equivalent)' };
  if (['roles', 'clusterroles'].some((res) => ruleAllows(r, ['escalate', 'bind'], RBAC, res))) return { severity: 'high', grants: 'bind or escalate on roles' };
  if (['users', 'groups'].some((res) => ruleAllows(r, ['impersonate'], '', res))) return { severity: 'high', grants: 'impersonate users or groups' };
  if (ruleAllows(r, ['impersonate'], '', 'serviceaccounts')) return { severity: 'medium', grants: 'impersonate service accounts' };
  return undefined;
}

/** Remembers the roles and bindings the log shows being written, so a later binding (or patch) can be judged. */
export class RbacMemory {
  private readonly roles = new Map<string, KubeObject>();
  private readonly clusterRoles = new Map<string, KubeObject>();
  private readonly bindings = new Map<string, KubeObject>();

  /** The full object a write carried: the response (what was stored) over the request (a patch is partial). */
  static written(v: AuditView): Obj | undefined {
    for (const o of [v.responseObject, v.requestObject]) if (o && str(o.kind) && rec(o.metadata)) return o;
    return undefined;
  }

  remember(v: AuditView): void {
    if (v.apiGroup !== RBAC || !['create', 'update', 'patch'].includes(v.verb)) return;
    const o = RbacMemory.written(v);
    if (!o) return;
    const name = v.name || str(rec(o.metadata)?.name);
    const key = `${v.namespace}/${name}`;
    // A request body often leaves the namespace to the URL: the stored copy names it, as the cluster does.
    const kube = { ...o, metadata: { ...rec(o.metadata), name, namespace: v.namespace || undefined } } as KubeObject;
    if (v.resource === 'roles' && str(o.kind) === 'Role') this.roles.set(key, kube);
    else if (v.resource === 'clusterroles' && str(o.kind) === 'ClusterRole') this.clusterRoles.set(key, kube);
    else if ((v.resource === 'rolebindings' || v.resource === 'clusterrolebindings') && rec(o.roleRef)) this.bindings.set(`${v.resource}:${key}`, kube);
  }

  /** The binding a write refers to: its own full object, else the last one this log stored under that name. */
  binding(v: AuditView): KubeObject | undefined {
    const own = RbacMemory.written(v);
    if (own && rec(own.roleRef)) return own as KubeObject;
    return this.bindings.get(`${v.resource}:${v.namespace}/${v.name}`);
  }

  /** The worst thing the binding grants, and the subjects it grants it to. */
  power(b: KubeObject, clusterScoped: boolean): { power: Power; subjects: { kind: string; name: string; namespace: string }[] } | undefined {
    const withName = (o: KubeObject, ns: string) => ({ ...o, metadata: { ...o.metadata, name: o.metadata?.name ?? '', namespace: ns } });
    const ns = clusterScoped ? '' : str(rec(b.metadata)?.namespace);
    const perms = effectivePermissions({
      roles: [...this.roles.values()],
      clusterRoles: [...this.clusterRoles.values()],
      roleBindings: clusterScoped ? [] : [withName({ ...b, kind: 'RoleBinding' }, ns)],
      clusterRoleBindings: clusterScoped ? [withName({ ...b, kind: 'ClusterRoleBinding' }, '')] : [],
    });
    const roleRef = rec(b.roleRef);
    let worst: Power | undefined =
      str(roleRef?.kind) === 'ClusterRole' && str(roleRef?.name) === 'cluster-admin' ? { severity: 'high', grants: 'cluster-admin' } : undefined;
    for (const p of perms) {
      for (const g of p.grants) {
        const got = rulePower(g.rule);
        if (got && (!worst || (worst.severity === 'medium' && got.severity === 'high'))) worst = got;
      }
    }
    return worst ? { power: worst, subjects: perms.map((p) => p.subject) } : undefined;
  }
}
