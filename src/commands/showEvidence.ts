// Show Logs and Show Command History (tree only, on a container): open the collected lines in a
// read-only editor through the kubeforensys: document provider. The registrar hands over the
// container node only once its fields were checked (onNode in ./registerCommands.ts).
import { evidenceUri, type EvidenceKind } from '../host/evidenceDocuments.js';
import type { NodeOf } from '../host/treeNodes.js';
import type { CommandContext } from '../host/context.js';

type ContainerNode = NodeOf<'container'>;

async function showEvidence(cc: CommandContext, kind: EvidenceKind, node: ContainerNode | undefined): Promise<string | undefined> {
  const bundle = cc.state.bundle;
  if (!node || !bundle) {
    void cc.ui.showWarningMessage('KubeForenSys: choose a container under a suspicious pod in the Artifacts view.');
    return undefined;
  }
  const uri = evidenceUri({ kind, bundleDir: bundle.dir, namespace: node.namespace, pod: node.pod, container: node.container });
  await cc.ui.openVirtualDocument(uri);
  return uri;
}

export const showLogs = (cc: CommandContext, node?: ContainerNode) => showEvidence(cc, 'logs', node);
export const showCommandHistory = (cc: CommandContext, node?: ContainerNode) => showEvidence(cc, 'history', node);
