// KubeForenSys: Export Timeline (CSV, JSONL). Writes the timeline of the open bundle, with the open
// panel's filter when there is one, streamed in windows so a million rows never sit in one string.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { TIMELINE_COLUMNS, type TimelineRow } from '../core/schema/timeline.js';
import { emptyFilter, type TimelineFilter } from '../core/timeline/filter.js';
import type { TimelineSource } from '../core/timeline/source.js';
import { errorMessage, type CommandContext } from './context.js';
import { bundleDirOrAsk } from './openBundle.js';

export type ExportFormat = 'csv' | 'jsonl';

const WINDOW = 10_000;

/** One CSV field (RFC 4180). A leading = + - @ is prefixed with ' so a spreadsheet never runs cluster text as a formula. */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return TIMELINE_COLUMNS.map((c) => csvField(c.name)).join(',') + '\r\n';
}

export function csvLine(row: TimelineRow): string {
  return TIMELINE_COLUMNS.map((c) => csvField((row as unknown as Record<string, unknown>)[c.name])).join(',') + '\r\n';
}

export function jsonlLine(row: TimelineRow): string {
  const o: Record<string, unknown> = {};
  for (const c of TIMELINE_COLUMNS) o[c.name] = (row as unknown as Record<string, unknown>)[c.name];
  return JSON.stringify(o) + '\n';
}

/** Writes every row the filter matches, in timeline order; answers the row count. */
export async function writeTimeline(source: TimelineSource, filter: TimelineFilter, format: ExportFormat, path: string, signal?: AbortSignal): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  let written = 0;
  try {
    if (format === 'csv') await write('\ufeff' + csvHeader());
    for (let offset = 0; ; offset += WINDOW) {
      signal?.throwIfAborted();
      const { rows, total } = source.query(filter, { offset, limit: WINDOW });
      for (const r of rows) await write(format === 'csv' ? csvLine(r) : jsonlLine(r));
      written += rows.length;
      if (rows.length === 0 || offset + rows.length >= total) break;
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return written;
}

export async function exportTimeline(cc: CommandContext, formatArg?: unknown, filterArg?: TimelineFilter): Promise<string | undefined> {
  // The open panel's data (local or workspace) when it is loaded; else the open bundle, loaded here.
  const panelSource = cc.timeline.currentSource();
  const panelData = cc.timeline.currentData();
  let dir: string | undefined;
  let name: string;
  if (panelSource && panelData) {
    name = panelSource.kind === 'local' ? basename(panelSource.bundleDir) : 'workspace';
  } else {
    dir = await bundleDirOrAsk(cc);
    if (!dir) return undefined;
    name = basename(dir);
  }
  let format: ExportFormat | undefined = formatArg === 'csv' || formatArg === 'jsonl' ? formatArg : undefined;
  if (!format) {
    const pick = await cc.ui.showQuickPick(
      [
        { label: 'CSV', description: 'one row per event, Details as JSON', format: 'csv' as const },
        { label: 'JSONL', description: 'one JSON object per line', format: 'jsonl' as const },
      ],
      { title: 'KubeForenSys: export timeline as' },
    );
    if (!pick) return undefined;
    format = pick.format;
  }
  const filter = filterArg ?? (panelData ? cc.timeline.currentFilter() : undefined) ?? emptyFilter();
  const path = await cc.ui.pickSaveFile({
    title: 'KubeForenSys: export timeline',
    defaultPath: join(cc.home ?? homedir(), `timeline-${name}.${format}`),
    filters: format === 'csv' ? { CSV: ['csv'] } : { 'JSON Lines': ['jsonl'] },
  });
  if (!path) return undefined;
  try {
    const rows = await cc.ui.withProgress({ title: 'KubeForenSys: exporting timeline', cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        let timeline: TimelineSource | undefined = panelData;
        if (!timeline) {
          progress.report({ message: 'loading the bundle' });
          timeline = await cc.core.loadLocalTimeline(await cc.core.openBundle(dir!), { signal: abort.signal });
        }
        progress.report({ message: `writing ${path}` });
        return await writeTimeline(timeline, filter, format, path, abort.signal);
      } finally {
        sub.dispose();
      }
    });
    cc.log.info(`exported ${rows} timeline rows of ${name} to ${path}`);
    const choice = await cc.ui.showInformationMessage(`KubeForenSys: exported ${rows.toLocaleString('en-US')} rows to ${path}.`, 'Open');
    if (choice === 'Open') await cc.ui.openFile(path);
    return path;
  } catch (err) {
    void cc.ui.showErrorMessage(`KubeForenSys: export failed: ${errorMessage(err)}`);
    return undefined;
  }
}
