// KubeForenSys: Export Timeline (CSV, JSONL, Timesketch JSONL). Says which filter applies and how
// many rows that is before anything is written, proposes the folder that holds the bundle (never
// inside it: the bundle is sealed), includes the case file's marks, and writes the provenance
// record beside the file. The formats and the provenance are core's (src/core/timeline/export.ts),
// the same code the CLI's `timeline --format` runs.
import { basename, dirname, join } from 'node:path';
import { emptyFilter, type TimelineFilter } from '../core/timeline/filter.js';
import { EXPORT_FORMATS, FORMAT_INFO, describeFilter, exportTimelineFile, isExportFormat, type ExportFormat, type ExportOrigin, type MarkLookup } from '../core/timeline/export.js';
import { caseDigest, loadCase } from '../core/timeline/caseFile.js';
import type { TimelineSource } from '../core/timeline/source.js';
import type { Manifest } from '../core/evidence/manifest.js';
import { errorMessage, type CommandContext } from '../host/context.js';
import { bundleDirOrAsk } from './openBundle.js';

export { csvField } from '../core/timeline/export.js';

interface Target {
  /** The bundle folder, for a local source. */
  dir?: string;
  name: string;
  data?: TimelineSource;
}

async function target(cc: CommandContext): Promise<Target | undefined> {
  // The open panel's data (local or workspace) when it is loaded; else the open bundle, loaded later.
  const panelSource = cc.timeline.currentSource();
  const panelData = cc.timeline.currentData();
  if (panelSource && panelData) {
    return panelSource.kind === 'local' ? { dir: panelSource.bundleDir, name: basename(panelSource.bundleDir), data: panelData } : { name: 'workspace', data: panelData };
  }
  const dir = await bundleDirOrAsk(cc);
  return dir ? { dir, name: basename(dir) } : undefined;
}

async function pickFormat(cc: CommandContext, formatArg: unknown): Promise<ExportFormat | undefined> {
  if (isExportFormat(formatArg)) return formatArg;
  const pick = await cc.ui.showQuickPick(
    EXPORT_FORMATS.map((f) => ({ label: FORMAT_INFO[f].label, description: FORMAT_INFO[f].description, format: f })),
    { title: 'KubeForenSys: export timeline as' },
  );
  return pick?.format;
}

/** Which rows: the filter in force (said in words, with its count) or every row. Nothing is applied silently. */
async function pickScope(cc: CommandContext, data: TimelineSource, filter: TimelineFilter): Promise<TimelineFilter | undefined> {
  const all = emptyFilter();
  const described = describeFilter(filter);
  if (described === describeFilter(all)) return all;
  const count = (f: TimelineFilter) => data.query(f, { offset: 0, limit: 0 }).total.toLocaleString('en-US');
  const pick = await cc.ui.showQuickPick(
    [
      { label: `The timeline's filter: ${count(filter)} rows`, detail: described, filter },
      { label: `Every row: ${count(all)} rows`, detail: 'no filter', filter: all },
    ],
    { title: 'KubeForenSys: export which rows?' },
  );
  return pick?.filter;
}

async function manifestOf(cc: CommandContext, dir: string): Promise<Manifest> {
  return cc.state.bundle?.dir === dir ? cc.state.bundle.manifest : (await cc.core.openBundle(dir)).manifest;
}

/** The bundle's identity and the case file's marks (empty when there is none yet). */
async function originOf(cc: CommandContext, t: Target): Promise<{ origin: ExportOrigin; marks: MarkLookup }> {
  if (!t.dir) return { origin: { kind: 'workspace', label: t.name }, marks: {} };
  const m = await manifestOf(cc, t.dir);
  const origin: ExportOrigin = { kind: 'local', label: t.name, snapshotId: m.snapshotId, manifestDigest: m.manifestDigest };
  const c = await loadCase(t.dir, m).catch((err: unknown) => {
    cc.log.warn(`export: the case file was not read (${errorMessage(err)}); exporting without marks`);
    return undefined;
  });
  if (c?.exists) origin.caseFile = { path: c.path, digest: caseDigest(c.case) };
  return { origin, marks: c?.case.marks ?? {} };
}

export async function exportTimeline(cc: CommandContext, formatArg?: unknown, filterArg?: TimelineFilter): Promise<string | undefined> {
  const t = await target(cc);
  if (!t) return undefined;
  const format = await pickFormat(cc, formatArg);
  if (!format) return undefined;
  const data = t.data ?? (await cc.ui.withProgress({ title: 'KubeForenSys: loading the bundle', cancellable: false }, async () => cc.core.loadLocalTimeline(await cc.core.openBundle(t.dir!))));
  const inForce = filterArg ?? (t.data ? cc.timeline.currentFilter() : undefined) ?? emptyFilter();
  const filter = await pickScope(cc, data, inForce);
  if (!filter) return undefined;
  const info = FORMAT_INFO[format];
  const suffix = format === 'timesketch' ? '.timesketch' : '';
  const folder = t.dir ? dirname(t.dir) : (cc.home ?? process.cwd());
  const path = await cc.ui.pickSaveFile({
    title: `KubeForenSys: export timeline (${describeFilter(filter)})`,
    defaultPath: join(folder, `timeline-${t.name}${suffix}.${info.extension}`),
    filters: { [info.label]: [info.extension] },
  });
  if (!path) return undefined;
  const { origin, marks } = await originOf(cc, t);
  const res = await cc.ui.withCancellable(
    'KubeForenSys: exporting timeline',
    (report, signal) => {
      report({ message: `writing ${path}` });
      return exportTimelineFile({ source: data, filter, format, path, origin, marks, signal });
    },
    { failed: 'export failed' },
  );
  const p = res.provenance;
  cc.log.info(`exported ${p.rows} timeline rows of ${t.name} (${p.filterDescription}) to ${path}, sha256 ${p.sha256}; provenance ${res.provenancePath}`);
  const leftOut = p.rowsLeftOut ? ` ${p.rowsLeftOut.toLocaleString('en-US')} rows without a time were left out (Timesketch needs one).` : '';
  const choice = await cc.ui.showInformationMessage(`KubeForenSys: exported ${p.rows.toLocaleString('en-US')} rows to ${path}, with ${basename(res.provenancePath)} beside it.${leftOut}`, 'Open');
  if (choice === 'Open') await cc.ui.openFile(path);
  return path;
}
