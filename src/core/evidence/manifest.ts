// The bundle's manifest: what was collected, from where, by whom, with which gaps, and the
// SHA-256 of every file. `manifestDigest` covers everything else in the manifest.
import { createHash } from 'node:crypto';
import type { ArtifactId } from '../schema/artifacts.js';
import type { TableName } from '../schema/tables.js';
import type { Gap } from '../model.js';
import type { AzureCoverage } from '../azure/sources/coverage.js';

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
    /** The Azure sources, when they were asked for (collect --azure). */
    azure?: { aksResourceId?: string; subscriptionId?: string };
  };
  /** Format 2. */
  acquisition?: Acquisition;
  /** Format 2: the derivation that made tables/, and the tables derived from raw/ on demand. */
  derivation?: { version: number; onDemand: TableName[] };
  artifacts: Partial<Record<ArtifactId, ArtifactReport>>;
  tables: Partial<Record<TableName, { records: number }>>;
  /** The coverage report of the Azure-side sources (control-plane audit, Activity Log, Defender alerts), when they were asked for. */
  azure?: AzureCoverage;
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

// What every reader of a manifest relies on, checked once when it is read, so that an edited or
// corrupted manifest is named in one sentence instead of failing later as a JavaScript error.
type Check = (v: unknown) => boolean;
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isString: Check = (v) => typeof v === 'string';
const isCount: Check = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const orNull = (c: Check): Check => (v) => v === null || c(v);
const optional = (c: Check): Check => (v) => v === undefined || c(v);
const arrayOf = (c: Check): Check => (v) => Array.isArray(v) && v.every(c);

/** The first member of `obj` that fails its check, as a path (`files[3].sha256`), or null. */
function firstBad(obj: unknown, where: string, fields: Record<string, Check>): string | null {
  if (!isObject(obj)) return where;
  for (const [k, check] of Object.entries(fields)) if (!check(obj[k])) return `${where}.${k}`;
  return null;
}

function firstBadIn(list: unknown[], where: string, fields: Record<string, Check>): string | null {
  for (let i = 0; i < list.length; i++) {
    const bad = firstBad(list[i], `${where}[${i}]`, fields);
    if (bad) return bad;
  }
  return null;
}

const GAP_FIELDS = { scope: isString, status: isString, message: isString };
const ARTIFACT_FIELDS = { status: isString, records: isCount, bytes: isCount, gaps: Array.isArray, error: optional(orNull(isString)) };

function badArtifact(id: string, r: unknown): string | null {
  const where = `artifacts.${id}`;
  const bad = firstBad(r, where, ARTIFACT_FIELDS);
  if (bad) return bad;
  const report = r as { gaps: unknown[]; tables?: unknown };
  const gap = firstBadIn(report.gaps, `${where}.gaps`, GAP_FIELDS);
  if (gap) return gap;
  if (report.tables !== undefined && !(isObject(report.tables) && Object.values(report.tables).every(isCount))) return `${where}.tables`;
  return null;
}

const SOURCE_FIELDS = { source: isString, label: isString, records: isCount, gaps: Array.isArray, where: arrayOf(isString) };

function badCoverage(c: unknown): string | null {
  const bad = firstBad(c, 'azure', { identity: isString, sources: Array.isArray });
  if (bad) return bad;
  const sources = (c as { sources: unknown[] }).sources;
  const s = firstBadIn(sources, 'azure.sources', SOURCE_FIELDS);
  if (s) return s;
  return sources.map((x, i) => firstBadIn((x as { gaps: unknown[] }).gaps, `azure.sources[${i}].gaps`, GAP_FIELDS)).find(Boolean) ?? null;
}

/**
 * Names the first part of a parsed manifest that is not what KubeForenSys writes (the member's
 * path, e.g. `files[0].path`), or returns null when its shape is sound. Its formatVersion is
 * checked by the reader before this.
 */
export function manifestShapeError(m: unknown): string | null {
  const top = firstBad(m, 'the manifest', {
    snapshotId: isString,
    startedAt: isString,
    endedAt: isString,
    status: isString,
    manifestDigest: isString,
    files: Array.isArray,
    cluster: isObject,
    options: isObject,
    artifacts: isObject,
    tables: isObject,
  });
  if (top) return top === 'the manifest' ? 'its top level (not a JSON object)' : top.slice('the manifest.'.length);
  const man = m as Record<string, Record<string, unknown>> & { files: unknown[] };
  const checks: (() => string | null)[] = [
    () => firstBadIn(man.files, 'files', { path: isString, size: isCount, sha256: isString }),
    () => firstBad(man.cluster, 'cluster', { context: isString, cluster: isString, server: isString, user: isString, identity: optional(orNull(isString)) }),
    () => firstBad(man.options, 'options', { artifacts: arrayOf(isString), sinceSeconds: isCount }),
    () => Object.entries(man.artifacts).map(([id, r]) => badArtifact(id, r)).find(Boolean) ?? null,
    () => Object.entries(man.tables).map(([t, r]) => firstBad(r, `tables.${t}`, { records: isCount })).find(Boolean) ?? null,
    () => (man.derivation === undefined ? null : firstBad(man.derivation, 'derivation', { version: isCount, onDemand: arrayOf(isString) })),
    () => (man.azure === undefined ? null : badCoverage(man.azure)),
  ];
  for (const check of checks) {
    const bad = check();
    if (bad) return bad;
  }
  return null;
}

/** An artifact's rows, split by the table they are stored in. */
export interface ArtifactRows {
  artifact: ArtifactId;
  records: number;
  /** Rows in each table, the artifact's own tables first. */
  tables: { table: TableName; rows: number; own: boolean }[];
}

/**
 * Where each artifact's rows are stored, from the manifest. An artifact's rows can land in
 * another artifact's table (a secret found in a container's log or history is a finding, stored
 * in suspiciouspods_CL), so the artifacts' counts and the tables' counts are both shown, and
 * each adds up: an artifact's `records` is the sum of its tables, a table's records the sum of
 * the artifacts that wrote to it. Format 1 manifests keep no split: their artifacts count their own table.
 */
export function artifactRows(m: Pick<Manifest, 'artifacts'>, defs: readonly { id: ArtifactId; tables: readonly TableName[] }[]): ArtifactRows[] {
  return defs.flatMap((def) => {
    const r = m.artifacts[def.id];
    if (!r) return [];
    const split = r.tables ?? (def.tables.length === 1 ? { [def.tables[0]!]: r.records } : {});
    const tables = Object.entries(split).map(([table, rows]) => ({ table: table as TableName, rows: rows ?? 0, own: def.tables.includes(table as TableName) }));
    tables.sort((a, b) => Number(b.own) - Number(a.own) || (a.table < b.table ? -1 : 1));
    return [{ artifact: def.id, records: r.records, tables }];
  });
}

/** The rows an artifact stored outside its own tables, as a phrase ("7 in suspiciouspods_CL"), or ''. */
export function rowsElsewhere(a: ArtifactRows): string {
  return a.tables
    .filter((t) => !t.own && t.rows > 0)
    .map((t) => `${t.rows.toLocaleString('en-US')} in ${t.table}`)
    .join(', ');
}
