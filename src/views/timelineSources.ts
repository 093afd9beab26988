// Loads what a timeline panel shows: a bundle into the local engine (no Azure needed), or the
// workspace's unified KQL query result into the same engine, so the webview is answered alike.
import { basename } from 'node:path';
import { emptyFilter } from '../core/timeline/filter.js';
import { settingsOf, type CommandContext, type TimelineSourceSpec } from '../host/context.js';
import type { LoadedSource } from './timelineController.js';
import { CaseStore } from './caseStore.js';
import { userInfo } from 'node:os';

/** Loads a timeline source: the bundle into the local engine, or the workspace's unified query result. */
export async function loadTimelineSource(cc: CommandContext, source: TimelineSourceSpec, signal?: AbortSignal): Promise<LoadedSource> {
  if (source.kind === 'local') {
    const bundle = await cc.core.openBundle(source.bundleDir);
    const started = Date.now();
    const timeline = await cc.core.loadLocalTimeline(bundle, { signal });
    cc.log.info(`timeline: loaded ${timeline.size} rows of ${source.bundleDir} in ${Date.now() - started} ms`);
    // The analyst's marks live beside the bundle; comments are signed with the OS user.
    const store = new CaseStore(source.bundleDir, bundle.manifest, analystName());
    return { source: timeline, info: { kind: 'local', label: `${bundle.manifest.cluster.context} · ${basename(source.bundleDir)}` }, case: store };
  }
  const azure = await cc.core.azure();
  const conn = await azure.connection(cc.auth);
  const res = await azure.queryTimeline(conn, emptyFilter(), settingsOf(cc).azure, { signal: signal ?? new AbortController().signal, log: cc.log });
  if (res.warning) {
    cc.log.warn(`workspace timeline: ${res.warning}`);
    // Data still arriving: offer to query again rather than leave a short timeline as the answer.
    void cc.ui.showWarningMessage(`KubeForenSys: ${res.warning}`, ...(res.refreshable ? ['Refresh'] : [])).then((choice) => {
      if (choice === 'Refresh') return cc.timeline.open({ kind: 'workspace', refresh: Date.now() }, cc.timeline.currentFilter());
    });
  }
  return { source: await cc.core.timelineFromRows(res.rows), info: { kind: 'workspace', label: res.label } };
}

function analystName(): string {
  try {
    return userInfo().username || 'analyst';
  } catch {
    return 'analyst';
  }
}
