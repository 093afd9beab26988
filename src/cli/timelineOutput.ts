// `kubeforensys timeline --format …`: the terminal table, or one of core's export formats
// (src/core/timeline/export.ts, the same code the extension's Export runs). With --out, the file
// gets its `<file>.provenance.json` beside it; a bundle's case file contributes its marks.
import { basename } from 'node:path';
import { TL, type TimelineRow } from '../core/schema/timeline.js';
import type { TimelineFilter } from '../core/timeline/filter.js';
import type { TimelineSource } from '../core/timeline/source.js';
import { EXPORT_FORMATS, exportTimelineFile, writeRows, type ExportOrigin, type ExportResult, type MarkLookup } from '../core/timeline/export.js';
import { isExportFormat } from '../core/timeline/formats.js';
import { caseDigest, loadCase } from '../core/timeline/caseFile.js';
import { renderTable, safeText } from './format.js';

/** What --format accepts: the table for a terminal, or an export format. */
export const TIMELINE_OUTPUT_FORMATS = ['table', ...EXPORT_FORMATS] as const;

export async function writeTimeline(rows: Iterable<TimelineRow>, format: string, out: NodeJS.WritableStream, marks?: MarkLookup): Promise<void> {
  if (isExportFormat(format)) {
    await writeRows(rows, format, out, { marks });
    return;
  }
  const body = [...rows].map((r) => [r.Time || '(unknown)', r.SourceTable, safeText(r.Namespace, 30), safeText(r.PodName, 40), safeText(r.ContainerName, 30), safeText(r.EventType, 24), r.Severity, safeText(r.Summary, 120)]);
  out.write(renderTable([TL.Time, 'Source', TL.Namespace, 'Pod', 'Container', 'Event', 'Sev', TL.Summary], body) + '\n');
}

/** The bundle's identity and its case file's marks, for an export of its timeline. */
export async function bundleOrigin(dir: string): Promise<{ origin: ExportOrigin; marks: MarkLookup }> {
  const { readManifest } = await import('../core/evidence/reader.js');
  const m = await readManifest(dir);
  const c = await loadCase(dir, m);
  const origin: ExportOrigin = { kind: 'local', label: basename(dir), snapshotId: m.snapshotId, manifestDigest: m.manifestDigest };
  if (c.exists) origin.caseFile = { path: c.path, digest: caseDigest(c.case) };
  return { origin, marks: c.case.marks };
}

/** Writes an export file and its provenance (--out). */
export async function exportToFile(source: TimelineSource, filter: TimelineFilter, format: string, path: string, from: { origin: ExportOrigin; marks: MarkLookup }, signal?: AbortSignal): Promise<ExportResult> {
  if (!isExportFormat(format)) throw new Error(`--out needs an export format (${EXPORT_FORMATS.join(', ')}), not ${format}`);
  return exportTimelineFile({ source, filter, format, path, origin: from.origin, marks: from.marks, signal });
}
