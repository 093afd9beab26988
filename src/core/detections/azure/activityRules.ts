// Rules over the Azure Activity Log of the cluster and its node resource group: the operations
// that hand out the cluster, run code in it or on its nodes, blind its audit, or grant access to it.
import { ACTIVITY_RULES } from '../rules.js';
import type { RuleMeta, Severity } from '../types.js';
import type { AzureDetectContext } from './context.js';
import type { Hit } from './finding.js';
import { rec, str, type Obj } from './read.js';

/** What the rules read of one Activity Log event. */
export interface ActivityView {
  operation: string;
  status: string;
  caller: string;
  ip: string;
  time: string;
  resourceId: string;
  scope: string;
  requestId: string;
}

export function viewActivity(e: unknown): ActivityView {
  const ev: Obj = rec(e) ?? {};
  const claims = rec(ev.claims);
  const op = rec(ev.operationName);
  return {
    operation: (str(op?.value) || str(rec(ev.authorization)?.action)).toLowerCase(),
    status: str(rec(ev.status)?.value),
    // caller is the UPN or the object id; a service principal's claims name its app.
    caller: str(ev.caller) || str(claims?.['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn']) || str(claims?.appid),
    ip: str(rec(ev.httpRequest)?.clientIpAddress),
    time: str(ev.eventTimestamp),
    resourceId: str(ev.resourceId),
    scope: str(rec(ev.authorization)?.scope),
    // Started, Accepted and Succeeded records of one operation share its correlation id.
    requestId: str(ev.correlationId) || str(ev.operationId) || str(ev.eventDataId),
  };
}

interface Match { meta: RuleMeta; severity?: Severity; what: string; scoped: boolean }

const CS = 'microsoft.containerservice/managedclusters/';
const VM_RUN = ['microsoft.compute/virtualmachinescalesets/virtualmachines/runcommand/action', 'microsoft.compute/virtualmachines/runcommand/action',
  'microsoft.compute/virtualmachinescalesets/virtualmachines/runcommands/write', 'microsoft.compute/virtualmachines/runcommands/write'];
const VM_EXT = ['microsoft.compute/virtualmachinescalesets/extensions/write', 'microsoft.compute/virtualmachinescalesets/virtualmachines/extensions/write', 'microsoft.compute/virtualmachines/extensions/write'];

/** The rule an operation name falls under (operation names are case-insensitive in ARM). */
function match(op: string): Match | undefined {
  if (op === `${CS}listclusteradmincredential/action`) return { meta: ACTIVITY_RULES.adminCredential, what: 'Cluster admin credentials (listClusterAdminCredential) fetched', scoped: false };
  if ([`${CS}listclusterusercredential/action`, `${CS}listclustermonitoringusercredential/action`, `${CS}accessprofiles/listcredential/action`].includes(op)) {
    return { meta: ACTIVITY_RULES.userCredential, what: `Cluster credentials fetched (${op.slice(CS.length)})`, scoped: false };
  }
  if (op === `${CS}runcommand/action`) return { meta: ACTIVITY_RULES.runCommand, what: 'Command run in the cluster (managedClusters/runCommand, az aks command invoke)', scoped: false };
  if (VM_RUN.includes(op)) return { meta: ACTIVITY_RULES.vmRunCommand, what: `Run command on a node (${op})`, scoped: true };
  if (VM_EXT.includes(op)) return { meta: ACTIVITY_RULES.vmExtension, what: `Node extension written (${op})`, scoped: true };
  if (op === 'microsoft.insights/diagnosticsettings/delete') return { meta: ACTIVITY_RULES.diagnostics, severity: 'high', what: 'Diagnostic setting deleted', scoped: true };
  if (op === 'microsoft.insights/diagnosticsettings/write') return { meta: ACTIVITY_RULES.diagnostics, severity: 'medium', what: 'Diagnostic setting written', scoped: true };
  if (op === 'microsoft.authorization/roleassignments/write') return { meta: ACTIVITY_RULES.roleAssignment, severity: 'high', what: 'Role assignment created', scoped: true };
  if (op === 'microsoft.authorization/roleassignments/delete') return { meta: ACTIVITY_RULES.roleAssignment, severity: 'medium', what: 'Role assignment deleted', scoped: true };
  return undefined;
}

/** Is the resource (or the assignment's scope) the cluster, under it, or in its node resource group? Unknown context: yes. */
function inScope(v: ActivityView, ctx: AzureDetectContext): boolean {
  const ids = [v.resourceId, v.scope].map((s) => s.toLowerCase()).filter(Boolean);
  const cluster = ctx.clusterResourceId?.toLowerCase().replace(/\/+$/, '');
  const nodeRg = ctx.nodeResourceGroup?.toLowerCase();
  if (!cluster && !nodeRg) return true;
  return ids.some((id) => (cluster && (id === cluster || id.startsWith(`${cluster}/`))) || (nodeRg && id.includes(`/resourcegroups/${nodeRg}/`)) || (nodeRg && id.endsWith(`/resourcegroups/${nodeRg}`)));
}

/** The last path segment of an ARM id ('' for none). */
const leaf = (id: string) => id.split('/').filter(Boolean).at(-1) ?? '';

export function activityHit(v: ActivityView, ctx: AzureDetectContext): Hit | undefined {
  const m = match(v.operation);
  if (!m || (m.scoped && !inScope(v, ctx))) return undefined;
  const lowered = v.caller.toLowerCase();
  if (ctx.platformCallers?.some((c) => c.toLowerCase() === lowered)) return undefined;
  const target = v.resourceId || v.scope;
  return {
    rule: m.meta, severity: m.severity ?? m.meta.severity, key: `${v.caller}\u0000${v.operation}\u0000${target.toLowerCase()}`,
    resource: { kind: 'AzureResource', namespace: '', name: target, container: '' },
    fieldPath: 'activityLog:operationName', fieldValue: v.operation,
    what: `${m.what} on ${leaf(target) || 'the cluster'}`,
  };
}

/** A Failed record: its operation did not happen, whatever its Started record said. */
export const activityFailed = (v: ActivityView): boolean => v.status.toLowerCase() === 'failed';
