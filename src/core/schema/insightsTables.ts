// Azure's own tables that can join the timeline when the workspace has them: Container Insights
// (ContainerLogV2, KubeEvents, KubePodInventory) and AKS resource-specific audit logs
// (AKSAudit, AKSAuditAdmin). These are Azure's names and columns, not ours: only the columns
// the timeline projection reads are declared (enough for validation and for the emulator).
// They live in the schema folder because the schema is the one place column names are spelled.
import type { ColumnDef } from './columns.js';

export interface InsightsTable {
  readonly name: InsightsTableName;
  readonly columns: readonly ColumnDef[];
}

export const INSIGHTS_TABLE_NAMES = ['ContainerLogV2', 'KubeEvents', 'KubePodInventory', 'AKSAudit', 'AKSAuditAdmin'] as const;
export type InsightsTableName = (typeof INSIGHTS_TABLE_NAMES)[number];

const c = (name: string, type: ColumnDef['type']): ColumnDef => ({ name, type, description: '' });

const AUDIT_COLUMNS = [
  c('TimeGenerated', 'datetime'),
  c('AuditId', 'string'),
  c('Level', 'string'),
  c('Stage', 'string'),
  c('Verb', 'string'),
  c('RequestUri', 'string'),
  c('User', 'dynamic'),
  c('SourceIps', 'dynamic'),
  c('UserAgent', 'string'),
  c('ObjectRef', 'dynamic'),
  c('ResponseStatus', 'dynamic'),
  c('_ResourceId', 'string'),
];

export const INSIGHTS_TABLES: readonly InsightsTable[] = [
  {
    name: 'ContainerLogV2',
    columns: [
      c('TimeGenerated', 'datetime'),
      c('Computer', 'string'),
      c('ContainerId', 'string'),
      c('ContainerName', 'string'),
      c('PodName', 'string'),
      c('PodNamespace', 'string'),
      c('LogMessage', 'dynamic'),
      c('LogSource', 'string'),
      c('_ResourceId', 'string'),
    ],
  },
  {
    name: 'KubeEvents',
    columns: [
      c('TimeGenerated', 'datetime'),
      c('ClusterName', 'string'),
      c('Namespace', 'string'),
      c('Name', 'string'),
      c('ObjectKind', 'string'),
      c('Reason', 'string'),
      c('Message', 'string'),
      c('KubeEventType', 'string'),
      c('FirstSeen', 'datetime'),
      c('LastSeen', 'datetime'),
      c('Count', 'real'),
      c('Computer', 'string'),
    ],
  },
  {
    name: 'KubePodInventory',
    columns: [
      c('TimeGenerated', 'datetime'),
      c('ClusterName', 'string'),
      c('Namespace', 'string'),
      c('Name', 'string'),
      c('PodUid', 'string'),
      c('PodStatus', 'string'),
      c('ContainerName', 'string'),
      c('ContainerStatus', 'string'),
      c('Computer', 'string'),
      c('ControllerKind', 'string'),
      c('ControllerName', 'string'),
    ],
  },
  { name: 'AKSAudit', columns: AUDIT_COLUMNS },
  { name: 'AKSAuditAdmin', columns: AUDIT_COLUMNS },
];

/**
 * Azure's column names that are also ours (Log Analytics' TimeGenerated; Container Insights'
 * Namespace, PodName, ContainerName): the timeline's projections of Azure's tables name them
 * through this, so each is spelled once, here.
 */
export const IC = {
  TimeGenerated: 'TimeGenerated',
  Namespace: 'Namespace',
  PodName: 'PodName',
  ContainerName: 'ContainerName',
} as const;
for (const name of Object.values(IC)) {
  if (!INSIGHTS_TABLES.some((t) => t.columns.some((col) => col.name === name))) throw new Error(`IC.${name} is no column of Azure's tables`);
}

export function isInsightsTableName(name: string): name is InsightsTableName {
  return (INSIGHTS_TABLE_NAMES as readonly string[]).includes(name);
}
