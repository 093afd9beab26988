// KubeForenSys: Open Timeline. The open bundle's timeline (the local source, no Azure needed);
// with no bundle open, asks for one or for the Log Analytics workspace.
import type { TimelineFilter } from '../core/timeline/filter.js';
import type { CommandContext, TimelineSourceSpec } from '../host/context.js';
import { isTreeNode } from '../host/treeNodes.js';
import { openEvidenceBundle } from './openBundle.js';

/** `source`: from the tree's snapshot item or a caller (timelineSourceArg); else the open bundle or a choice. */
export async function openTimeline(cc: CommandContext, source?: TimelineSourceSpec, filter?: TimelineFilter): Promise<TimelineSourceSpec | undefined> {
  if (!source) {
    const bundle = cc.state.bundle;
    const workspace = await cc.core.hasWorkspace(cc.env).catch(() => false);
    // The open bundle is the answer unless a workspace was provisioned too: then ask.
    if (bundle && !workspace) source = { kind: 'local', bundleDir: bundle.dir };
    else {
      const items = [
        ...(bundle ? [{ label: `$(archive) ${bundle.manifest.cluster.context} snapshot`, description: 'the open evidence bundle', kind: 'bundle' as const }] : []),
        { label: '$(folder-opened) Open an evidence bundle…', description: 'local, no Azure needed', kind: 'local' as const },
        { label: '$(cloud) Log Analytics workspace', description: 'runs the unified KQL query', kind: 'workspace' as const },
      ];
      const pick = await cc.ui.showQuickPick(items, { title: 'KubeForenSys: timeline source' });
      if (!pick) return undefined;
      if (pick.kind === 'workspace') source = { kind: 'workspace' };
      else if (pick.kind === 'bundle' && bundle) source = { kind: 'local', bundleDir: bundle.dir };
      else {
        const dir = await openEvidenceBundle(cc);
        if (!dir) return undefined;
        source = { kind: 'local', bundleDir: dir };
      }
    }
  }
  await cc.timeline.open(source, filter);
  return source;
}

/** A timeline source argument: a source spec, or the tree's snapshot item; anything else is none. */
export function timelineSourceArg(arg: unknown): TimelineSourceSpec | undefined {
  if (isTreeNode(arg, ['snapshot'])) return { kind: 'local', bundleDir: arg.dir };
  if (!arg || typeof arg !== 'object') return undefined;
  const o = arg as Record<string, unknown>;
  if (o.kind === 'workspace') return { kind: 'workspace' };
  if (o.kind === 'local' && typeof o.bundleDir === 'string') return { kind: 'local', bundleDir: o.bundleDir };
  return undefined;
}
