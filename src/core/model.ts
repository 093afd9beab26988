// The few types every layer shares: Kubernetes objects as JSON, rows as collected, gaps, logging.
// Imported downward only: this module depends on nothing but the schema.
import type { ArtifactId } from './schema/artifacts.js';
import type { COMMON } from './schema/columns.js';
import type { RowByTable, TableName } from './schema/tables.js';

/** A Kubernetes object as plain JSON, exactly as `kubectl get -o json` shows it (timestamps are strings). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion?: string; kind: string; name: string; uid?: string; controller?: boolean }[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** The object kinds the cluster layer lists (one name per list endpoint). */
export type ListableKind =
  | 'namespaces'
  | 'pods'
  | 'events'
  | 'eventsV1'
  | 'serviceaccounts'
  | 'roles'
  | 'clusterroles'
  | 'rolebindings'
  | 'clusterrolebindings'
  | 'cronjobs'
  | 'jobs'
  | 'deployments'
  | 'daemonsets'
  | 'statefulsets'
  | 'replicasets'
  | 'networkpolicies'
  | 'services'
  | 'ingresses';

/** Columns the bundle writer stamps on every row; collectors leave them out. */
export type StampedColumn = typeof COMMON.TimeGenerated | typeof COMMON.RecordId | typeof COMMON.SnapshotId | typeof COMMON.Cluster;
export type CollectedRow<T extends TableName> = Omit<RowByTable[T], StampedColumn>;

export type GapStatus = 'partial' | 'forbidden' | 'failed' | 'skipped';

/** Something that could not be collected. Gaps are reported, never hidden, and never abort the snapshot. */
export interface Gap {
  artifact: ArtifactId;
  /** What was not collected, e.g. "pods in namespace prod", "exec into default/web/nginx". */
  scope: string;
  status: GapStatus;
  /** One sentence saying what failed and why (HTTP reason included when there is one). */
  message: string;
}

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** A logger that drops everything. */
export const SILENT_LOGGER: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
