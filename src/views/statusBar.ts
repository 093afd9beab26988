// The status bar item: the context the next collection uses; clicking it opens the picker.
import * as vscode from 'vscode';
import { CMD } from '../host/ids.js';
import type { ContextInfo } from '../host/treeNodes.js';

export function createContextStatusBar(): { item: vscode.StatusBarItem; update(ctx: ContextInfo | undefined, error?: string): void } {
  const item = vscode.window.createStatusBarItem('kubeforensys.context', vscode.StatusBarAlignment.Left, 10);
  item.name = 'KubeForenSys Cluster Context';
  item.command = CMD.selectContext;
  return {
    item,
    update(ctx, error) {
      item.text = `$(shield) ${ctx ? ctx.name : 'no context'}`;
      item.tooltip = ctx
        ? `KubeForenSys collects from context ${ctx.name} (cluster ${ctx.cluster}, user ${ctx.user}). Click to choose another; the kubeconfig is not modified.`
        : `KubeForenSys: ${error ?? 'no cluster context found'}. Click to choose one.`;
      item.show();
    },
  };
}
