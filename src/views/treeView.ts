// Adapts the VS Code-free ArtifactsTree to a vscode.TreeView: items, checkboxes (persisted in the
// extension state), and the view's description showing the current context.
import * as vscode from 'vscode';
import type { ArtifactId } from '../core/schema/artifacts.js';
import { VIEW_ID } from '../host/ids.js';
import type { ExtensionState } from '../host/state.js';
import type { ArtifactsTree } from './artifactsTree.js';
import type { TreeItemModel, TreeNode } from '../host/treeNodes.js';

const COLLAPSIBLE = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

export function toTreeItem(m: TreeItemModel): vscode.TreeItem {
  const item = new vscode.TreeItem(m.label, COLLAPSIBLE[m.collapsible]);
  item.id = m.id;
  item.description = m.description;
  // A plain string tooltip: never Markdown, since names and messages come from the cluster.
  item.tooltip = m.tooltip;
  item.contextValue = m.contextValue;
  if (m.checked !== undefined) item.checkboxState = m.checked ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked;
  if (m.icon) item.iconPath = new vscode.ThemeIcon(m.icon.id, m.icon.color ? new vscode.ThemeColor(m.icon.color) : undefined);
  if (m.command) item.command = m.command;
  return item;
}

/** The tree's banner while a severity filter is on (undefined: none). */
export function filterMessage(severities: readonly string[]): string | undefined {
  return severities.length ? `Filtered: showing ${severities.join(', ')} findings only (Filter… to change)` : undefined;
}

export function createArtifactsTreeView(tree: ArtifactsTree, state: ExtensionState, fallbackArtifacts: () => readonly ArtifactId[]): vscode.TreeView<TreeNode> {
  const onDidChangeTreeData: vscode.Event<TreeNode | undefined> = (listener, thisArgs, disposables) => {
    const d = tree.onDidChange((e) => listener.call(thisArgs, e));
    if (Array.isArray(disposables)) disposables.push(d);
    return d;
  };
  const provider: vscode.TreeDataProvider<TreeNode> = {
    onDidChangeTreeData,
    getTreeItem: (node) => toTreeItem(tree.getItem(node)),
    getChildren: (node) => tree.getChildren(node),
  };
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true, manageCheckboxStateManually: true });
  view.onDidChangeCheckboxState((e) => {
    const changes = e.items
      .filter(([node]) => node.kind === 'artifactChoice')
      .map(([node, s]) => ({ artifact: (node as Extract<TreeNode, { kind: 'artifactChoice' }>).artifact, checked: s === vscode.TreeItemCheckboxState.Checked }));
    if (changes.length) void state.setArtifactsChecked(changes, fallbackArtifacts());
  });
  // A severity filter hides findings: say so above the tree, where it cannot be missed.
  const showFilter = () => (view.message = filterMessage(state.treeSeverities));
  showFilter();
  state.onDidChange((change) => change === 'filter' && showFilter());
  return view;
}
