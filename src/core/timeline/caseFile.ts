// The analyst's case file: stars, tags, comments and saved views over one bundle's timeline. It
// lives BESIDE the bundle folder (`<bundle>.case.json`), never inside it: the bundle is sealed
// evidence (SHA256SUMS, manifest digest) and analyst work must not change a byte of it. The file
// has its own format version and a SHA-256 digest over its canonical content, written on every
// save, so an edit outside the tool is noticed on load. Two analysts' files merge without loss.
import { createHash } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { readInput } from '../regularFile.js';
import { basename, dirname, join } from 'node:path';
import { canonicalJson } from '../evidence/manifest.js';
import type { TimelineFilter } from './filter.js';
import type { CaseComment, ColumnLayout, MarkEdit, RowMark, SavedView } from './marks.js';

export { PRESET_TAGS, type CaseComment, type ColumnLayout, type MarkEdit, type RowMark, type SavedView } from './marks.js';

export const CASE_FORMAT = 'kubeforensys-case';
export const CASE_VERSION = 1;
export interface CaseFile {
  format: typeof CASE_FORMAT;
  version: typeof CASE_VERSION;
  /** The bundle this case is about: its snapshot and manifest digest (a case never applies to another bundle silently). */
  snapshotId: string;
  manifestDigest: string;
  updatedAt: string;
  /** Marks by the timeline row's RecordId (stable across loads: a deterministic derivation). */
  marks: Record<string, RowMark>;
  views: SavedView[];
}

export function emptyCase(snapshotId: string, manifestDigest: string, now = new Date()): CaseFile {
  return { format: CASE_FORMAT, version: CASE_VERSION, snapshotId, manifestDigest, updatedAt: now.toISOString(), marks: {}, views: [] };
}

/** `/cases/snap-1` → `/cases/snap-1.case.json`: a sibling of the bundle folder, outside the sealed set. */
export function caseFilePath(bundleDir: string): string {
  const dir = bundleDir.replace(/[\\/]+$/, '');
  return join(dirname(dir), `${basename(dir)}.case.json`);
}

const isEmptyMark = (m: RowMark) => !m.starred && m.tags.length === 0 && m.comments.length === 0;

/** The case with one edit applied (a new object; the input is left as it was). A mark left empty is removed. */
export function applyMarkEdit(c: CaseFile, recordId: string, edit: MarkEdit, by: string, now = new Date()): CaseFile {
  const old = c.marks[recordId] ?? { starred: false, tags: [], comments: [] };
  const mark: RowMark = { starred: old.starred, tags: [...old.tags], comments: [...old.comments] };
  if (edit.op === 'star') mark.starred = edit.starred;
  else if (edit.op === 'addTag') {
    const tag = edit.tag.trim();
    if (tag && !mark.tags.includes(tag)) mark.tags.push(tag);
  } else if (edit.op === 'removeTag') mark.tags = mark.tags.filter((t) => t !== edit.tag);
  else if (edit.text.trim()) mark.comments.push({ text: edit.text.trim(), by, at: now.toISOString() });
  const marks = { ...c.marks };
  if (isEmptyMark(mark)) delete marks[recordId];
  else marks[recordId] = mark;
  return { ...c, marks, updatedAt: now.toISOString() };
}

/** Adds or replaces (by name) a saved view. */
export function saveView(c: CaseFile, view: SavedView): CaseFile {
  return { ...c, views: [...c.views.filter((v) => v.name !== view.name), view], updatedAt: view.at };
}

export function deleteView(c: CaseFile, name: string, now = new Date()): CaseFile {
  return { ...c, views: c.views.filter((v) => v.name !== name), updatedAt: now.toISOString() };
}

/**
 * Two analysts' cases of the same bundle, merged: a row is starred when either starred it, tags are
 * the union, comments the union (a comment is the same when its text, author and time are), in
 * time order. Views of the same name: the later saved wins. Refuses cases of different bundles.
 */
export function mergeCases(a: CaseFile, b: CaseFile): CaseFile {
  if (a.snapshotId !== b.snapshotId || a.manifestDigest !== b.manifestDigest)
    throw new CaseFileError(`the case files are about different bundles (snapshot ${a.snapshotId} and ${b.snapshotId})`);
  const marks: Record<string, RowMark> = {};
  for (const id of new Set([...Object.keys(a.marks), ...Object.keys(b.marks)])) {
    const x = a.marks[id];
    const y = b.marks[id];
    const comments = new Map<string, CaseComment>();
    for (const cm of [...(x?.comments ?? []), ...(y?.comments ?? [])]) comments.set(canonicalJson(cm), cm);
    marks[id] = {
      starred: !!(x?.starred || y?.starred),
      tags: [...new Set([...(x?.tags ?? []), ...(y?.tags ?? [])])],
      comments: [...comments.values()].sort((p, q) => (p.at < q.at ? -1 : p.at > q.at ? 1 : 0)),
    };
  }
  const views = new Map<string, SavedView>();
  for (const v of [...a.views, ...b.views].sort((p, q) => (p.at < q.at ? -1 : p.at > q.at ? 1 : 0))) views.set(v.name, v);
  return { ...a, marks, views: [...views.values()], updatedAt: a.updatedAt > b.updatedAt ? a.updatedAt : b.updatedAt };
}

/** SHA-256 over the canonical JSON of the case (without its digest): what "hashed on save" means. */
export function caseDigest(c: CaseFile): string {
  return createHash('sha256').update(canonicalJson(c)).digest('hex');
}

/** The file's text: the case plus its digest, keys sorted, one trailing newline. */
export function serializeCase(c: CaseFile): string {
  return JSON.stringify(JSON.parse(canonicalJson({ ...c, digest: caseDigest(c) })), null, 2) + '\n';
}

export class CaseFileError extends Error {
  override name = 'CaseFileError';
}

export interface ParsedCase {
  case: CaseFile;
  /** False when the content no longer matches the digest written at the last save (edited outside the tool). */
  digestOk: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function checkMark(id: string, v: unknown): RowMark {
  if (!isObj(v) || typeof v.starred !== 'boolean' || !isStrings(v.tags) || !Array.isArray(v.comments)) throw new CaseFileError(`mark ${JSON.stringify(id.slice(0, 80))} is malformed`);
  for (const cm of v.comments) if (!isObj(cm) || typeof cm.text !== 'string' || typeof cm.by !== 'string' || typeof cm.at !== 'string') throw new CaseFileError(`a comment on ${JSON.stringify(id.slice(0, 80))} is malformed`);
  return { starred: v.starred, tags: v.tags, comments: (v.comments as CaseComment[]).map((cm) => ({ text: cm.text, by: cm.by, at: cm.at })) };
}

/** Reads a case file's text; throws CaseFileError when it is not one (or of a newer version). */
export function parseCase(text: string): ParsedCase {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new CaseFileError(`not JSON: ${(err as Error).message}`);
  }
  if (!isObj(v) || v.format !== CASE_FORMAT) throw new CaseFileError('not a KubeForenSys case file');
  if (v.version !== CASE_VERSION) throw new CaseFileError(`case file version ${String(v.version)} is not supported (this tool reads version ${CASE_VERSION})`);
  if (typeof v.snapshotId !== 'string' || typeof v.manifestDigest !== 'string' || typeof v.updatedAt !== 'string' || !isObj(v.marks) || !Array.isArray(v.views))
    throw new CaseFileError('the case file is missing its snapshot, marks or views');
  const marks: Record<string, RowMark> = {};
  for (const [id, m] of Object.entries(v.marks)) marks[id] = checkMark(id, m);
  const views = v.views.map((x): SavedView => {
    if (!isObj(x) || typeof x.name !== 'string' || !isObj(x.filter) || typeof x.by !== 'string' || typeof x.at !== 'string') throw new CaseFileError('a saved view is malformed');
    return { name: x.name, filter: x.filter as unknown as TimelineFilter, columns: Array.isArray(x.columns) ? (x.columns as ColumnLayout[]) : undefined, by: x.by, at: x.at };
  });
  const c: CaseFile = { format: CASE_FORMAT, version: CASE_VERSION, snapshotId: v.snapshotId, manifestDigest: v.manifestDigest, updatedAt: v.updatedAt, marks, views };
  return { case: c, digestOk: typeof v.digest === 'string' && v.digest === caseDigest(c) };
}

/** The case beside the bundle, or a new empty one when there is none yet. */
export async function loadCase(bundleDir: string, snapshot: { snapshotId: string; manifestDigest: string }): Promise<ParsedCase & { path: string; exists: boolean }> {
  const path = caseFilePath(bundleDir);
  let text: string;
  try {
    text = await readInput(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new CaseFileError(`the case file ${path} cannot be read: ${(err as Error).message}`);
    return { case: emptyCase(snapshot.snapshotId, snapshot.manifestDigest), digestOk: true, path, exists: false };
  }
  const parsed = parseCase(text);
  if (parsed.case.snapshotId !== snapshot.snapshotId || parsed.case.manifestDigest !== snapshot.manifestDigest)
    throw new CaseFileError(`${path} is about snapshot ${parsed.case.snapshotId}, not this bundle's ${snapshot.snapshotId}`);
  return { ...parsed, path, exists: true };
}

/** Writes the case beside the bundle (whole file, then renamed over the old one: a crash never leaves half a case). */
export async function saveCase(bundleDir: string, c: CaseFile): Promise<{ path: string; digest: string }> {
  const path = caseFilePath(bundleDir);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, serializeCase(c), 'utf8');
  await rename(tmp, path);
  return { path, digest: caseDigest(c) };
}
