// The collectable artifacts: what the user ticks in the tree and names with --artifacts.
// Each writes to one or more tables from ./tables.ts.
import type { TableName } from './tables.js';

export interface ArtifactDef {
  readonly id: ArtifactId;
  readonly label: string;
  readonly description: string;
  /**
   * The artifact's own tables. Read by the manifest's artifactRows: rows an artifact stores
   * outside them (findings in a log line or a history file go to suspiciouspods_CL) are reported
   * as "stored elsewhere", so the per-artifact and per-table counts add up.
   */
  readonly tables: readonly TableName[];
  /** True when the artifact needs exec into containers (can be switched off as a whole). */
  readonly usesExec: boolean;
}

export const ARTIFACT_IDS = [
  'events',
  'podInventory',
  'containerLogs',
  'commandHistory',
  'serviceAccounts',
  'suspiciousPods',
  'rbac',
  'cronJobs',
  'networkPolicies',
  'services',
] as const;

export type ArtifactId = (typeof ARTIFACT_IDS)[number];

/** Collection order: events first because they expire after about an hour. */
export const ARTIFACTS: readonly ArtifactDef[] = [
  { id: 'events', label: 'Cluster events', description: 'core/v1 and events.k8s.io/v1 events, de-duplicated', tables: ['kubeevents_CL'], usesExec: false },
  { id: 'podInventory', label: 'Pod inventory', description: 'Every pod with images, owner, node, security spec and lifecycle times', tables: ['podinventory_CL'], usesExec: false },
  { id: 'containerLogs', label: 'Container logs', description: 'Current and previous logs of every container', tables: ['kubelogs_CL'], usesExec: false },
  { id: 'commandHistory', label: 'Command history', description: 'Shell and client history files read through exec', tables: ['commandhistory_CL'], usesExec: true },
  { id: 'serviceAccounts', label: 'Service accounts', description: 'Automount setting, secret names, workload identity', tables: ['serviceaccounts_CL'], usesExec: false },
  { id: 'suspiciousPods', label: 'Suspicious pods', description: 'Pod and pod-template findings tagged with Threat Matrix techniques', tables: ['suspiciouspods_CL'], usesExec: false },
  { id: 'rbac', label: 'RBAC', description: 'Roles, cluster roles, bindings with every subject, and risky-permission findings', tables: ['rbacroles_CL', 'rbacbindings_CL', 'rbacfindings_CL'], usesExec: false },
  { id: 'cronJobs', label: 'Cron jobs', description: 'Schedule, suspend, last run, every container image, command and args', tables: ['cronjobs_CL'], usesExec: false },
  { id: 'networkPolicies', label: 'Network policies', description: 'Pod selectors, policy types, ingress and egress rules', tables: ['networkpolicies_CL'], usesExec: false },
  { id: 'services', label: 'Services and ingresses', description: 'Service types, ports, external addresses, ingress rules, and exposure findings', tables: ['kubeservices_CL'], usesExec: false },
];

export function isArtifactId(s: string): s is ArtifactId {
  return (ARTIFACT_IDS as readonly string[]).includes(s);
}

export function artifactDef(id: ArtifactId): ArtifactDef {
  const def = ARTIFACTS.find((a) => a.id === id);
  if (!def) throw new Error(`unknown artifact ${id}`);
  return def;
}
