// The bundle's manifest: what was collected, from where, by whom, with which gaps, and the
// SHA-256 of every file. `manifestDigest` covers everything else in the manifest.
import { createHash } from 'node:crypto';
import type { ArtifactId } from '../schema/artifacts.js';
import type { TableName } from '../schema/tables.js';
import type { Gap } from '../collectors/types.js';

export const MANIFEST_FILE = 'manifest.json';
export const COLLECTION_LOG_FILE = 'collection.log';
export const TABLES_DIR = 'tables';
/** The only file allowed to change after the bundle is sealed: the ingestion checkpoint. */
export const INGEST_CHECKPOINT_FILE = 'ingest-checkpoint.json';

/** `sha256sum -c SHA256SUMS`, run inside the bundle, checks every sealed file without our tool. */
export const SHA256SUMS_FILE = 'SHA256SUMS';
/** The bundle format this version writes; 1 is 0.1.0's (rows only, no raw evidence), read as is. */
export const FORMAT_VERSION = 2;

export const tableFile = (table: TableName): string => `${TABLES_DIR}/${table}.jsonl`;

export type ArtifactStatus = 'ok' | 'partial' | 'forbidden' | 'failed' | 'skipped' | 'cancelled';
export type SnapshotStatus = 'complete' | 'partial' | 'cancelled' | 'failed';

export interface ArtifactReport {
  status: ArtifactStatus;
  records: number;
  bytes: number;
  startedAt: string | null;
  endedAt: string | null;
  gaps: Gap[];
  /** Fatal error of the artifact, when status is failed. */
  error: string | null;
  /** Format 2: the rows this artifact's evidence derives into, per table (they add up to `records`). */
  tables?: Partial<Record<TableName, number>>;
}

export interface ClusterIdentity {
  context: string;
  cluster: string;
  server: string;
  /** kubeconfig user entry name. */
  user: string;
  /** Who the API server says we are (SelfSubjectReview), when it could be asked. */
  identity: string | null;
  /** The API server's gitVersion from /version, when it answered. */
  serverVersion: string | null;
  /** The kubeconfig files read, in precedence order (empty: in-cluster credentials). */
  kubeconfigFiles: string[];
}

export interface FileEntry {
  path: string;
  size: number;
  sha256: string;
}

/** How, where and by whom the evidence was taken (format 2). */
export interface Acquisition {
  host: string;
  osUser: string;
  /** The command line (argv) of the collecting process, or the editor command that ran it. */
  commandLine: string[];
  kubeconfigFiles: string[];
  serverVersion: string | null;
  /** What the times in the index and the rows were read from. */
  clock: string;
  /** The acquisition index: every request attempt, in raw/. */
  index: string;
}

export interface Manifest {
  formatVersion: 1 | 2;
  tool: { name: 'kubeforensys'; version: string; build?: string };
  snapshotId: string;
  cluster: ClusterIdentity;
  startedAt: string;
  endedAt: string;
  status: SnapshotStatus;
  options: {
    artifacts: ArtifactId[];
    sinceSeconds: number;
    excludeNamespaces: string[];
    concurrency: number;
    execEnabled: boolean;
    /** Format 2: what else the derivation needs to give the same rows again. */
    now?: string;
    historyMaxBytes?: number;
    platformRegistries?: string[];
  };
  /** Format 2. */
  acquisition?: Acquisition;
  /** Format 2: the derivation that made tables/, and the tables derived from raw/ on demand. */
  derivation?: { version: number; onDemand: TableName[] };
  artifacts: Partial<Record<ArtifactId, ArtifactReport>>;
  tables: Partial<Record<TableName, { records: number }>>;
  files: FileEntry[];
  manifestDigest: string;
}

/** Canonical JSON (sorted keys) so the digest does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function computeManifestDigest(manifest: Omit<Manifest, 'manifestDigest'> & { manifestDigest?: string }): string {
  const { manifestDigest: _ignored, ...rest } = manifest;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}
