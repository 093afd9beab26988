// Provisioning, ingestion and the workspace query, adapted from src/core/azure for the commands.
// The ids provisioning produces go to the same state file the CLI uses, so `kubeforensys ingest`
// on a jump box and the extension share one workspace.
import { readManifest } from '../core/evidence/reader.js';
import type { AzureConnection } from '../core/azure/credentials.js';
import { ingestBundle } from '../core/azure/ingest.js';
import { INSIGHTS_TABLE_NAMES } from '../core/schema/insightsTables.js';
import { provision as provisionResources } from '../core/azure/provision.js';
import { queryWorkspaceTimeline, workspaceArrival } from '../core/azure/query.js';
import { defaultStatePath, readState, recordIngest, saveProvisioned, type AzureState } from '../core/azure/state.js';
import type { TableName } from '../core/schema/tables.js';
import type { TimelineFilter } from '../core/timeline/filter.js';
import type { AzureRun, IngestOutcome, ProvisionOutcome, WorkspaceRows } from './azureServices.js';
import type { KfsSettings } from './settings.js';

/** A user-facing problem with the settings (shown with an "Open Settings" button). */
export class AzureSettingsError extends Error {
  override name = 'AzureSettingsError';
}

/** Polling and back-off timings (only the emulator connection shortens them). */
export interface Timing {
  pollIntervalMs?: number;
  retryBaseMs?: number;
}

export async function provision(conn: AzureConnection, settings: KfsSettings['azure'], run: AzureRun, statePath = defaultStatePath(), timing: Timing = {}): Promise<ProvisionOutcome> {
  const subscriptionId = settings.subscription ?? conn.subscriptionId;
  if (!subscriptionId) throw new AzureSettingsError('set kubeforensys.azure.subscription to the subscription the workspace goes in.');
  if (!settings.resourceGroup) throw new AzureSettingsError('set kubeforensys.azure.resourceGroup to the (existing) resource group the workspace and rule go in.');
  const changes: string[] = [];
  const result = await provisionResources(
    conn,
    { subscriptionId, resourceGroup: settings.resourceGroup, workspaceName: settings.workspaceName, location: settings.location },
    {
      ...timing,
      signal: run.signal,
      log: (m) => {
        run.log?.info(m);
        run.onProgress?.({ message: m });
      },
      onStep: (s) => {
        const line = `${s.action === 'unchanged' ? 'kept' : s.action === 'create' ? 'created' : 'updated'} ${s.kind} ${s.name}${s.detail ? ` (${s.detail})` : ''}`;
        if (s.action !== 'unchanged') changes.push(`${s.kind} ${s.name}`);
        run.log?.info(`provision: ${line}`);
        run.onProgress?.({ message: line });
      },
    },
  );
  if (result.state) await saveProvisioned(result.state, statePath);
  const where = `workspace ${settings.workspaceName} in ${settings.resourceGroup}`;
  return {
    changed: result.changed,
    summary: result.changed
      ? `Log Analytics ready: ${where} (${changes.length} change${changes.length === 1 ? '' : 's'}: ${changes.slice(0, 4).join(', ')}${changes.length > 4 ? ', …' : ''}).`
      : `Log Analytics already in place: ${where}; nothing changed.`,
  };
}

/** The state file, its "run provision" advice phrased for the extension. */
function stateFor(statePath: string): Promise<AzureState> {
  return readState(statePath).catch((err: unknown) => {
    throw new AzureSettingsError((err as Error).message.replace(/run "kubeforensys provision"( first| again)?.*$/, 'run "KubeForenSys: Provision Log Analytics Resources"$1.'));
  });
}

export async function ingest(conn: AzureConnection, bundleDir: string, run: AzureRun, statePath = defaultStatePath(), timing: Timing = {}): Promise<IngestOutcome> {
  const state = await stateFor(statePath);
  const manifest = await readManifest(bundleDir);
  const total = Object.values(manifest.tables).reduce((s, t) => s + (t?.records ?? 0), 0);
  const done = new Map<TableName, number>();
  const result = await ingestBundle(conn, bundleDir, state, {
    retryBaseMs: timing.retryBaseMs,
    signal: run.signal,
    log: (m) => run.log?.info(`ingest: ${m}`),
    onProgress: (p) => {
      done.set(p.table, p.rowsSent + p.rowsSkipped);
      const sum = [...done.values()].reduce((a, b) => a + b, 0);
      run.onProgress?.({
        message: `${p.table}: ${(p.rowsSent + p.rowsSkipped).toLocaleString('en-US')}/${p.rowsTotal.toLocaleString('en-US')} rows · ${(p.bytesSent / 1e6).toFixed(1)} MB sent`,
        percent: total > 0 ? Math.min(100, (sum / total) * 100) : undefined,
      });
    },
  });
  await recordIngest(statePath, { snapshotId: manifest.snapshotId, rows: result.delivered, at: new Date().toISOString() });
  const tables = Object.values(result.tables);
  const sent = tables.reduce((s, t) => s + (t?.sent ?? 0), 0);
  const skipped = tables.reduce((s, t) => s + (t?.skipped ?? 0), 0);
  const n = (x: number) => x.toLocaleString('en-US');
  const stopped = Object.entries(result.tables).filter(([, t]) => t?.stopped).map(([name]) => name);
  if (result.checkpointRejected) run.log?.warn(`ingest: the bundle's checkpoint was not trusted (${result.checkpointRejected}); every record was sent.`);
  for (const q of result.quarantined) run.log?.warn(`ingest: the service refused ${q.table} record ${q.recordId} (${q.code || q.status}): ${q.reason}`);
  return {
    rows: sent,
    refused: result.quarantined.length,
    summary: `ingested ${n(sent)} records into ${state.workspaceName} (${(result.bytes / 1e6).toFixed(1)} MB in ${result.requests} requests)${skipped ? `; ${n(skipped)} already delivered by an earlier run` : ''}${
      result.truncatedFields ? `; ${result.truncatedFields} fields over 64 KB truncated (the bundle keeps them whole)` : ''
    }${result.quarantined.length ? `; ${n(result.quarantined.length)} refused by the service and kept only in the bundle (see the log)` : ''}${stopped.length ? `; gave up on ${stopped.join(', ')}` : ''}${
      result.checkpointRejected ? '; the old checkpoint was not trusted, so everything was sent' : ''
    }.`,
  };
}

/**
 * The workspace timeline. When the last ingestion is not all queryable yet (new data takes minutes),
 * the warning says how much is and the caller offers a refresh, instead of an empty or short
 * timeline passing for the answer.
 */
export async function queryTimeline(conn: AzureConnection, filter: TimelineFilter, settings: KfsSettings['azure'], run: AzureRun, statePath = defaultStatePath()): Promise<WorkspaceRows> {
  const state = await stateFor(statePath);
  // AKSAudit* are the AKS audit tables; the rest are Container Insights'.
  const insightsTables = INSIGHTS_TABLE_NAMES.filter((t) => (t.startsWith('AKSAudit') ? settings.includeAksAudit : settings.includeContainerInsights));
  const arrival = state.lastIngest ? await workspaceArrival(conn, state.workspaceCustomerId, state.lastIngest, run.signal) : null;
  const res = await queryWorkspaceTimeline(conn, state.workspaceCustomerId, { filter, insightsTables, signal: run.signal });
  if (arrival && !arrival.complete) return { rows: res.rows, label: `Log Analytics · ${state.workspaceName}`, warning: arrival.message, refreshable: true };
  const warning = res.partialError
    ? `the workspace answered part of the timeline only: ${res.partialError}`
    : res.truncated
      ? `the workspace timeline holds more than ${res.rows.length.toLocaleString('en-US')} rows; the first ${res.rows.length.toLocaleString('en-US')} are shown (filter in the workspace or use the local bundle).`
      : undefined;
  return { rows: res.rows, label: `Log Analytics · ${state.workspaceName}`, warning };
}
