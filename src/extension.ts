// Activation: builds the services, registers the commands and views, nothing else. Activation is
// lazy (contributed commands/views and the timeline serializer activate us); the Azure SDKs and
// the Kubernetes client are only loaded when a command first needs them.
import * as vscode from 'vscode';
import { join } from 'node:path';
import { resolveContext, settingsOf, type CommandContext } from './host/context.js';
import { DOCUMENT_SCHEME, TIMELINE_VIEW_TYPE } from './host/ids.js';
import { registerCommands } from './commands/registerCommands.js';
import { defaultCoreServices } from './host/services.js';
import { defaultArtifacts, SECTION } from './host/settings.js';
import { ExtensionState } from './host/state.js';
import { ArtifactsTree } from './views/artifactsTree.js';
import { createEvidenceDocumentProvider } from './views/evidenceDocumentProvider.js';
import { createContextStatusBar } from './views/statusBar.js';
import { TimelinePanelHost } from './views/timelinePanel.js';
import { createArtifactsTreeView } from './views/treeView.js';
import { createUiHost, kubernetesExtensionKubeconfig, microsoftAuth, workspaceInfo } from './host/vscodeHost.js';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('KubeForenSys', { log: true });
  const ui = createUiHost();
  const state = new ExtensionState(context.globalState);
  const core = defaultCoreServices();
  const panels = new TimelinePanelHost(context.extensionUri, context.workspaceState);
  const cc: CommandContext = {
    ui,
    workspace: workspaceInfo(),
    state,
    log,
    core,
    timeline: panels,
    auth: microsoftAuth,
    defaultEvidenceFolder: join(context.globalStorageUri.fsPath, 'evidence'),
    kubernetesExtensionKubeconfig,
    env: process.env,
  };
  panels.attach(cc);

  const tree = new ArtifactsTree({
    state,
    currentContext: async () => (await resolveContext(cc)).current,
    loadFindings: (dir) => core.loadFindings(dir),
    defaultArtifacts: () => defaultArtifacts(settingsOf(cc)),
  });
  const view = createArtifactsTreeView(tree, state, () => defaultArtifacts(settingsOf(cc)));
  const status = createContextStatusBar();

  const showContext = async () => {
    const r = await resolveContext(cc);
    view.description = r.current?.name ?? '';
    status.update(r.current, r.error);
  };
  const showBundle = () => void ui.setContext('kubeforensys.bundleOpen', !!state.bundle);

  context.subscriptions.push(
    log,
    state,
    tree,
    view,
    status.item,
    panels,
    ...registerCommands((id, handler) => vscode.commands.registerCommand(id, handler), cc, tree),
    vscode.workspace.registerTextDocumentContentProvider(DOCUMENT_SCHEME, createEvidenceDocumentProvider(core)),
    vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, panels),
    state.onDidChange((what) => {
      if (what === 'context') void showContext();
      if (what === 'bundle') showBundle();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION) || e.affectsConfiguration('vs-kubernetes')) {
        void showContext();
        tree.refresh();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void showContext();
      tree.refresh();
    }),
  );
  void showContext();
  showBundle();

  // Reopen the last bundle quietly; a bundle that was moved or deleted is simply forgotten.
  const last = state.lastBundleDir;
  if (last) {
    core.openBundle(last).then(
      (b) => state.setBundle({ dir: last, manifest: b.manifest }),
      () => state.setBundle(undefined),
    );
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
