// KubeForenSys: Ingest Snapshot into Log Analytics. Pushes the bundle through the Logs Ingestion
// API in a cancellable notification; a re-run resumes from the bundle's checkpoint. A failure or
// a cancel is reported by the registrar.
import { showFailure, type CommandContext } from '../host/context.js';
import type { IngestOutcome } from '../host/azureServices.js';
import { bundleDirOrAsk } from './openBundle.js';

/** `bundleDir`: the tree's snapshot item; else the open bundle, else a folder picker. */
export async function ingestSnapshot(cc: CommandContext, bundleDir?: string): Promise<IngestOutcome | undefined> {
  const dir = bundleDir ?? (await bundleDirOrAsk(cc));
  if (!dir) return undefined;
  const outcome = await cc.ui.withCancellable(
    'KubeForenSys: ingesting into Log Analytics',
    async (report, signal) => {
      signal.addEventListener('abort', () => cc.log.warn('ingestion cancelled by the user; the checkpoint keeps what was accepted'), { once: true });
      const azure = await cc.core.azure();
      const conn = await azure.connection(cc.auth);
      return azure.ingest(conn, dir, { signal, log: cc.log, onProgress: (p) => report({ message: p.message, percent: p.percent }) });
    },
    { cancelled: 'ingestion cancelled; run it again to resume from the checkpoint.', failed: 'ingestion failed' },
  );
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
