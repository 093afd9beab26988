// KubeForenSys: Provision Log Analytics Resources. Workspace, custom tables and the data
// collection rule, idempotently (a second run changes nothing and says so).
import { isAbortError, settingsOf, showFailure, type CommandContext } from '../host/context.js';
import type { ProvisionOutcome } from '../host/azureServices.js';

export async function provisionAzure(cc: CommandContext): Promise<ProvisionOutcome | undefined> {
  const settings = settingsOf(cc).azure;
  try {
    const outcome = await cc.ui.withProgress({ title: 'KubeForenSys: provisioning Log Analytics', cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        const azure = await cc.core.azure();
        const conn = await azure.connection(cc.auth);
        return await azure.provision(conn, settings, {
          signal: abort.signal,
          log: cc.log,
          onProgress: (p) => progress.report({ message: p.message }),
        });
      } finally {
        sub.dispose();
      }
    });
    cc.log.info(`provision: ${outcome.summary}`);
    void cc.ui.showInformationMessage(`KubeForenSys: ${outcome.summary}`);
    return outcome;
  } catch (err) {
    if (isAbortError(err)) return undefined;
    await showFailure(cc, 'provisioning failed', err);
    return undefined;
  }
}
