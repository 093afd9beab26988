// Suspicious pods: the pod rules over every pod and the pod templates of workload controllers.
// Also reads RBAC and service accounts (shared through the object cache with the rbac and
// serviceAccounts collectors) for the rule on powerful service account tokens; when they cannot be
// listed that one rule is skipped and the gap says so.
import { suspiciousPods } from '../schema/tables.js';
import { detectPodFindingGroups, detectRbacFindings, riskyServiceAccounts, suspiciousPodRow, type DetectOptions } from '../detections/index.js';
import type { Collector, CollectorContext, CollectorEvent } from './types.js';
import type { KubeObject, ListableKind } from '../model.js';
import { gapEvent, listWithGaps, rowEvent } from './common.js';

/** Kind of the items each list returns (API list items usually carry no kind of their own). */
const WORKLOAD_LISTS: [ListableKind, string][] = [
  ['pods', 'Pod'],
  ['deployments', 'Deployment'],
  ['daemonsets', 'DaemonSet'],
  ['statefulsets', 'StatefulSet'],
  ['replicasets', 'ReplicaSet'],
  ['jobs', 'Job'],
  ['cronjobs', 'CronJob'],
];

export function withKind(items: readonly KubeObject[], kind: string): KubeObject[] {
  return items.map((o) => (o.kind ? o : { ...o, kind }));
}

export function detectOptionsFrom(ctx: CollectorContext): DetectOptions {
  return { platformRegistries: ctx.options.platformRegistries, now: ctx.options.now, sinceSeconds: ctx.options.sinceSeconds };
}

export const suspiciousPodsCollector: Collector = {
  artifact: 'suspiciousPods',
  async *collect(ctx: CollectorContext): AsyncIterable<CollectorEvent> {
    const lists = await Promise.all(WORKLOAD_LISTS.map(([k]) => listWithGaps(ctx, 'suspiciousPods', k)));
    const objects: KubeObject[] = [];
    for (const [i, l] of lists.entries()) {
      yield* l.gaps;
      objects.push(...withKind(l.items, WORKLOAD_LISTS[i]![1]));
    }

    const [roles, clusterRoles, roleBindings, clusterRoleBindings, serviceAccounts] = await Promise.all(
      (['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings', 'serviceaccounts'] as const).map((k) => ctx.objects.list(k, ctx.signal)),
    );
    const rbacGaps = [roles!, clusterRoles!, roleBindings!, clusterRoleBindings!].flatMap((o) => o.gaps);
    if (rbacGaps.length > 0) {
      yield gapEvent('suspiciousPods', {
        scope: 'powerful service account token rule',
        status: 'partial',
        message: `RBAC could not be fully listed (${rbacGaps.map((g) => g.scope).join(', ')}), so pods mounting a powerful service account token may be missed.`,
      });
    }
    // Everything it needs is listed: the rules run when the rows are derived.
    if (ctx.acquiring) return;
    const opts = detectOptionsFrom(ctx);
    const rbacOut = detectRbacFindings(
      { roles: roles!.items, clusterRoles: clusterRoles!.items, roleBindings: roleBindings!.items, clusterRoleBindings: clusterRoleBindings!.items },
      opts,
    );
    const groups = detectPodFindingGroups(objects, opts, { riskyServiceAccounts: riskyServiceAccounts(rbacOut), serviceAccounts: serviceAccounts!.items });
    let done = 0;
    for (const g of groups) {
      ctx.signal.throwIfAborted();
      for (const f of g.findings) yield rowEvent(suspiciousPods.name, suspiciousPodRow(f));
      yield { kind: 'progress', done: ++done, total: groups.length };
    }
  },
};
