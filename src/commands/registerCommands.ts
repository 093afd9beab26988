// Registers every command in one place (the shape of microsoft/vscode-azureresourcegroups'
// registerCommands): each handler lives in its own file and gets the CommandContext; failures
// are logged and shown once, here, instead of in every handler.
import type { TimelineFilter } from '../core/timeline/filter.js';
import { collectSnapshot } from './collectSnapshot.js';
import { errorMessage, type CommandContext } from '../host/context.js';
import { copyTimelineKql } from './copyTimelineKql.js';
import { exportTimeline } from './exportTimeline.js';
import { filterTree } from './filterTree.js';
import { CMD, type CommandId } from '../host/ids.js';
import { ingestSnapshot } from './ingestSnapshot.js';
import { openEvidenceBundle } from './openBundle.js';
import { openTimeline } from './openTimeline.js';
import { provisionAzure } from './provisionAzure.js';
import type { Disposable } from '../host/seam.js';
import { selectContext } from './selectContext.js';
import { showCommandHistory, showLogs } from './showEvidence.js';
import { showInTimeline } from './showInTimeline.js';
import { verifyEvidenceBundle } from './verifyBundle.js';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../core/evidence/manifest.js';

export type CommandHandler = (cc: CommandContext, ...args: unknown[]) => unknown;

export interface TreeControls {
  refresh(): void;
}

export function commandHandlers(tree: TreeControls): Record<CommandId, CommandHandler> {
  return {
    [CMD.collect]: (cc) => collectSnapshot(cc),
    [CMD.selectContext]: (cc) => selectContext(cc),
    [CMD.ingest]: (cc, arg) => ingestSnapshot(cc, arg),
    [CMD.provision]: (cc) => provisionAzure(cc),
    [CMD.openTimeline]: (cc, arg, filter) => openTimeline(cc, arg, filter as TimelineFilter | undefined),
    [CMD.openBundle]: (cc, dir) => openEvidenceBundle(cc, typeof dir === 'string' ? dir : undefined),
    [CMD.verifyBundle]: (cc, arg) => verifyEvidenceBundle(cc, arg),
    [CMD.exportTimeline]: (cc, format, filter) => exportTimeline(cc, format, filter as TimelineFilter | undefined),
    [CMD.copyKql]: (cc) => copyTimelineKql(cc),
    [CMD.showLogs]: (cc, node) => showLogs(cc, node),
    [CMD.showCommandHistory]: (cc, node) => showCommandHistory(cc, node),
    [CMD.showInTimeline]: (cc, node) => showInTimeline(cc, node),
    [CMD.filterTree]: (cc) => filterTree(cc),
    [CMD.refreshTree]: () => tree.refresh(),
    [CMD.revealBundle]: async (cc, arg) => {
      const dir = arg && typeof arg === 'object' && typeof (arg as { dir?: unknown }).dir === 'string' ? (arg as { dir: string }).dir : cc.state.bundle?.dir;
      if (dir) await cc.ui.revealInOs(join(dir, MANIFEST_FILE));
      else void cc.ui.showWarningMessage('KubeForenSys: no evidence bundle is open.');
    },
    [CMD.showLog]: (cc) => cc.log.show(),
  };
}

/** vscode.commands.registerCommand, or a fake in tests. */
export type CommandRegistrar = (id: string, handler: (...args: unknown[]) => unknown) => Disposable;

export function registerCommands(register: CommandRegistrar, cc: CommandContext, tree: TreeControls): Disposable[] {
  return Object.entries(commandHandlers(tree)).map(([id, handler]) =>
    register(id, async (...args: unknown[]) => {
      try {
        return await handler(cc, ...args);
      } catch (err) {
        cc.log.error(`${id} failed: ${err instanceof Error && err.stack ? err.stack : errorMessage(err)}`);
        void cc.ui.showErrorMessage(`KubeForenSys: ${errorMessage(err)}`);
        return undefined;
      }
    }),
  );
}
