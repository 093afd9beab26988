// THE timeline export, for the webview, the palette command and the CLI alike: the formats (CSV,
// JSONL, Timesketch JSONL), the analyst's marks as columns, and the provenance record written
// beside every exported file (`<file>.provenance.json`): where the rows came from, which filter
// chose them, how many, and the SHA-256 of the file as written.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { basename } from 'node:path';
import { TIMELINE_COLUMNS, type TimelineRow } from '../schema/timeline.js';
import { TOOL_VERSION } from '../version.js';
import type { RowMark } from './caseFile.js';
import type { TimelineFilter } from './filter.js';
import type { TimelineSource } from './source.js';
import { EXPORT_FORMATS, FORMAT_INFO, isExportFormat, type ExportFormat } from './formats.js';

export { EXPORT_FORMATS, FORMAT_INFO, isExportFormat, type ExportFormat };

/** The analyst's marks, looked up per row (the case file's marks map fits). */
export type MarkLookup = Readonly<Record<string, RowMark>>;

const WINDOW = 10_000;
/** Columns the marks add to CSV and JSONL (Timesketch has its own: tag, comment). */
const MARK_COLUMNS = ['Starred', 'Tags', 'Comments'] as const;
const cells = (row: TimelineRow) => row as unknown as Record<string, unknown>;

/** One CSV field (RFC 4180). A leading = + - @ is prefixed with ' so a spreadsheet never runs cluster text as a formula. */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function markCells(m: RowMark | undefined): [boolean, string[], string[]] {
  return [!!m?.starred, m?.tags ?? [], (m?.comments ?? []).map((c) => `${c.by} ${c.at}: ${c.text}`)];
}

/** The first bytes of a file of this format (CSV: BOM so spreadsheets read UTF-8, and the header). */
export function exportPreamble(format: ExportFormat): string {
  if (format !== 'csv') return '';
  return '\ufeff' + [...TIMELINE_COLUMNS.map((c) => c.name), ...MARK_COLUMNS].map(csvField).join(',') + '\r\n';
}

/** Timesketch wants ISO 8601 with a zone; the bundle's 7 fractional digits become microseconds. */
export function timesketchDatetime(time: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(time);
  return m ? `${m[1]}.${((m[2] ?? '') + '000000').slice(0, 6)}+00:00` : time;
}

/** What the time of a row means, in Timesketch's words (its timestamp_desc), from the row's TimeSource. */
export function timestampDesc(row: TimelineRow): string {
  switch (cells(row).TimeSource) {
    case 'creation':
      return 'Object Creation Time';
    case 'collection':
      return 'Collection Time (approximate)';
    case 'file-mtime':
      return 'History File Modification Time (approximate)';
    case 'previous-line':
      return 'Previous Log Line Time (approximate)';
    default:
      return row.EventType ? `${row.EventType} Time` : 'Event Time';
  }
}

/** One row as a line of the format; '' when the format cannot hold the row (Timesketch needs a time). */
export function exportLine(row: TimelineRow, format: ExportFormat, mark?: RowMark): string {
  const [starred, tags, comments] = markCells(mark);
  if (format === 'csv') return [...TIMELINE_COLUMNS.map((c) => csvField(cells(row)[c.name])), csvField(starred ? 'yes' : ''), csvField(tags.join('; ')), csvField(comments.join('\n'))].join(',') + '\r\n';
  const o: Record<string, unknown> = {};
  if (format === 'timesketch') {
    if (!row.Time) return '';
    o.message = row.Summary || row.EventType || row.SourceTable;
    o.datetime = timesketchDatetime(row.Time);
    o.timestamp_desc = timestampDesc(row);
  }
  for (const c of TIMELINE_COLUMNS) o[c.name] = cells(row)[c.name];
  if (format === 'timesketch') {
    // Timesketch shows `tag` as the event's tags (a star is the tag "starred") and keeps `comment` as an attribute.
    o.tag = [...(starred ? ['starred'] : []), ...tags];
    if (comments.length) o.comment = comments;
  } else {
    o.Starred = starred;
    o.Tags = tags;
    o.Comments = comments;
  }
  return JSON.stringify(o) + '\n';
}

/** Where the exported rows came from, as the provenance record names it. */
export interface ExportOrigin {
  kind: 'local' | 'workspace';
  /** The bundle folder's name, or the workspace's label. */
  label: string;
  snapshotId?: string;
  manifestDigest?: string;
  /** The case file whose marks were included, and its digest at export time. */
  caseFile?: { path: string; digest: string };
}

export interface ExportProvenance {
  kind: 'kubeforensys-timeline-export';
  version: 1;
  file: string;
  format: ExportFormat;
  sha256: string;
  bytes: number;
  rows: number;
  /** Rows the filter matched that the format could not hold (Timesketch: rows without a time). */
  rowsLeftOut: number;
  filter: TimelineFilter;
  filterDescription: string;
  source: ExportOrigin;
  tool: { name: 'kubeforensys'; version: string };
  exportedAt: string;
}

export interface ExportResult {
  path: string;
  provenancePath: string;
  provenance: ExportProvenance;
}

/** The provenance file's path: beside the export. */
export const provenancePathFor = (path: string) => `${path}.provenance.json`;

/** Every row the filter matches, in timeline order (sorted if the filter's source sorts), in windows. */
export function* matchingRows(source: TimelineSource, filter: TimelineFilter): Generator<TimelineRow> {
  for (let offset = 0; ; offset += WINDOW) {
    const { rows, total } = source.query(filter, { offset, limit: WINDOW });
    yield* rows;
    if (rows.length === 0 || offset + rows.length >= total) return;
  }
}

/** Writes rows as the format to a stream; answers the rows written and left out, the bytes and their SHA-256. */
export async function writeRows(
  rows: Iterable<TimelineRow>,
  format: ExportFormat,
  out: NodeJS.WritableStream,
  opts: { marks?: MarkLookup; signal?: AbortSignal } = {},
): Promise<{ rows: number; rowsLeftOut: number; bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const write = async (s: string) => {
    if (!s) return;
    const buf = Buffer.from(s, 'utf8');
    hash.update(buf);
    bytes += buf.length;
    if (!out.write(buf)) await once(out, 'drain');
  };
  let written = 0;
  let leftOut = 0;
  await write(exportPreamble(format));
  for (const r of rows) {
    if (written % 1000 === 0) opts.signal?.throwIfAborted();
    const line = exportLine(r, format, opts.marks?.[r.RecordId]);
    if (line) written++;
    else leftOut++;
    await write(line);
  }
  return { rows: written, rowsLeftOut: leftOut, bytes, sha256: hash.digest('hex') };
}

const list = (label: string, v: readonly unknown[]) => (v.length ? [`${label} ${v.map((x) => (typeof x === 'string' ? x : Object.values(x as object).join('/'))).join(', ')}`] : []);

/** The filter in one line, for the confirmation before writing and the provenance record. */
export function describeFilter(f: TimelineFilter): string {
  const x = f as TimelineFilter & { hideBaseline?: boolean; recordIds?: string[] };
  const parts = [
    ...(f.from || f.to ? [`time ${f.from ?? '…'} → ${f.to ?? '…'}`] : []),
    ...list('namespace', f.namespaces),
    ...list('pod', f.pods),
    ...list('container', f.containers),
    ...list('source', f.sourceTables),
    ...list('event', f.eventTypes),
    ...list('severity', f.severities),
    ...(f.text ? [`text "${f.text}"`] : []),
    ...(x.hideBaseline ? ['baseline hidden'] : []),
    ...(x.recordIds?.length ? [`${x.recordIds.length} marked rows only`] : []),
  ];
  return parts.length ? parts.join('; ') : 'no filter (every row)';
}

/**
 * Exports the rows the filter matches to `path` and writes `<path>.provenance.json` beside it.
 * The provenance is written last, from the bytes actually written, so it never describes a file
 * that was not completed.
 */
export async function exportTimelineFile(opts: {
  source: TimelineSource;
  filter: TimelineFilter;
  format: ExportFormat;
  path: string;
  origin: ExportOrigin;
  marks?: MarkLookup;
  signal?: AbortSignal;
  now?: () => Date;
}): Promise<ExportResult> {
  const out = createWriteStream(opts.path);
  let written: Awaited<ReturnType<typeof writeRows>>;
  try {
    written = await writeRows(matchingRows(opts.source, opts.filter), opts.format, out, { marks: opts.marks, signal: opts.signal });
  } finally {
    out.end();
    await once(out, 'close');
  }
  const provenance: ExportProvenance = {
    kind: 'kubeforensys-timeline-export',
    version: 1,
    file: basename(opts.path),
    format: opts.format,
    sha256: written.sha256,
    bytes: written.bytes,
    rows: written.rows,
    rowsLeftOut: written.rowsLeftOut,
    filter: opts.filter,
    filterDescription: describeFilter(opts.filter),
    source: opts.origin,
    tool: { name: 'kubeforensys', version: TOOL_VERSION },
    exportedAt: (opts.now?.() ?? new Date()).toISOString(),
  };
  const provenancePath = provenancePathFor(opts.path);
  await writeFile(provenancePath, JSON.stringify(provenance, null, 2) + '\n', 'utf8');
  return { path: opts.path, provenancePath, provenance };
}
