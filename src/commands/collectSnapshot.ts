// KubeForenSys: Collect Forensic Snapshot. Runs core's takeSnapshot in a cancellable progress
// notification (cancel aborts the AbortSignal core receives), then opens the new bundle in the
// tree and offers Open Timeline, Reveal Bundle and Show Log. A failure is shown by the registrar.
import { join } from 'node:path';
import { artifactDef } from '../core/schema/artifacts.js';
import { MANIFEST_FILE, type Manifest } from '../core/evidence/manifest.js';
import type { ProgressEvent, SnapshotResult } from '../core/snapshot.js';
import { CMD } from '../host/ids.js';
import { resolveContext, settingsOf, type CommandContext } from '../host/context.js';
import { defaultArtifacts } from '../host/settings.js';

export const SUMMARY_BUTTONS = { openTimeline: 'Open Timeline', reveal: 'Reveal Bundle', showLog: 'Show Log' } as const;

export async function collectSnapshot(cc: CommandContext): Promise<SnapshotResult | undefined> {
  const settings = settingsOf(cc);
  const resolved = await resolveContext(cc);
  if (resolved.error) {
    cc.log.error(`cannot read the kubeconfig (${resolved.kubeconfig.paths.join(', ')}): ${resolved.error}`);
    void cc.ui.showErrorMessage(`KubeForenSys: cannot read the kubeconfig: ${resolved.error}`);
    return undefined;
  }
  if (!resolved.current) {
    const choice = await cc.ui.showErrorMessage(
      `KubeForenSys: no cluster context to collect from (kubeconfig ${resolved.kubeconfig.paths.join(', ')}).`,
      'Select Cluster Context',
    );
    if (choice) await cc.ui.executeCommand(CMD.selectContext);
    return undefined;
  }
  const artifacts = cc.state.selectedArtifacts(defaultArtifacts(settings));
  if (artifacts.length === 0) {
    void cc.ui.showWarningMessage('KubeForenSys: no artifact is ticked in the Artifacts view; tick at least one to collect.');
    return undefined;
  }
  const context = resolved.current.name;
  const outDir = settings.evidenceFolder ?? cc.defaultEvidenceFolder;
  cc.log.info(`collecting ${artifacts.join(', ')} from context ${context} (kubeconfig ${resolved.kubeconfig.origin}: ${resolved.kubeconfig.paths.join(', ')}) into ${outDir}`);

  const step = 100 / artifacts.length;
  // A cancel does not throw: core seals what it has, and the summary says the bundle is cancelled.
  const result = await cc.ui.withCancellable(
    `KubeForenSys: collecting from ${context}`,
    (report, signal) => {
      signal.addEventListener('abort', () => cc.log.warn('collection cancelled by the user; sealing what was collected'), { once: true });
      return cc.core.takeSnapshot(
        {
          kubeconfig: resolved.kubeconfigPath,
          context,
          outDir,
          options: {
            artifacts,
            sinceSeconds: Math.round(settings.sinceHours * 3600),
            concurrency: settings.concurrency,
            excludeNamespaces: settings.excludeNamespaces,
            execEnabled: settings.execEnabled,
          },
          // An AKS cluster's Azure-side evidence (audit, Activity Log, Defender), through the same
          // per-audience Microsoft sign-in as provisioning and ingestion; asked for once collection runs.
          azure: { when: 'aks', subscriptionId: settings.azure.subscription, connection: async () => (await cc.core.azure()).connection(cc.auth) },
          // The manifest's record of what started the collection (the host's argv says nothing useful).
          commandLine: ['vscode', 'kubeforensys.collectSnapshot', `--context=${context ?? ''}`],
        },
        {
          signal,
          log: { info: (m) => cc.log.info(m), warn: (m) => cc.log.warn(m), error: (m) => cc.log.error(m) },
          onProgress: (e) => report({ message: progressMessage(e, artifacts.indexOf(e.artifact) + 1, artifacts.length), increment: e.phase === 'end' ? step : undefined }),
        },
      );
    },
    { failed: `collection from ${context} failed` },
  );

  await cc.state.setBundle({ dir: result.bundleDir, manifest: result.manifest });
  void showSummary(cc, result);
  return result;
}

/** "Container logs (3/9): 120/400 · 41.2 MB" (raw evidence received; rows are counted at the seal). */
export function progressMessage(e: ProgressEvent, index: number, of: number): string {
  const label = artifactDef(e.artifact).label;
  const units = e.total > 0 ? ` ${e.done.toLocaleString('en-US')}/${e.total.toLocaleString('en-US')} ·` : '';
  const end = e.phase === 'end' && e.status && e.status !== 'ok' ? ` · ${e.status}` : '';
  return `${label} (${index}/${of}):${units} ${(e.bytes / 1e6).toFixed(1)} MB${end}`;
}

export function summaryText(m: Manifest): string {
  const reports = Object.entries(m.artifacts);
  const records = reports.reduce((s, [, r]) => s + (r?.records ?? 0), 0);
  const gaps = reports.reduce((s, [, r]) => s + (r?.gaps.length ?? 0), 0);
  const notOk = reports.filter(([, r]) => r && r.status !== 'ok').map(([a, r]) => `${artifactDef(a as never).label} ${r!.status}`);
  const head = m.status === 'cancelled' ? 'Collection cancelled; the bundle holds what was collected' : m.status === 'failed' ? 'Collection failed' : `Snapshot ${m.status}`;
  return `KubeForenSys: ${head}: ${records.toLocaleString('en-US')} records from ${reports.length} artifacts, ${gaps.toLocaleString('en-US')} gaps${notOk.length ? ` (${notOk.join(', ')})` : ''}.`;
}

async function showSummary(cc: CommandContext, result: SnapshotResult): Promise<void> {
  const m = result.manifest;
  const text = summaryText(m);
  const buttons = [SUMMARY_BUTTONS.openTimeline, SUMMARY_BUTTONS.reveal, SUMMARY_BUTTONS.showLog];
  const choice = m.status === 'complete' ? await cc.ui.showInformationMessage(text, ...buttons) : await cc.ui.showWarningMessage(text, ...buttons);
  await runSummaryChoice(cc, choice, result.bundleDir);
}

export async function runSummaryChoice(cc: CommandContext, choice: string | undefined, bundleDir: string): Promise<void> {
  if (choice === SUMMARY_BUTTONS.openTimeline) await cc.timeline.open({ kind: 'local', bundleDir });
  else if (choice === SUMMARY_BUTTONS.reveal) await cc.ui.revealInOs(join(bundleDir, MANIFEST_FILE));
  else if (choice === SUMMARY_BUTTONS.showLog) cc.log.show();
}
