// The cluster access layer the collectors use: paginated lists, streamed logs and exec over
// the real @kubernetes/client-node, each call taking an AbortSignal. Everything it returns came
// from the cluster and is attacker-controlled text.
import type { KubeObject, ListableKind } from '../model.js';
import type { RawStore } from '../evidence/raw.js';

export interface ListRequest {
  /** Namespace to list in; omitted means all namespaces (or a cluster-scoped kind). */
  namespace?: string;
  /** Page size (`limit`); the default suits lists of a few thousand objects. */
  pageSize?: number;
  signal: AbortSignal;
}

/** A container log, always with timestamps=true (every line keeps the kubelet's time). */
export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
  /** Only lines newer than this many seconds (omitted: the whole log). */
  sinceSeconds?: number;
  signal: AbortSignal;
}

/** How fetching one log stream into the raw evidence ended. */
export interface LogFetch {
  /** ok: the whole stream is held; no-log: the API says there is none (no previous instance, not started). */
  outcome: 'ok' | 'no-log' | 'forbidden' | 'failed' | 'partial';
  /** Body bytes received over all attempts. */
  bytes: number;
  attempts: number;
  /** One sentence for a gap ('' when ok or no-log). */
  message: string;
}

export type ExecOutcome =
  /** The command ran and exited 0. */
  | 'ok'
  /** The command ran and exited non-zero (exitCode set). */
  | 'nonzero-exit'
  /** The binary does not exist in the container (distroless, no cat). */
  | 'binary-missing'
  /** RBAC refused pods/exec. */
  | 'forbidden'
  /** Anything else: pod gone, socket closed without a status, timeout. */
  | 'failed';

export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string;
  /** argv, run without a shell. */
  command: string[];
  /** stdout bytes kept at most; beyond it the stream is closed and `truncated` set. */
  maxBytes: number;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface ExecResult {
  outcome: ExecOutcome;
  exitCode: number | null;
  stdout: Buffer;
  /** The first few KB of stderr, as text. */
  stderr: string;
  truncated: boolean;
  /** One sentence describing a non-ok outcome ('' when ok). */
  message: string;
}

export interface ClusterApi {
  readonly contextName: string;
  readonly server: string;
  /** From now on every request's body and index entry go to this bundle's raw evidence. */
  attachRaw(store: RawStore): Promise<void>;
  /**
   * Lists a kind page by page (`limit`/`continue`). A 410 Expired mid-list restarts from the
   * start without yielding an object twice (by uid). Errors are KubeApiError.
   */
  listPages(kind: ListableKind, req: ListRequest): AsyncIterable<KubeObject[]>;
  /** Every object of a kind (all pages). */
  list(kind: ListableKind, req: ListRequest): Promise<KubeObject[]>;
  /**
   * Fetches a container log into the raw evidence as served, byte for byte; a stream cut
   * mid-way is asked for again from where it broke (each attempt is its own raw file and index
   * entry, the derivation stitches them). Never throws but for cancellation.
   */
  fetchLog(req: LogRequest): Promise<LogFetch>;
  /**
   * Whether this container was exec'd into at all. Live, always true; over recorded evidence,
   * false for the containers a cancelled snapshot never reached (they are not reported as failures).
   */
  execAttempted(namespace: string, pod: string, container: string): boolean;
  /** Runs argv in a container and collects stdout up to a bound. Never throws for exec outcomes. */
  exec(req: ExecRequest): Promise<ExecResult>;
}

/** Kinds that exist only at cluster scope (no per-namespace fallback). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<ListableKind> = new Set<ListableKind>(['namespaces', 'clusterroles', 'clusterrolebindings']);
