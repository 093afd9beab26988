// Command ids, one place: package.json contributes exactly these (a test holds it to that).
export const CMD = {
  collect: 'kubeforensys.collectSnapshot',
  selectContext: 'kubeforensys.selectContext',
  ingest: 'kubeforensys.ingestSnapshot',
  provision: 'kubeforensys.provisionAzure',
  openTimeline: 'kubeforensys.openTimeline',
  openBundle: 'kubeforensys.openBundle',
  verifyBundle: 'kubeforensys.verifyBundle',
  exportTimeline: 'kubeforensys.exportTimeline',
  copyKql: 'kubeforensys.copyTimelineKql',
  showLogs: 'kubeforensys.showLogs',
  showCommandHistory: 'kubeforensys.showCommandHistory',
  showInTimeline: 'kubeforensys.showInTimeline',
  filterTree: 'kubeforensys.filterTree',
  revealBundle: 'kubeforensys.revealBundle',
  showLog: 'kubeforensys.showLog',
  refreshTree: 'kubeforensys.refreshTree',
} as const;

export type CommandId = (typeof CMD)[keyof typeof CMD];

/** Commands that only make sense on a tree item: hidden from the palette. */
export const TREE_ONLY_COMMANDS: readonly CommandId[] = [CMD.showLogs, CMD.showCommandHistory, CMD.showInTimeline, CMD.filterTree, CMD.refreshTree];

export const VIEW_ID = 'kubeforensys.artifacts';
export const VIEW_CONTAINER_ID = 'kubeforensys';
export const TIMELINE_VIEW_TYPE = 'kubeforensys.timeline';
export const DOCUMENT_SCHEME = 'kubeforensys';
