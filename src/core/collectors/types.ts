// Contracts between the snapshot orchestrator, the collectors and the evidence bundle.
import type { ArtifactId } from '../schema/artifacts.js';
import type { RowByTable, TableName } from '../schema/tables.js';

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

/** Columns the bundle writer stamps on every row; collectors leave them out. */
export type StampedColumn = 'TimeGenerated' | 'RecordId' | 'SnapshotId' | 'Cluster';
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

export type CollectorEvent =
  | { kind: 'row'; table: TableName; row: CollectedRow<TableName> }
  | { kind: 'gap'; gap: Gap }
  /** Units of work for the progress display, e.g. containers done of total. */
  | { kind: 'progress'; done: number; total: number };

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

export interface ListOutcome {
  items: KubeObject[];
  /** Namespaces or scopes that could not be listed (403 with per-namespace fallback, errors). */
  gaps: Omit<Gap, 'artifact'>[];
}

/** Lists each kind once per snapshot and shares it between collectors (pods feed four of them). */
export interface ObjectCache {
  list(kind: ListableKind, signal: AbortSignal): Promise<ListOutcome>;
}

export interface CollectOptions {
  artifacts: ArtifactId[];
  /** Log since-window; also marks RBAC objects created within it as recent. */
  sinceSeconds: number;
  excludeNamespaces: string[];
  /** Parallel containers/pods per collector. */
  concurrency: number;
  /** Exec-based collection (command history); off means the artifact is skipped with a gap. */
  execEnabled: boolean;
  /** Bytes read at most per history file. */
  historyMaxBytes: number;
  /** Registries whose images are expected in kube-system (detections). */
  platformRegistries: string[];
  /** Reference "now" for the snapshot (since-window, recent marks). */
  now: Date;
}

export const DEFAULT_COLLECT_OPTIONS: Omit<CollectOptions, 'now' | 'artifacts'> = {
  sinceSeconds: 24 * 3600,
  excludeNamespaces: [],
  concurrency: 16,
  execEnabled: true,
  historyMaxBytes: 1024 * 1024,
  platformRegistries: ['mcr.microsoft.com/', 'registry.k8s.io/', 'k8s.gcr.io/'],
};

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** A logger that drops everything. */
export const SILENT_LOGGER: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** What every collector receives. `cluster` is the API access layer in ../cluster. */
export interface CollectorContext {
  cluster: import('../cluster/api.js').ClusterApi;
  objects: ObjectCache;
  options: CollectOptions;
  signal: AbortSignal;
  log: Logger;
}

export interface Collector {
  artifact: ArtifactId;
  /** Streams rows, gaps and progress; throws only for a fatal error of the whole artifact. */
  collect(ctx: CollectorContext): AsyncIterable<CollectorEvent>;
}
