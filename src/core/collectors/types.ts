// Contracts between the snapshot orchestrator and the collectors (the shared model types are in ../model.ts).
import type { ArtifactId } from '../schema/artifacts.js';
import type { TableName } from '../schema/tables.js';
import type { CollectedRow, Gap, KubeObject, ListableKind, Logger } from '../model.js';

export type CollectorEvent =
  | { kind: 'row'; table: TableName; row: CollectedRow<TableName> }
  | { kind: 'gap'; gap: Gap }
  /** Units of work for the progress display, e.g. containers done of total. */
  | { kind: 'progress'; done: number; total: number };

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
  /** Requests in flight to the API server at most (all artifacts together; also each collector's parallel containers). */
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
  concurrency: 32,
  execEnabled: true,
  historyMaxBytes: 1024 * 1024,
  platformRegistries: ['mcr.microsoft.com/', 'registry.k8s.io/', 'k8s.gcr.io/'],
};

/** What every collector receives. `cluster` is the API access layer in ../cluster. */
export interface CollectorContext {
  /**
   * True while collecting from the live cluster: the rows are derived afterwards from the raw
   * evidence (derive/), so a collector makes its requests and reports its gaps and progress but
   * need not build rows (the snapshot drops them): on a large cluster the pod rules alone held up
   * the first log request. False when the derivation replays the raw evidence into rows.
   */
  acquiring: boolean;
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
