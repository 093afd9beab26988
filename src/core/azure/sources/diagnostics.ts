// Where the cluster's control-plane audit goes: its diagnostic settings (Microsoft.Insights
// diagnosticSettings on the managed cluster), read as served, turned into the workspaces and
// tables to query. logAnalyticsDestinationType "Dedicated" means the resource-specific tables
// (AKSAudit, AKSAuditAdmin); absent or "AzureDiagnostics" means the legacy AzureDiagnostics
// table, where the category is a column.
import { MonitorClient } from '@azure/arm-monitor';
import { armOptions, gapOf, type SourceContext } from './context.js';
import { ADVICE, type CoverageSource } from './coverage.js';

export const AUDIT_CATEGORIES = ['kube-audit', 'kube-audit-admin'] as const;
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];
/** Category groups that include the audit categories (Azure Monitor's allLogs and audit groups). */
const GROUPS_WITH_AUDIT = new Set(['alllogs', 'audit']);

export const DIAGNOSTICS_READ = { role: 'Monitoring Reader or Reader (Microsoft.Insights/diagnosticSettings/read)' };

interface DiagnosticSettingJson {
  id?: string;
  name?: string;
  properties?: {
    workspaceId?: string | null;
    storageAccountId?: string | null;
    eventHubAuthorizationRuleId?: string | null;
    logAnalyticsDestinationType?: string | null;
    logs?: { category?: string | null; categoryGroup?: string | null; enabled?: boolean }[];
  };
}

/** One audit source to query: a workspace, the table and (for AzureDiagnostics) the category. */
export interface AuditDestination {
  workspaceId: string;
  table: 'AKSAudit' | 'AKSAuditAdmin' | 'AzureDiagnostics';
  category: AuditCategory;
  setting: string;
}

function enabledCategories(s: DiagnosticSettingJson): Set<AuditCategory> {
  const out = new Set<AuditCategory>();
  for (const l of s.properties?.logs ?? []) {
    if (!l.enabled) continue;
    if (l.categoryGroup && GROUPS_WITH_AUDIT.has(l.categoryGroup.toLowerCase())) AUDIT_CATEGORIES.forEach((c) => out.add(c));
    const c = (l.category ?? '').toLowerCase();
    if ((AUDIT_CATEGORIES as readonly string[]).includes(c)) out.add(c as AuditCategory);
  }
  return out;
}

/**
 * The destinations to query, one per workspace: kube-audit holds every request, kube-audit-admin
 * only those that are not get/list/watch, so kube-audit is read when it is on (reading both
 * would repeat events), kube-audit-admin otherwise.
 */
export function auditDestinations(settings: DiagnosticSettingJson[]): { destinations: AuditDestination[]; elsewhere: string[] } {
  const byWorkspace = new Map<string, AuditDestination>();
  const elsewhere: string[] = [];
  for (const s of settings) {
    const cats = enabledCategories(s);
    if (cats.size === 0) continue;
    const p = s.properties ?? {};
    if (!p.workspaceId) {
      if (p.storageAccountId || p.eventHubAuthorizationRuleId) elsewhere.push(s.name ?? '');
      continue;
    }
    const category: AuditCategory = cats.has('kube-audit') ? 'kube-audit' : 'kube-audit-admin';
    const dedicated = (p.logAnalyticsDestinationType ?? '').toLowerCase() === 'dedicated';
    const table = dedicated ? (category === 'kube-audit' ? 'AKSAudit' : 'AKSAuditAdmin') : 'AzureDiagnostics';
    const key = `${p.workspaceId.toLowerCase()}\u0000${table}`;
    const prior = byWorkspace.get(key);
    if (!prior || (prior.category === 'kube-audit-admin' && category === 'kube-audit')) byWorkspace.set(key, { workspaceId: p.workspaceId, table, category, setting: s.name ?? '' });
  }
  return { destinations: [...byWorkspace.values()], elsewhere };
}

/** Reads the settings (recorded) and says where audit goes; an absent setting is a gap with advice. */
export async function readAuditDestinations(ctx: SourceContext, clusterId: string, subscriptionId: string, diag: CoverageSource, audit: CoverageSource): Promise<AuditDestination[] | null> {
  let settings: DiagnosticSettingJson[] = [];
  const client = new MonitorClient(ctx.conn.credential, subscriptionId, armOptions(ctx, { source: 'diagnostics', operation: 'diagnosticSettings.list', scope: clusterId }, diag, (a) => {
    if (a.status !== 200) return;
    try {
      const v = (JSON.parse(a.body.toString('utf8')) as { value?: unknown }).value;
      if (Array.isArray(v)) settings = v as DiagnosticSettingJson[];
    } catch {
      settings = [];
    }
  }));
  try {
    await client.diagnosticSettings.list(clusterId, { abortSignal: ctx.signal });
  } catch (err) {
    diag.reachable = false;
    const gap = gapOf(err, { action: "read the cluster's diagnostic settings", resource: clusterId, role: DIAGNOSTICS_READ.role, scope: clusterId });
    diag.gaps.push(gap);
    audit.gaps.push({ scope: 'kube-audit', status: 'skipped', message: `Where the audit log goes is unknown: ${gap.message}` });
    return null;
  }
  diag.reachable = true;
  diag.enabled = settings.length > 0;
  diag.where.push(...settings.map((s) => s.name ?? '').filter(Boolean));
  const { destinations, elsewhere } = auditDestinations(settings);
  audit.enabled = destinations.length > 0;
  // Kept in the report even when a workspace has the audit too: the examiner may need the archive.
  for (const name of elsewhere) audit.where.push(`${name}: a storage account or event hub only (not read)`);
  if (destinations.length === 0) {
    const message = elsewhere.length ? 'kube-audit is sent only to a storage account or event hub, which this tool does not read.' : 'No diagnostic setting of the cluster sends kube-audit or kube-audit-admin to a Log Analytics workspace.';
    audit.gaps.push({ scope: 'kube-audit', status: 'skipped', message, advice: elsewhere.length ? ADVICE.auditElsewhere : ADVICE.auditOff });
  }
  return destinations;
}
