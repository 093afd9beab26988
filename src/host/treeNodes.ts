// The artifacts tree's nodes and the VS Code-free description of a tree item. Commands invoked
// from the tree's context menus receive these nodes as their first argument.
import type { ArtifactId } from '../core/schema/artifacts.js';
import type { Gap } from '../core/model.js';
import type { FindingView, RbacSubject, SuspiciousResource } from '../core/evidence/findings.js';

export interface ContextInfo {
  name: string;
  cluster: string;
  user: string;
  /** True when the user picked it (else it is the kubeconfig's current-context or the setting). */
  explicit: boolean;
}

export type TreeNode =
  | { kind: 'context'; context: ContextInfo; withBundle: boolean }
  | { kind: 'artifactChoice'; artifact: ArtifactId }
  | { kind: 'snapshot'; dir: string }
  | { kind: 'artifactResult'; artifact: ArtifactId }
  | { kind: 'gap'; artifact: ArtifactId; gap: Gap; index: number }
  | { kind: 'more'; parent: string; hidden: number }
  | { kind: 'resource'; resource: SuspiciousResource }
  | { kind: 'finding'; finding: FindingView; parentId: string }
  | { kind: 'container'; namespace: string; pod: string; container: string }
  | { kind: 'subject'; subject: RbacSubject };

/** Context values the package.json menus match with `viewItem == ...`. */
export const VIEW_ITEM = {
  context: 'kfs.context',
  artifactChoice: 'kfs.artifactChoice',
  snapshot: 'kfs.snapshot',
  artifactResult: 'kfs.artifact',
  gap: 'kfs.gap',
  more: 'kfs.more',
  pod: 'kfs.pod',
  workload: 'kfs.workload',
  finding: 'kfs.finding',
  container: 'kfs.container',
  subject: 'kfs.subject',
} as const;

export type Collapsible = 'none' | 'collapsed' | 'expanded';

/** A tree item without VS Code classes; src/views/treeView.ts turns it into a vscode.TreeItem. */
export interface TreeItemModel {
  id: string;
  label: string;
  description?: string;
  /** Plain text (never Markdown: names and messages come from the cluster). */
  tooltip?: string;
  contextValue: string;
  collapsible: Collapsible;
  /** undefined: no checkbox. */
  checked?: boolean;
  icon?: { id: string; color?: string };
  command?: { command: string; title: string; arguments?: unknown[] };
}
