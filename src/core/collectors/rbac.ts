// RBAC: roles and cluster roles with their rules, role bindings and cluster role bindings with
// one row per subject (a ClusterRoleBinding is labelled as one), then the findings over them.
import { rbacBindings, rbacRoles } from '../schema/tables.js';
import type { Collector, CollectorContext, CollectorEvent } from './types.js';
import type { KubeObject } from '../model.js';
import { arr, common, listWithGaps, meta, obj, rowEvent, str } from './common.js';
import { rbacFindingEvents } from './rbacFindings.js';

function roleRow(r: KubeObject, kind: 'Role' | 'ClusterRole'): CollectorEvent {
  const m = meta(r);
  const ns = str(m.namespace);
  const name = str(m.name);
  const rules = arr(r.rules);
  return rowEvent(rbacRoles.name, {
    ...common({ time: str(m.creationTimestamp) || null, type: kind, namespace: ns, summary: `${kind} ${ns ? `${ns}/` : ''}${name} with ${rules.length} rule(s)` }),
    RoleKind: kind,
    RoleName: name,
    Uid: str(m.uid),
    Rules: rules,
    AggregationRule: r.aggregationRule ?? null,
    Labels: m.labels ?? {},
  });
}

function bindingRows(b: KubeObject, kind: 'RoleBinding' | 'ClusterRoleBinding'): CollectorEvent[] {
  const m = meta(b);
  const ns = str(m.namespace);
  const name = str(m.name);
  const ref = obj(b.roleRef);
  const subjects = arr(b.subjects).map(obj);
  // A binding with no subjects still exists: one row with empty subject columns.
  return (subjects.length > 0 ? subjects : [{}]).map((s) => {
    const subject = s.kind ? `${str(s.kind)} ${s.namespace ? `${str(s.namespace)}/` : ''}${str(s.name)}` : 'no subject';
    return rowEvent(rbacBindings.name, {
      ...common({
        time: str(m.creationTimestamp) || null,
        type: kind,
        namespace: ns,
        summary: `${kind} ${ns ? `${ns}/` : ''}${name} grants ${str(ref.kind)} ${str(ref.name)} to ${subject}`,
      }),
      BindingKind: kind,
      BindingName: name,
      Uid: str(m.uid),
      RoleRefKind: str(ref.kind),
      RoleRefName: str(ref.name),
      SubjectKind: str(s.kind),
      SubjectName: str(s.name),
      SubjectNamespace: str(s.namespace),
      Labels: m.labels ?? {},
    });
  });
}

export const rbacCollector: Collector = {
  artifact: 'rbac',
  async *collect(ctx: CollectorContext): AsyncIterable<CollectorEvent> {
    const [roles, clusterRoles, roleBindings, clusterRoleBindings] = await Promise.all(
      (['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'] as const).map((k) => listWithGaps(ctx, 'rbac', k)),
    );
    for (const l of [roles, clusterRoles, roleBindings, clusterRoleBindings]) yield* l!.gaps;
    if (ctx.acquiring) return;
    for (const r of roles!.items) yield roleRow(r, 'Role');
    for (const r of clusterRoles!.items) yield roleRow(r, 'ClusterRole');
    for (const b of roleBindings!.items) yield* bindingRows(b, 'RoleBinding');
    for (const b of clusterRoleBindings!.items) yield* bindingRows(b, 'ClusterRoleBinding');
    yield* rbacFindingEvents(ctx, {
      roles: roles!.items,
      clusterRoles: clusterRoles!.items,
      roleBindings: roleBindings!.items,
      clusterRoleBindings: clusterRoleBindings!.items,
    });
  },
};
