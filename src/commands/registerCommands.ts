// Registers every command in one place (the shape of microsoft/vscode-azureresourcegroups'
// registerCommands): each handler lives in its own file and gets the CommandContext. Two things
// are done here, once, instead of in every handler:
// - arguments are unwrapped (the shape of vscode-azuretools' registerCommandWithTreeNodeUnwrapping):
//   a tree node is passed on only after its fields were checked (isTreeNode), a filter only after
//   the webview message validator accepted it; anything else arrives as undefined;
// - failures are logged and shown once (showFailure), a cancel is logged and, when the task says
//   what to tell the user (withCancellable's `cancelled`), said as a warning.
import { join } from 'node:path';
import { MANIFEST_FILE } from '../core/evidence/manifest.js';
import type { TimelineFilter } from '../core/timeline/filter.js';
import { validateFilter } from '../core/timeline/messages.js';
import { CancelledError, TaskFailure, isAbortError } from '../host/cancellable.js';
import { errorMessage, showFailure, type CommandContext } from '../host/context.js';
import { CMD, type CommandId } from '../host/ids.js';
import type { Disposable } from '../host/seam.js';
import { isTreeNode, type NodeKind, type NodeOf } from '../host/treeNodes.js';
import { collectSnapshot } from './collectSnapshot.js';
import { copyTimelineKql } from './copyTimelineKql.js';
import { exportTimeline } from './exportTimeline.js';
import { filterTree } from './filterTree.js';
import { ingestSnapshot } from './ingestSnapshot.js';
import { openEvidenceBundle } from './openBundle.js';
import { openTimeline, timelineSourceArg } from './openTimeline.js';
import { provisionAzure } from './provisionAzure.js';
import { selectContext } from './selectContext.js';
import { showCommandHistory, showLogs } from './showEvidence.js';
import { showInTimeline, TIMELINE_NODE_KINDS } from './showInTimeline.js';
import { verifyEvidenceBundle } from './verifyBundle.js';

export type CommandHandler = (cc: CommandContext, ...args: unknown[]) => unknown;

export interface TreeControls {
  refresh(): void;
}

/** The handler gets the first argument as a checked tree node of `kinds`, or undefined. */
export function onNode<K extends NodeKind>(kinds: readonly K[], handler: (cc: CommandContext, node: NodeOf<K> | undefined) => unknown): CommandHandler {
  return (cc, arg) => handler(cc, isTreeNode(arg, kinds) ? arg : undefined);
}

/** A filter argument (the webview's, through executeCommand) checked as strictly as a webview message. */
function filterArg(v: unknown): TimelineFilter | undefined {
  return v === undefined ? undefined : validateFilter(v, 'filter');
}

/** A bundle folder given as a path or as the tree's snapshot item. */
function bundleDirArg(v: unknown): string | undefined {
  return typeof v === 'string' ? v : isTreeNode(v, ['snapshot']) ? v.dir : undefined;
}

export function commandHandlers(tree: TreeControls): Record<CommandId, CommandHandler> {
  return {
    [CMD.collect]: (cc) => collectSnapshot(cc),
    [CMD.selectContext]: (cc) => selectContext(cc),
    [CMD.ingest]: (cc, arg) => ingestSnapshot(cc, bundleDirArg(arg)),
    [CMD.provision]: (cc) => provisionAzure(cc),
    [CMD.openTimeline]: (cc, arg, filter) => openTimeline(cc, timelineSourceArg(arg), filterArg(filter)),
    [CMD.openBundle]: (cc, dir) => openEvidenceBundle(cc, typeof dir === 'string' ? dir : undefined),
    [CMD.verifyBundle]: (cc, arg) => verifyEvidenceBundle(cc, bundleDirArg(arg)),
    [CMD.exportTimeline]: (cc, format, filter) => exportTimeline(cc, format, filterArg(filter)),
    [CMD.copyKql]: (cc) => copyTimelineKql(cc),
    [CMD.showLogs]: onNode(['container'], showLogs),
    [CMD.showCommandHistory]: onNode(['container'], showCommandHistory),
    [CMD.showInTimeline]: onNode(TIMELINE_NODE_KINDS, showInTimeline),
    [CMD.filterTree]: (cc) => filterTree(cc),
    [CMD.refreshTree]: () => tree.refresh(),
    [CMD.revealBundle]: onNode(['snapshot'], async (cc, node) => {
      const dir = node?.dir ?? cc.state.bundle?.dir;
      if (dir) await cc.ui.revealInOs(join(dir, MANIFEST_FILE));
      else void cc.ui.showWarningMessage('KubeForenSys: no evidence bundle is open.');
    }),
    [CMD.showLog]: (cc) => cc.log.show(),
  };
}

/** What the failure message says failed, per command (a task can name it more precisely: TaskFailure). */
const FAILED: Record<CommandId, string> = {
  [CMD.collect]: 'collection failed',
  [CMD.selectContext]: 'selecting a context failed',
  [CMD.ingest]: 'ingestion failed',
  [CMD.provision]: 'provisioning failed',
  [CMD.openTimeline]: 'the timeline could not open',
  [CMD.openBundle]: 'the bundle could not be opened',
  [CMD.verifyBundle]: 'verification failed',
  [CMD.exportTimeline]: 'export failed',
  [CMD.copyKql]: 'copying the KQL failed',
  [CMD.showLogs]: 'the log could not be shown',
  [CMD.showCommandHistory]: 'the command history could not be shown',
  [CMD.showInTimeline]: 'the timeline could not open',
  [CMD.filterTree]: 'the filter could not be set',
  [CMD.refreshTree]: 'the refresh failed',
  [CMD.revealBundle]: 'the bundle could not be revealed',
  [CMD.showLog]: 'the log could not be shown',
};

async function reportFailure(cc: CommandContext, id: CommandId, err: unknown): Promise<void> {
  if (err instanceof CancelledError || isAbortError(err)) {
    cc.log.info(`${id}: cancelled by the user`);
    if (err instanceof CancelledError && err.note) void cc.ui.showWarningMessage(`KubeForenSys: ${err.note}`);
    return;
  }
  if (err instanceof TaskFailure) return showFailure(cc, err.what, err.cause);
  if (err instanceof Error && err.stack) cc.log.error(`${id}: ${err.stack}`);
  return showFailure(cc, FAILED[id], err);
}

/** The handler as registered: its failure (or cancel) is reported once and it answers undefined. */
export function guarded(cc: CommandContext, id: CommandId, handler: CommandHandler): (...args: unknown[]) => Promise<unknown> {
  return async (...args) => {
    try {
      return await handler(cc, ...args);
    } catch (err) {
      await reportFailure(cc, id, err).catch((e: unknown) => cc.log.error(`${id}: the failure could not be shown: ${errorMessage(e)}`));
      return undefined;
    }
  };
}

/** vscode.commands.registerCommand, or a fake in tests. */
export type CommandRegistrar = (id: string, handler: (...args: unknown[]) => unknown) => Disposable;

export function registerCommands(register: CommandRegistrar, cc: CommandContext, tree: TreeControls): Disposable[] {
  const handlers = commandHandlers(tree);
  return (Object.keys(handlers) as CommandId[]).map((id) => register(id, guarded(cc, id, handlers[id])));
}
