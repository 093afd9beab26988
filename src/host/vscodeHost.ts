// The seam's real side: UiHost, WorkspaceInfo, the Microsoft sign-in and the Kubernetes
// extension's kubeconfig, implemented with the `vscode` API. Kept thin on purpose: everything
// with logic lives behind the seam where node tests reach it.
import * as vscode from 'vscode';
import type { AzureAuth } from './context.js';
import type { CancellationTokenLike, ConfigReader, PickItem, QuickPickOptions, UiHost, WorkspaceInfo } from './seam.js';
import { effectiveValue } from './settings.js';
import { inertLinks } from './inertText.js';
import { runCancellable } from './cancellable.js';

export function createUiHost(): UiHost {
  const showQuickPick = (async <T extends PickItem>(items: readonly T[], opts?: QuickPickOptions) =>
    vscode.window.showQuickPick(items as T[], { ...opts, ignoreFocusOut: true })) as UiHost['showQuickPick'];
  const withProgress: UiHost['withProgress'] = (opts, task) =>
    Promise.resolve(
      vscode.window.withProgress(
        { location: opts.cancellable ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title: opts.title, cancellable: opts.cancellable },
        (progress, token) => task(progress, token as CancellationTokenLike),
      ),
    );
  return {
    withProgress,
    withCancellable: (title, task, opts) => runCancellable(withProgress, title, task, opts),
    showInformationMessage: async (m, ...b) => vscode.window.showInformationMessage(inertLinks(m), ...b),
    showWarningMessage: async (m, ...b) => vscode.window.showWarningMessage(inertLinks(m), ...b),
    showErrorMessage: async (m, ...b) => vscode.window.showErrorMessage(inertLinks(m), ...b),
    showQuickPick,
    pickFolder: async (o) => {
      const uris = await vscode.window.showOpenDialog({
        title: o.title,
        openLabel: o.openLabel,
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: false,
        defaultUri: o.defaultPath ? vscode.Uri.file(o.defaultPath) : undefined,
      });
      return uris?.[0]?.fsPath;
    },
    pickSaveFile: async (o) => (await vscode.window.showSaveDialog({ title: o.title, filters: o.filters, defaultUri: o.defaultPath ? vscode.Uri.file(o.defaultPath) : undefined }))?.fsPath,
    writeClipboard: async (t) => vscode.env.clipboard.writeText(t),
    openVirtualDocument: async (uri) => {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri, true));
      await vscode.window.showTextDocument(doc, { preview: false });
    },
    openFile: async (p) => void (await vscode.window.showTextDocument(vscode.Uri.file(p))),
    revealInOs: async (p) => void (await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(p))),
    executeCommand: async (id, ...args) => vscode.commands.executeCommand(id, ...args),
    setContext: async (key, value) => void (await vscode.commands.executeCommand('setContext', key, value)),
  };
}

// Full dotted keys ("kubeforensys.azure.location", "vs-kubernetes") from the root configuration.
const configReader: ConfigReader = {
  inspect: <T>(section: string) => vscode.workspace.getConfiguration().inspect<T>(section),
};

export function workspaceInfo(): WorkspaceInfo {
  return {
    get isTrusted() {
      return vscode.workspace.isTrusted;
    },
    config: configReader,
  };
}

/** One VS Code Microsoft session per audience (the scopes differ), created on demand. */
export const microsoftAuth: AzureAuth = {
  async getToken(scopes) {
    const session = await vscode.authentication.getSession('microsoft', scopes, { createIfNone: true });
    // VS Code refreshes the session itself and does not expose the expiry: ask again soon.
    return { token: session.accessToken, expiresOnTimestamp: Date.now() + 5 * 60_000 };
  },
};

const K8S_EXTENSION = 'ms-kubernetes-tools.vscode-kubernetes-tools';

interface K8sConfigurationApi {
  getKubeconfigPath(): { pathType: 'host'; hostPath: string } | { pathType: 'wsl'; wslPath: string };
}

/**
 * The Kubernetes extension's kubeconfig through its API (only when it is already active: we do
 * not start another extension). Untrusted workspaces skip it: its answer may come from
 * workspace settings, and settings.ts falls back to the user's own vs-kubernetes value.
 */
export async function kubernetesExtensionKubeconfig(): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) {
    const v = effectiveValue<Record<string, unknown>>(vscode.workspace.getConfiguration().inspect('vs-kubernetes'), false);
    const p = v?.['vs-kubernetes.kubeconfig'];
    return typeof p === 'string' && p ? p : undefined;
  }
  const ext = vscode.extensions.getExtension<{ get?(component: string, version: string): Promise<{ available: boolean; api?: K8sConfigurationApi }> }>(K8S_EXTENSION);
  if (!ext?.isActive || typeof ext.exports?.get !== 'function') return undefined;
  const res = await ext.exports.get('configuration', 'v1');
  if (!res.available || !res.api) return undefined;
  const p = res.api.getKubeconfigPath();
  return p.pathType === 'host' ? p.hostPath : undefined;
}
