// The coverage report of the Azure-side sources: for each, whether it was on in the cluster's
// configuration, whether the signed-in identity could read it, for which period, how many
// records its raw evidence derives into, and what is missing and why, with what to do about it.
// It is written into the manifest and shown by the CLI summary and the tree.
import type { AzureSourceId } from '../../evidence/raw.js';
import type { GapStatus } from '../../model.js';
import { azureActivity, kubeAudit, securityAlerts, type TableName } from '../../schema/tables.js';

/** The collected sources, plus Container Insights, which is only checked (its tables are Azure's own). */
export type CoverageSourceId = AzureSourceId | 'containerInsights';

export interface CoverageGap {
  /** What was not collected, e.g. "kube-audit of aks-prod", "Activity Log of MC_rg_aks_westeurope". */
  scope: string;
  status: GapStatus;
  /** One sentence: what failed and why (the missing role or action named on a 403). */
  message: string;
  /** What to do now, when there is something to do (enable diagnostic settings, Defender, ...). */
  advice?: string;
}

export interface CoverageSource {
  source: CoverageSourceId;
  label: string;
  /** On in the cluster's configuration (diagnostic setting, add-on, Defender plan); null when it could not be told. */
  enabled: boolean | null;
  /** The signed-in identity could read it; null when it was not asked (off, or the cluster was not found). */
  reachable: boolean | null;
  /** The period asked for (the since-window), when the source was asked. */
  period: { from: string; to: string } | null;
  /** Where it was read from (workspace and table, subscription, resource groups). */
  where: string[];
  /** What it says that a responder needs first (the cluster: local accounts, Entra ID, add-ons, node resource group). */
  notes?: string[];
  /** Rows its raw evidence derives into, in its own table (set by the derivation). */
  records: number;
  /** Rows per table it derives into: its own table and the findings over it (set by the derivation). */
  tables?: Partial<Record<TableName, number>>;
  requests: number;
  bytes: number;
  gaps: CoverageGap[];
}

export interface AzureCoverage {
  /** Who read it: the signed-in identity as far as its token says. */
  identity: string;
  /** The managed cluster, when it was found. */
  cluster: { resourceId: string; matchedBy: 'aks-resource-id' | 'fqdn' | 'private-fqdn'; host: string } | null;
  sources: CoverageSource[];
}

export const SOURCE_LABELS: Record<CoverageSourceId, string> = {
  cluster: 'AKS cluster configuration',
  diagnostics: 'Diagnostic settings',
  audit: 'Control-plane audit (kube-audit)',
  activity: 'Azure Activity Log',
  alerts: 'Defender for Cloud alerts',
  containerInsights: 'Container Insights',
};

/** The table each collected source derives into. */
export const SOURCE_TABLES: Partial<Record<CoverageSourceId, TableName>> = {
  audit: kubeAudit.name,
  activity: azureActivity.name,
  alerts: securityAlerts.name,
};

/** What the responder should do, per situation: the sentences the issue names. */
export const ADVICE = {
  auditOff: 'kube-audit is not sent anywhere: enable diagnostic settings now (categories kube-audit and kube-audit-admin to a Log Analytics workspace, resource-specific tables) so the next hours are kept.',
  auditElsewhere: 'kube-audit goes only to a storage account or event hub: read it there, and add a Log Analytics destination so this tool can collect it next time.',
  defenderOff: 'Defender for Containers is off: no runtime or control-plane alerts exist for this cluster; enable it (securityProfile.defender) to be alerted from now on.',
  defenderSensor: 'Enable Defender for Containers on the cluster (its sensor, securityProfile.defender) so runtime alerts are raised from now on.',
  containerInsightsOff: 'Container Insights is off: container logs before the last restart are gone (only the current and previous instance are in the cluster); enable the monitoring add-on so logs are kept from now on.',
  activityRetention: 'The Activity Log keeps 90 days: export it to a workspace (diagnostic settings of the subscription) to keep more.',
} as const;

export function emptySource(source: CoverageSourceId): CoverageSource {
  return { source, label: SOURCE_LABELS[source], enabled: null, reachable: null, period: null, where: [], records: 0, requests: 0, bytes: 0, gaps: [] };
}

/** One line per source for a summary: status, records, the first gap. */
export function coverageLine(s: CoverageSource): { status: string; detail: string } {
  const status =
    s.reachable === false ? (s.gaps.some((g) => g.status === 'forbidden') ? 'forbidden' : 'failed')
    : s.enabled === false ? 'off'
    : s.gaps.some((g) => g.status !== 'skipped') ? 'partial'
    : s.reachable ? 'ok'
    : s.enabled ? 'on'
    : 'not asked';
  const g = s.gaps[0];
  const detail = g ? `${g.message}${g.advice ? ` ${g.advice}` : ''}${s.gaps.length > 1 ? ` (+${s.gaps.length - 1} more)` : ''}` : (s.notes?.length ? s.notes : s.where).join(', ');
  return { status, detail };
}
