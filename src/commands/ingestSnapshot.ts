// KubeForenSys: Ingest Snapshot into Log Analytics. Pushes the open bundle through the Logs
// Ingestion API in a cancellable notification; a re-run resumes from the bundle's checkpoint.
import { isAbortError, showFailure, type CommandContext } from '../host/context.js';
import type { IngestOutcome } from '../host/azureServices.js';
import { bundleDirOrAsk } from './openBundle.js';

export async function ingestSnapshot(cc: CommandContext, arg?: unknown): Promise<IngestOutcome | undefined> {
  const fromNode = arg && typeof arg === 'object' && (arg as { kind?: unknown }).kind === 'snapshot' ? (arg as { dir: string }).dir : undefined;
  const dir = fromNode ?? (await bundleDirOrAsk(cc));
  if (!dir) return undefined;
  let outcome: IngestOutcome;
  try {
    outcome = await cc.ui.withProgress({ title: 'KubeForenSys: ingesting into Log Analytics', cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => {
        cc.log.warn('ingestion cancelled by the user; the checkpoint keeps what was accepted');
        abort.abort();
      });
      let last = 0;
      try {
        const azure = await cc.core.azure();
        const conn = await azure.connection(cc.auth);
        return await azure.ingest(conn, dir, {
          signal: abort.signal,
          log: cc.log,
          onProgress: (p) => {
            const increment = p.percent !== undefined ? Math.max(0, p.percent - last) : undefined;
            if (p.percent !== undefined) last = p.percent;
            progress.report({ message: p.message, increment });
          },
        });
      } finally {
        sub.dispose();
      }
    });
  } catch (err) {
    if (isAbortError(err)) {
      void cc.ui.showWarningMessage('KubeForenSys: ingestion cancelled; run it again to resume from the checkpoint.');
      return undefined;
    }
    await showFailure(cc, 'ingestion failed', err);
    return undefined;
  }
  // After a successful ingest: a failure here is the timeline's, not the ingestion's.
  cc.log.info(`ingest ${dir}: ${outcome.summary}`);
  const choice = await cc.ui.showInformationMessage(`KubeForenSys: ${outcome.summary}`, 'Open Workspace Timeline', 'Show Log');
  try {
    if (choice === 'Open Workspace Timeline') await cc.timeline.open({ kind: 'workspace' });
    else if (choice === 'Show Log') cc.log.show();
  } catch (err) {
    await showFailure(cc, 'the workspace timeline could not open', err);
  }
  return outcome;
}
