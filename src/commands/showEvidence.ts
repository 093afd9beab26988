// Show Logs and Show Command History (tree only, on a container): open the collected lines in a
// read-only editor through the kubeforensys: document provider.
import { evidenceUri, type EvidenceKind } from '../host/evidenceDocuments.js';
import type { TreeNode } from '../host/treeNodes.js';
import type { CommandContext } from '../host/context.js';

type ContainerNode = Extract<TreeNode, { kind: 'container' }>;

export function isContainerNode(v: unknown): v is ContainerNode {
  const o = v as Partial<ContainerNode> | undefined;
  return !!o && o.kind === 'container' && typeof o.namespace === 'string' && typeof o.pod === 'string' && typeof o.container === 'string';
}

async function showEvidence(cc: CommandContext, kind: EvidenceKind, node: unknown): Promise<string | undefined> {
  const bundle = cc.state.bundle;
  if (!isContainerNode(node) || !bundle) {
    void cc.ui.showWarningMessage('KubeForenSys: choose a container under a suspicious pod in the Artifacts view.');
    return undefined;
  }
  const uri = evidenceUri({ kind, bundleDir: bundle.dir, namespace: node.namespace, pod: node.pod, container: node.container });
  await cc.ui.openVirtualDocument(uri);
  return uri;
}

export const showLogs = (cc: CommandContext, node?: unknown) => showEvidence(cc, 'logs', node);
export const showCommandHistory = (cc: CommandContext, node?: unknown) => showEvidence(cc, 'history', node);
