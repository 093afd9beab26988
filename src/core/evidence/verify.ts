// Recomputes every hash in the manifest and names each modified, missing or extra file; checks
// SHA256SUMS against the manifest; with `derived`, re-derives the materialized tables from the
// raw evidence and compares them byte for byte. Only regular files inside the bundle are ever
// opened: a symlink, FIFO or device where evidence should be is a problem, never followed.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { INGEST_CHECKPOINT_FILE, MANIFEST_FILE, SHA256SUMS_FILE, computeManifestDigest, type FileEntry, type Manifest } from './manifest.js';
import { BundleError, readManifest } from './reader.js';
import { sha256sums } from './writer.js';

export type ProblemKind = 'modified' | 'missing' | 'extra' | 'manifest' | 'derived';

export interface VerifyProblem {
  path: string;
  kind: ProblemKind;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Files whose size and SHA-256 matched. */
  checked: number;
  problems: VerifyProblem[];
  /** SHA-256 of manifest.json as it is on disk (for the examiner's notes). */
  manifestSha256: string;
  /** Tables re-derived and found identical, with `derived`. */
  derivedChecked: number;
}

export interface VerifyOptions {
  signal?: AbortSignal;
  /** Also re-derive the materialized tables from raw/ and compare them. */
  derived?: boolean;
}

/** Files that may exist beside the sealed ones: the manifest, SHA256SUMS and the ingestion checkpoint. */
const UNHASHED = new Set([MANIFEST_FILE, SHA256SUMS_FILE, INGEST_CHECKPOINT_FILE]);

/** A manifest path that stays inside the bundle: relative, no `..`, no empty or dot segments. */
function safeRelPath(p: string): boolean {
  if (typeof p !== 'string' || p === '' || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

export async function verifyBundle(dir: string, opts: VerifyOptions | AbortSignal = {}): Promise<VerifyReport> {
  const { signal, derived } = opts instanceof AbortSignal ? { signal: opts, derived: false } : opts;
  const manifest = await readManifestOrProblem(dir);
  if ('problem' in manifest) return manifest.problem;
  const manifestText = await readFile(join(dir, MANIFEST_FILE));
  const problems: VerifyProblem[] = [];
  if (computeManifestDigest(manifest) !== manifest.manifestDigest) {
    problems.push({ path: MANIFEST_FILE, kind: 'manifest', detail: 'the manifest digest does not match its content: the manifest was edited' });
  }
  let checked = 0;
  const listed = new Set<string>();
  for (const entry of manifest.files) {
    signal?.throwIfAborted();
    if (!safeRelPath(entry.path)) {
      problems.push({ path: String(entry.path), kind: 'manifest', detail: 'the manifest names a path outside the bundle' });
      continue;
    }
    listed.add(entry.path);
    const problem = await checkFile(dir, entry, signal);
    if (problem) problems.push(problem);
    else checked++;
  }
  for (const { rel, regular } of await listEntries(dir)) {
    if (listed.has(rel)) continue;
    if (!regular) problems.push({ path: rel, kind: 'extra', detail: 'not a regular file (a link, FIFO or device) inside the bundle' });
    else if (!UNHASHED.has(rel)) problems.push({ path: rel, kind: 'extra', detail: 'on disk but not in the manifest' });
  }
  if (manifest.formatVersion >= 2) problems.push(...(await checkSums(dir, manifest, manifestText)), ...checkCounts(manifest));
  let derivedChecked = 0;
  if (derived && problems.length === 0 && manifest.formatVersion >= 2) {
    const r = await checkDerived(dir, manifest, signal);
    problems.push(...r.problems);
    derivedChecked = r.checked;
  }
  return { ok: problems.length === 0, checked, problems, manifestSha256: createHash('sha256').update(manifestText).digest('hex'), derivedChecked };
}

/**
 * The manifest, or the report of a manifest that is there but broken (truncated, edited into
 * another shape, a link): that is tampering, not "not a bundle". No hash can be checked then.
 */
async function readManifestOrProblem(dir: string): Promise<Manifest | { problem: VerifyReport }> {
  try {
    return await readManifest(dir);
  } catch (err) {
    if (!(err instanceof BundleError) || err.kind !== 'corrupt') throw err;
    let manifestSha256 = '';
    const st = await lstat(join(dir, MANIFEST_FILE));
    if (st.isFile()) manifestSha256 = await hashFile(join(dir, MANIFEST_FILE));
    return { problem: { ok: false, checked: 0, problems: [{ path: MANIFEST_FILE, kind: 'manifest', detail: err.message }], manifestSha256, derivedChecked: 0 } };
  }
}

async function checkFile(dir: string, entry: FileEntry, signal?: AbortSignal): Promise<VerifyProblem | null> {
  const abs = join(dir, ...entry.path.split('/'));
  let st;
  try {
    st = await lstat(abs);
  } catch {
    return { path: entry.path, kind: 'missing', detail: 'listed in the manifest but not on disk' };
  }
  if (!st.isFile()) return { path: entry.path, kind: 'modified', detail: 'not a regular file (a link, FIFO or device stands where the evidence was)' };
  const sha256 = await hashFile(abs, signal);
  if (sha256 !== entry.sha256 || st.size !== entry.size) {
    return { path: entry.path, kind: 'modified', detail: `SHA-256 ${sha256} (${st.size} bytes), manifest says ${entry.sha256} (${entry.size} bytes)` };
  }
  return null;
}

/**
 * The counts the summary, the tree and the manifest show must add up: an artifact's rows are the
 * sum of its rows per table, and a table's rows the sum of what each artifact stored there.
 */
export function checkCounts(manifest: Manifest): VerifyProblem[] {
  const problems: VerifyProblem[] = [];
  const perTable = new Map<string, number>();
  for (const [id, r] of Object.entries(manifest.artifacts)) {
    if (!r?.tables) continue;
    const split = Object.values(r.tables).reduce((a: number, b) => a + (b ?? 0), 0);
    if (split !== r.records) problems.push({ path: MANIFEST_FILE, kind: 'manifest', detail: `artifact ${id} counts ${r.records} rows but its rows per table add up to ${split}` });
    for (const [t, n] of Object.entries(r.tables)) perTable.set(t, (perTable.get(t) ?? 0) + (n ?? 0));
  }
  // The Azure sources store rows too (their own tables, and findings beside the others).
  for (const s of manifest.azure?.sources ?? []) for (const [t, n] of Object.entries(s.tables ?? {})) perTable.set(t, (perTable.get(t) ?? 0) + (n ?? 0));
  for (const t of new Set([...Object.keys(manifest.tables), ...perTable.keys()])) {
    const counted = manifest.tables[t as keyof Manifest['tables']]?.records ?? 0;
    const fromArtifacts = perTable.get(t) ?? 0;
    if (counted !== fromArtifacts) problems.push({ path: MANIFEST_FILE, kind: 'manifest', detail: `table ${t} counts ${counted} rows but the artifacts stored ${fromArtifacts} there` });
  }
  return problems;
}

/** SHA256SUMS must list exactly the manifest's files and the manifest itself, with their hashes. */
async function checkSums(dir: string, manifest: Manifest, manifestText: Buffer): Promise<VerifyProblem[]> {
  let st;
  try {
    st = await lstat(join(dir, SHA256SUMS_FILE));
  } catch {
    return [{ path: SHA256SUMS_FILE, kind: 'missing', detail: 'the bundle has no SHA256SUMS' }];
  }
  if (!st.isFile()) return [{ path: SHA256SUMS_FILE, kind: 'modified', detail: 'not a regular file' }];
  const self: FileEntry = { path: MANIFEST_FILE, size: manifestText.length, sha256: createHash('sha256').update(manifestText).digest('hex') };
  const expected = sha256sums([...manifest.files, self]);
  const actual = await readFile(join(dir, SHA256SUMS_FILE), 'utf8');
  return actual === expected ? [] : [{ path: SHA256SUMS_FILE, kind: 'modified', detail: 'SHA256SUMS does not list the manifest\'s files with their hashes' }];
}

/** Re-derives every materialized table and compares its SHA-256 with the sealed file's. */
async function checkDerived(dir: string, manifest: Manifest, signal?: AbortSignal): Promise<{ checked: number; problems: VerifyProblem[] }> {
  const { deriveMaterialized, deriveInputOf } = await import('../derive/index.js');
  const { COLLECTORS } = await import('../collectors/index.js');
  const { tableFile } = await import('./manifest.js');
  const input = await deriveInputOf(dir, manifest);
  const hashes = new Map<string, ReturnType<typeof createHash>>();
  const rows = new Map<string, number>();
  for await (const d of deriveMaterialized(input, COLLECTORS, signal)) {
    // On-demand tables (container logs) are only counted at the seal: their count is checked too.
    if (d.kind === 'count') rows.set(d.table, (rows.get(d.table) ?? 0) + d.rows);
    if (d.kind !== 'row') continue;
    const path = tableFile(d.table);
    let h = hashes.get(path);
    if (!h) hashes.set(path, (h = createHash('sha256')));
    h.update(JSON.stringify(d.row) + '\n');
    rows.set(d.table, (rows.get(d.table) ?? 0) + 1);
  }
  const problems: VerifyProblem[] = [];
  let checked = 0;
  const sealed = new Map(manifest.files.filter((f) => f.path.startsWith('tables/')).map((f) => [f.path, f.sha256]));
  for (const path of new Set([...sealed.keys(), ...hashes.keys()])) {
    const again = hashes.get(path)?.digest('hex');
    if (again === sealed.get(path)) checked++;
    else problems.push({ path, kind: 'derived', detail: again ? 'deriving it again from raw/ gives different rows' : 'deriving raw/ again gives no such table' });
  }
  // The counts shown for the materialized tables are the rows the derivation gives.
  for (const [table, n] of rows) {
    const counted = manifest.tables[table as keyof Manifest['tables']]?.records ?? 0;
    if (counted !== n) problems.push({ path: MANIFEST_FILE, kind: 'derived', detail: `the manifest counts ${counted} rows in ${table}; deriving raw/ again gives ${n}` });
  }
  return { checked, problems };
}

export async function hashFile(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every entry below the bundle that is not a folder, without following links. */
async function listEntries(dir: string): Promise<{ rel: string; regular: boolean }[]> {
  const out: { rel: string; regular: boolean }[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) continue;
    const parent = (entry as unknown as { parentPath?: string; path?: string }).parentPath ?? (entry as unknown as { path: string }).path;
    out.push({ rel: relative(dir, join(parent, entry.name)).split(sep).join('/'), regular: entry.isFile() });
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : 1));
}
