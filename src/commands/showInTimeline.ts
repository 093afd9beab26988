// Show in Timeline (tree only): opens the timeline of the open bundle filtered to the item — a
// container, a pod, a workload's namespace, or the resource a finding is on.
import { emptyFilter, type TimelineFilter } from '../core/timeline/filter.js';
import type { TreeNode } from '../views/treeNodes.js';
import type { CommandContext } from './context.js';

export function filterForNode(node: TreeNode): TimelineFilter | undefined {
  const f = emptyFilter();
  switch (node.kind) {
    case 'container':
      f.containers = [{ namespace: node.namespace, pod: node.pod, container: node.container }];
      return f;
    case 'resource':
      if (node.resource.isPod) f.pods = [{ namespace: node.resource.namespace, pod: node.resource.name }];
      else if (node.resource.namespace) f.namespaces = [node.resource.namespace];
      else f.text = node.resource.name;
      return f;
    case 'finding': {
      const x = node.finding;
      if (x.pod && x.container) f.containers = [{ namespace: x.namespace, pod: x.pod, container: x.container }];
      else if (x.pod) f.pods = [{ namespace: x.namespace, pod: x.pod }];
      else if (x.namespace) f.namespaces = [x.namespace];
      else f.text = x.resourceName;
      return f;
    }
    case 'subject':
      f.text = node.subject.name;
      return f;
    default:
      return undefined;
  }
}

export async function showInTimeline(cc: CommandContext, node?: unknown): Promise<TimelineFilter | undefined> {
  const bundle = cc.state.bundle;
  const filter = node && typeof node === 'object' && 'kind' in node ? filterForNode(node as TreeNode) : undefined;
  if (!bundle || !filter) {
    void cc.ui.showWarningMessage('KubeForenSys: choose a pod, container or finding of an open bundle in the Artifacts view.');
    return undefined;
  }
  await cc.timeline.open({ kind: 'local', bundleDir: bundle.dir }, filter);
  return filter;
}
