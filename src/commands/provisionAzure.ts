// KubeForenSys: Provision Log Analytics Resources. Workspace, custom tables and the data
// collection rule, idempotently (a second run changes nothing and says so). A failure or a
// cancel is reported by the registrar.
import { settingsOf, type CommandContext } from '../host/context.js';
import type { ProvisionOutcome } from '../host/azureServices.js';

export async function provisionAzure(cc: CommandContext): Promise<ProvisionOutcome> {
  const settings = settingsOf(cc).azure;
  const outcome = await cc.ui.withCancellable(
    'KubeForenSys: provisioning Log Analytics',
    async (report, signal) => {
      const azure = await cc.core.azure();
      const conn = await azure.connection(cc.auth);
      return azure.provision(conn, settings, { signal, log: cc.log, onProgress: (p) => report({ message: p.message }) });
    },
    { failed: 'provisioning failed' },
  );
  cc.log.info(`provision: ${outcome.summary}`);
  void cc.ui.showInformationMessage(`KubeForenSys: ${outcome.summary}`);
  return outcome;
}
