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
  | { kind: 'subject'; subject: RbacSubject }
  | { kind: 'azureSources' }
  | { kind: 'azureSource'; source: string };

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
  azureSources: 'kfs.azureSources',
  azureSource: 'kfs.azureSource',
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

// ---- typed guards: a command's argument can come from any caller (a menu, a keybinding, another
// extension's executeCommand), so a node is only trusted once its fields have been checked.

export type NodeKind = TreeNode['kind'];
export type NodeOf<K extends NodeKind> = Extract<TreeNode, { kind: K }>;

type Fields = Record<string, unknown>;
const isObj = (v: unknown): v is Fields => !!v && typeof v === 'object' && !Array.isArray(v);
const strings = (o: unknown, ...keys: string[]): boolean => isObj(o) && keys.every((k) => typeof o[k] === 'string');
const finding = (f: unknown): boolean =>
  strings(f, 'recordId', 'time', 'severity', 'title', 'namespace', 'pod', 'container', 'resourceKind', 'resourceName') && typeof (f as Fields).baseline === 'boolean';

/** What each node kind must carry before a command reads it. */
const SHAPES: { [K in NodeKind]: (o: Fields) => boolean } = {
  context: (o) => strings(o.context, 'name', 'cluster', 'user'),
  artifactChoice: (o) => typeof o.artifact === 'string',
  snapshot: (o) => typeof o.dir === 'string',
  artifactResult: (o) => typeof o.artifact === 'string',
  gap: (o) => typeof o.artifact === 'string' && isObj(o.gap),
  more: (o) => typeof o.parent === 'string' && typeof o.hidden === 'number',
  resource: (o) => strings(o.resource, 'kind', 'namespace', 'name') && typeof (o.resource as Fields).isPod === 'boolean',
  finding: (o) => finding(o.finding) && typeof o.parentId === 'string',
  container: (o) => strings(o, 'namespace', 'pod', 'container'),
  subject: (o) => strings(o.subject, 'kind', 'namespace', 'name'),
  azureSources: () => true,
  azureSource: (o) => typeof o.source === 'string',
};

/** True when `v` is a tree node of one of `kinds` with the fields that kind carries. */
export function isTreeNode<K extends NodeKind>(v: unknown, kinds: readonly K[]): v is NodeOf<K> {
  if (!isObj(v) || typeof v.kind !== 'string' || !(kinds as readonly string[]).includes(v.kind)) return false;
  return SHAPES[v.kind as K](v);
}
