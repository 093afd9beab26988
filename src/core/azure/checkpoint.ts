// The ingestion checkpoint: the one file in a bundle that changes after sealing, so it is not
// covered by the manifest and nothing in it is trusted until checked. It is bound to the bundle
// (snapshot id and manifest digest) and to the destination (workspace and rules), validated
// strictly (shape, bounds, ordered ranges), and signed with a key kept in the user's Azure state
// file, so an edited, forged or foreign checkpoint is reported and every record is sent again.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { open, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TABLES, type TableName } from '../schema/tables.js';
import { canonicalJson, INGEST_CHECKPOINT_FILE } from '../evidence/manifest.js';

/** Far above what a real checkpoint needs (a few ranges per table), far below what could hurt. */
export const MAX_CHECKPOINT_BYTES = 1024 * 1024;
const MAX_RANGES_PER_TABLE = 10_000;

export interface Delivered {
  /** Rows [0, prefix) were accepted. */
  prefix: number;
  /** Accepted [start, end) ranges beyond the prefix, sorted and disjoint. */
  ranges: [number, number][];
}

export interface CheckpointBinding {
  workspaceResourceId: string;
  /** Rule immutable ids, in state order. */
  rules: string[];
  snapshotId: string;
  manifestDigest: string;
}

export interface IngestCheckpoint {
  version: 2;
  binding: CheckpointBinding;
  tables: Partial<Record<TableName, Delivered>>;
  updatedAt: string;
  /** HMAC-SHA256 over everything else, keyed by the state file's checkpointKey. */
  mac: string;
}

/** What reading found: a checkpoint to resume from, none, or one that is not trusted (and why). */
export type CheckpointRead = { kind: 'none' } | { kind: 'ok'; checkpoint: IngestCheckpoint } | { kind: 'rejected'; reason: string };

const mac = (key: string, cp: Omit<IngestCheckpoint, 'mac'>) => createHmac('sha256', Buffer.from(key, 'hex')).update(canonicalJson(cp)).digest('hex');

export function signCheckpoint(key: string, cp: Omit<IngestCheckpoint, 'mac'>): IngestCheckpoint {
  return { ...cp, mac: mac(key, cp) };
}

const isCount = (v: unknown, max: number): v is number => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= max;

/** Why a table's entry is malformed for a table of `records` rows, or null. */
function deliveredProblem(v: unknown, records: number): string | null {
  const d = v as Partial<Delivered> | null;
  if (!d || typeof d !== 'object' || Array.isArray(d)) return 'is not an object';
  if (!isCount(d.prefix, records)) return `has prefix ${JSON.stringify(d.prefix)}, not a whole number from 0 to the table's ${records} rows`;
  if (!Array.isArray(d.ranges) || d.ranges.length > MAX_RANGES_PER_TABLE) return 'has no list of ranges (or far too many)';
  let last = d.prefix;
  for (const r of d.ranges as unknown[]) {
    const ok = Array.isArray(r) && r.length === 2 && isCount(r[0], records) && isCount(r[1], records) && r[0] > last && r[1] > r[0];
    if (!ok) return `has range ${JSON.stringify(r).slice(0, 40)}, which is not an ordered [start, end) after the prefix within ${records} rows`;
    last = r[1] as number;
  }
  return null;
}

/** Why the parsed value is not a checkpoint for this bundle, or null. */
function shapeProblem(cp: Partial<IngestCheckpoint>, records: Partial<Record<TableName, number>>): string | null {
  if (!cp || typeof cp !== 'object' || Array.isArray(cp)) return 'it is not a JSON object';
  if (cp.version !== 2) return `it has version ${JSON.stringify(cp.version)}, not 2`;
  const b = cp.binding as Partial<CheckpointBinding> | undefined;
  if (!b || typeof b.workspaceResourceId !== 'string' || !Array.isArray(b.rules) || !b.rules.every((r) => typeof r === 'string') || typeof b.snapshotId !== 'string' || typeof b.manifestDigest !== 'string') {
    return 'it does not name the workspace, rules and bundle it was written for';
  }
  if (typeof cp.mac !== 'string' || !/^[0-9a-f]{64}$/.test(cp.mac) || typeof cp.updatedAt !== 'string') return 'it carries no signature';
  if (!cp.tables || typeof cp.tables !== 'object' || Array.isArray(cp.tables)) return 'it has no table list';
  for (const [name, v] of Object.entries(cp.tables)) {
    if (!TABLES.some((t) => t.name === name)) return `it names table ${JSON.stringify(name).slice(0, 60)}, which bundles do not have`;
    const p = deliveredProblem(v, records[name as TableName] ?? 0);
    if (p) return `its entry for ${name} ${p}`;
  }
  return null;
}

/** Reads and checks the checkpoint against the bundle and destination it must belong to. */
export async function readCheckpoint(dir: string, expect: CheckpointBinding, records: Partial<Record<TableName, number>>, key: string): Promise<CheckpointRead> {
  const text = await readBounded(join(dir, INGEST_CHECKPOINT_FILE));
  if (text === null) return { kind: 'none' };
  if (text === undefined) return { kind: 'rejected', reason: `it is larger than ${MAX_CHECKPOINT_BYTES} bytes or not a regular file` };
  let cp: Partial<IngestCheckpoint>;
  try {
    cp = JSON.parse(text) as Partial<IngestCheckpoint>;
  } catch {
    return { kind: 'rejected', reason: 'it is not JSON' };
  }
  const problem = shapeProblem(cp, records);
  if (problem) return { kind: 'rejected', reason: problem };
  const { mac: given, ...rest } = cp as IngestCheckpoint;
  const want = mac(key, rest);
  if (!timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(want, 'hex'))) {
    return { kind: 'rejected', reason: 'its signature does not match the Azure state file in use (it was edited, forged, or written with another state file)' };
  }
  const b = cp.binding!;
  if (b.snapshotId !== expect.snapshotId || b.manifestDigest !== expect.manifestDigest) return { kind: 'rejected', reason: 'it was written for another bundle' };
  if (b.workspaceResourceId.toLowerCase() !== expect.workspaceResourceId.toLowerCase() || canonicalJson(b.rules) !== canonicalJson(expect.rules)) {
    return { kind: 'rejected', reason: `it was written for another workspace or rule (${b.workspaceResourceId.split('/').pop()})` };
  }
  return { kind: 'ok', checkpoint: cp as IngestCheckpoint };
}

/** The file's text; null when absent; undefined when too large or not a regular file (never blocks on a FIFO). */
async function readBounded(path: string): Promise<string | null | undefined> {
  const { constants } = await import('node:fs');
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile() || st.size > MAX_CHECKPOINT_BYTES) return undefined;
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}

export async function writeCheckpoint(dir: string, cp: IngestCheckpoint): Promise<void> {
  const path = join(dir, INGEST_CHECKPOINT_FILE);
  await writeFile(`${path}.tmp`, JSON.stringify(cp), { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

export function isDelivered(cp: Delivered, i: number): boolean {
  return i < cp.prefix || cp.ranges.some(([a, b]) => i >= a && i < b);
}

/** Adds [start, end) and folds ranges that touch the prefix into it, so the checkpoint stays small. */
export function markDelivered(cp: Delivered, start: number, end: number): void {
  const all = [...cp.ranges, [start, end] as [number, number]].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of all) {
    if (r[0] <= cp.prefix) cp.prefix = Math.max(cp.prefix, r[1]);
    else if (merged.length && r[0] <= merged.at(-1)![1]) merged.at(-1)![1] = Math.max(merged.at(-1)![1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  // A merged range may now touch the grown prefix.
  while (merged.length && merged[0]![0] <= cp.prefix) cp.prefix = Math.max(cp.prefix, merged.shift()![1]);
  cp.ranges = merged;
}
