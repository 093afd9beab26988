// Show in Timeline (tree only): opens the timeline of the open bundle on the item. A container or
// pod: its rows (a container keeps its pod's pod-level rows: the engine's container filter). A
// finding: everything around it, with the finding's row selected, so what led to it and what
// followed are on one screen. A workload, a subject: what names them.
import { normalizeTime } from '../core/schema/time.js';
import { emptyFilter, type TimelineFilter } from '../core/timeline/filter.js';
import type { NodeOf } from '../host/treeNodes.js';
import type { CommandContext } from '../host/context.js';

/** Minutes either side of a finding. */
export const FINDING_WINDOW_MINUTES = 30;

/** The tree items this command understands; the registrar checks the argument is one (isTreeNode). */
export const TIMELINE_NODE_KINDS = ['container', 'resource', 'finding', 'subject'] as const;
export type TimelineNode = NodeOf<(typeof TIMELINE_NODE_KINDS)[number]>;

type FindingNode = NodeOf<'finding'>;

function aroundFinding(node: FindingNode): TimelineFilter | undefined {
  const t = normalizeTime(node.finding.time);
  if (!t) return undefined;
  const ms = Date.parse(t.slice(0, 23) + 'Z');
  const iso = (x: number) => new Date(x).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
  const span = FINDING_WINDOW_MINUTES * 60_000;
  // A baseline finding stays visible when asked for by name; otherwise the platform's noise is hidden.
  return { ...emptyFilter(), from: iso(ms - span), to: iso(ms + span), hideBaseline: !node.finding.baseline };
}

export function filterForNode(node: TimelineNode): TimelineFilter {
  const f = emptyFilter();
  switch (node.kind) {
    case 'container':
      f.containers = [{ namespace: node.namespace, pod: node.pod, container: node.container }];
      return f;
    case 'resource':
      if (node.resource.isPod) f.pods = [{ namespace: node.resource.namespace, pod: node.resource.name }];
      else f.workloads = [{ namespace: node.resource.namespace, kind: node.resource.kind, name: node.resource.name }];
      return f;
    case 'finding': {
      const around = aroundFinding(node);
      if (around) return around;
      const x = node.finding;
      if (x.pod) f.pods = [{ namespace: x.namespace, pod: x.pod }];
      else f.text = x.resourceName;
      return f;
    }
    case 'subject':
      f.text = node.subject.name;
      return f;
  }
}

export async function showInTimeline(cc: CommandContext, node?: TimelineNode): Promise<TimelineFilter | undefined> {
  const bundle = cc.state.bundle;
  if (!bundle || !node) {
    void cc.ui.showWarningMessage('KubeForenSys: choose a pod, container or finding of an open bundle in the Artifacts view.');
    return undefined;
  }
  const filter = filterForNode(node);
  await cc.timeline.open({ kind: 'local', bundleDir: bundle.dir }, filter, node.kind === 'finding' ? node.finding.recordId : undefined);
  return filter;
}
