// The artifacts tree, as plain data: before a snapshot, the selected context with a checkbox per
// collectable artifact; after one (or after Open Evidence Bundle), the snapshot with each artifact's
// record count and status, drilling into suspicious pods (findings, then containers) and RBAC
// subjects. src/views/treeView.ts adapts it to vscode.TreeDataProvider.
import { ARTIFACTS, artifactDef, type ArtifactId } from '../core/schema/artifacts.js';
import { artifactRows, rowsElsewhere, type ArtifactReport, type ArtifactStatus } from '../core/evidence/manifest.js';
import type { Gap } from '../core/model.js';
import { Emitter } from '../host/emitter.js';
import type { Disposable } from '../host/seam.js';
import type { ExtensionState } from '../host/state.js';
import { CMD } from '../host/ids.js';
import { SEVERITIES } from '../core/schema/timeline.js';
import { severityRank, type BundleFindings, type FindingView, type RbacSubject, type SuspiciousResource } from '../core/evidence/findings.js';
import { azureSourceItem, azureSourceNodes, azureSourcesItem } from './azureSourcesTree.js';
import { VIEW_ITEM, type ContextInfo, type NodeOf, type TreeItemModel, type TreeNode } from '../host/treeNodes.js';

export interface ArtifactsTreeDeps {
  state: ExtensionState;
  /** The context the next collection uses, or undefined when no kubeconfig could be read. */
  currentContext(): Promise<ContextInfo | undefined>;
  /** Findings of the open bundle (the tree caches them per bundle folder). */
  loadFindings(dir: string): Promise<BundleFindings>;
  /** Artifacts ticked when the user has not chosen any (the kubeforensys.artifacts setting). */
  defaultArtifacts(): readonly ArtifactId[];
}

/** Children listed under one node before a "N more" item (gaps can number in the thousands). */
export const MAX_CHILDREN = 200;

const STATUS_ICON: Record<ArtifactStatus, { id: string; color?: string }> = {
  ok: { id: 'pass', color: 'testing.iconPassed' },
  partial: { id: 'warning', color: 'problemsWarningIcon.foreground' },
  forbidden: { id: 'lock', color: 'problemsErrorIcon.foreground' },
  failed: { id: 'error', color: 'problemsErrorIcon.foreground' },
  skipped: { id: 'circle-slash' },
  cancelled: { id: 'debug-stop', color: 'problemsWarningIcon.foreground' },
};

export function severityIcon(severity: string): { id: string; color?: string } {
  switch (severity) {
    case 'high':
      return { id: 'error', color: 'problemsErrorIcon.foreground' };
    case 'medium':
      return { id: 'warning', color: 'problemsWarningIcon.foreground' };
    case 'low':
      return { id: 'info', color: 'problemsInfoIcon.foreground' };
    default:
      return { id: 'circle-outline' };
  }
}

const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;
const nsName = (ns: string, name: string) => (ns ? `${ns}/${name}` : name);

export class ArtifactsTree implements Disposable {
  private readonly changed = new Emitter<TreeNode | undefined>();
  readonly onDidChange = this.changed.event;
  private findings: { dir: string; value: Promise<BundleFindings>; resolved?: BundleFindings } | undefined;
  private readonly sub: Disposable;

  constructor(private readonly deps: ArtifactsTreeDeps) {
    this.sub = deps.state.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }

  private bundleFindings(dir: string): Promise<BundleFindings> {
    if (this.findings?.dir !== dir) {
      const value = this.deps.loadFindings(dir);
      const entry: { dir: string; value: Promise<BundleFindings>; resolved?: BundleFindings } = { dir, value };
      // A failed read is retried on the next expansion rather than cached. Once read, the
      // artifact rows can show counts per severity (getItem is synchronous): refresh them.
      value.then(
        (f) => {
          entry.resolved = f;
          this.refresh();
        },
        () => (this.findings = undefined),
      );
      this.findings = entry;
    }
    return this.findings.value;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    const { state } = this.deps;
    const bundle = state.bundle;
    if (!node) {
      const roots: TreeNode[] = [];
      if (bundle) roots.push({ kind: 'snapshot', dir: bundle.dir });
      const context = await this.deps.currentContext();
      // An empty tree shows the welcome view: until a context is picked or a bundle is open.
      if (context && (bundle || context.explicit)) roots.push({ kind: 'context', context, withBundle: !!bundle });
      return roots;
    }
    switch (node.kind) {
      case 'context':
        return ARTIFACTS.map((a) => ({ kind: 'artifactChoice', artifact: a.id }) as TreeNode);
      case 'snapshot':
        if (bundle) void this.bundleFindings(bundle.dir).catch(() => undefined);
        if (!bundle) return [];
        return [...ARTIFACTS.map((a) => ({ kind: 'artifactResult', artifact: a.id }) as TreeNode), ...(bundle.manifest.azure ? [{ kind: 'azureSources' } as TreeNode] : [])];
      case 'azureSources':
        return bundle?.manifest.azure ? azureSourceNodes(bundle.manifest.azure) : [];
      case 'artifactResult':
        return this.artifactChildren(node.artifact);
      case 'resource':
        return [
          ...this.visible(node.resource.findings).map((f) => ({ kind: 'finding', finding: f, parentId: this.id(node) }) as TreeNode),
          ...(node.resource.isPod
            ? node.resource.containers.map((c) => ({ kind: 'container', namespace: node.resource.namespace, pod: node.resource.name, container: c }) as TreeNode)
            : []),
        ];
      case 'subject':
        return this.visible(node.subject.findings).map((f) => ({ kind: 'finding', finding: f, parentId: this.id(node) }) as TreeNode);
      default:
        return [];
    }
  }

  private visible(findings: FindingView[]): FindingView[] {
    const only = this.deps.state.treeSeverities;
    return only.length ? findings.filter((f) => (only as string[]).includes(f.severity)) : findings;
  }

  private async artifactChildren(artifact: ArtifactId): Promise<TreeNode[]> {
    const bundle = this.deps.state.bundle;
    const report = bundle?.manifest.artifacts[artifact];
    if (!bundle || !report) return [];
    const out: TreeNode[] = [];
    if (artifact === 'suspiciousPods' || artifact === 'rbac') {
      const f = await this.bundleFindings(bundle.dir);
      if (artifact === 'suspiciousPods') {
        for (const r of f.resources) if (this.visible(r.findings).length) out.push({ kind: 'resource', resource: r });
      } else {
        for (const s of f.subjects) if (this.visible(s.findings).length) out.push({ kind: 'subject', subject: s });
      }
    }
    const gaps = report.gaps.map((gap, index) => ({ kind: 'gap', artifact, gap, index }) as TreeNode).filter((n) => n.kind === 'gap' && gapOwner(bundle.manifest.artifacts, n.gap) === artifact);
    const all = [...out, ...gaps];
    if (all.length <= MAX_CHILDREN) return all;
    return [...all.slice(0, MAX_CHILDREN), { kind: 'more', parent: artifact, hidden: all.length - MAX_CHILDREN }];
  }

  /** Stable, unique ids so VS Code keeps expansion state across refreshes. */
  id(node: TreeNode): string {
    switch (node.kind) {
      case 'context':
        return JSON.stringify(['context', node.context.name]);
      case 'artifactChoice':
        return JSON.stringify(['choice', node.artifact]);
      case 'snapshot':
        return JSON.stringify(['snapshot', node.dir]);
      case 'artifactResult':
        return JSON.stringify(['artifact', node.artifact]);
      case 'gap':
        return JSON.stringify(['gap', node.artifact, node.index]);
      case 'more':
        return JSON.stringify(['more', node.parent]);
      case 'resource':
        return JSON.stringify(['resource', node.resource.kind, node.resource.namespace, node.resource.name]);
      case 'finding':
        return JSON.stringify(['finding', node.parentId, node.finding.recordId]);
      case 'container':
        return JSON.stringify(['container', node.namespace, node.pod, node.container]);
      case 'subject':
        return JSON.stringify(['subject', node.subject.kind, node.subject.namespace, node.subject.name]);
      case 'azureSources':
        return JSON.stringify(['azureSources']);
      case 'azureSource':
        return JSON.stringify(['azureSource', node.source]);
    }
  }

  getItem(node: TreeNode): TreeItemModel {
    const id = this.id(node);
    switch (node.kind) {
      case 'context':
        return contextItem(id, node);
      case 'artifactChoice':
        return this.artifactChoiceItem(id, node.artifact);
      case 'snapshot':
        return this.snapshotItem(id, node.dir);
      case 'artifactResult':
        return this.artifactItem(id, node.artifact);
      case 'gap':
        return gapItem(id, node.gap);
      case 'more':
        return { id, label: `${count(node.hidden)} more…`, tooltip: 'The full list is in the manifest and the collection log.', contextValue: VIEW_ITEM.more, collapsible: 'none' };
      case 'resource':
        return this.resourceItem(id, node.resource);
      case 'finding':
        return findingItem(id, node);
      case 'container':
        return containerItem(id, node);
      case 'subject':
        return this.subjectItem(id, node.subject);
      case 'azureSources':
        return azureSourcesItem(id, this.deps.state.bundle?.manifest.azure ?? { identity: '', cluster: null, sources: [] });
      case 'azureSource':
        return azureSourceItem(id, this.deps.state.bundle?.manifest.azure?.sources.find((s) => s.source === node.source));
    }
  }

  private artifactChoiceItem(id: string, artifact: ArtifactId): TreeItemModel {
    const def = artifactDef(artifact);
    const checked = this.deps.state.selectedArtifacts(this.deps.defaultArtifacts()).includes(artifact);
    return {
      id,
      label: def.label,
      description: def.usesExec ? 'uses exec' : undefined,
      tooltip: def.description,
      contextValue: VIEW_ITEM.artifactChoice,
      collapsible: 'none',
      checked,
    };
  }

  private snapshotItem(id: string, dir: string): TreeItemModel {
    const m = this.deps.state.bundle?.manifest;
    if (!m) return { id, label: 'Snapshot', contextValue: VIEW_ITEM.snapshot, collapsible: 'expanded' };
    const records = Object.values(m.artifacts).reduce((s, r) => s + (r?.records ?? 0), 0);
    return {
      id,
      label: `Snapshot of ${m.cluster.context}`,
      description: `${m.status} · ${plural(records, 'record')} · ${m.startedAt.slice(0, 19).replace('T', ' ')}Z`,
      tooltip: [
        `Snapshot ${m.snapshotId}`,
        `Status ${m.status}`,
        `Cluster ${m.cluster.cluster} (${m.cluster.server})`,
        `As ${m.cluster.identity ?? m.cluster.user}`,
        `From ${m.startedAt} to ${m.endedAt}`,
        `Folder ${dir}`,
      ].join('\n'),
      contextValue: VIEW_ITEM.snapshot,
      collapsible: 'expanded',
      icon: { id: 'archive' },
    };
  }

  private subjectItem(id: string, s: RbacSubject): TreeItemModel {
    const fs = this.visible(s.findings);
    return {
      id,
      label: nsName(s.namespace, s.name),
      description: `${s.kind} · ${severityCounts(fs)}`,
      tooltip: `${s.kind} ${nsName(s.namespace, s.name)}\n${plural(fs.length, 'finding')}`,
      contextValue: VIEW_ITEM.subject,
      collapsible: 'collapsed',
      icon: fs.length ? severityIcon(worstSeverity(fs)) : { id: 'account' },
    };
  }

  private artifactItem(id: string, artifact: ArtifactId): TreeItemModel {
    const def = artifactDef(artifact);
    const report: ArtifactReport | undefined = this.deps.state.bundle?.manifest.artifacts[artifact];
    if (!report) {
      return { id, label: def.label, description: 'not collected', tooltip: def.description, contextValue: `${VIEW_ITEM.artifactResult}.none`, collapsible: 'none', icon: { id: 'circle-slash' } };
    }
    const why = report.error ?? report.gaps[0]?.message;
    const statusText = report.status === 'ok' ? '' : report.status === 'partial' ? ` · partial (${plural(report.gaps.length, 'gap')})` : ` · ${report.status}${why ? `: ${why}` : ''}`;
    const tooltip = [
      `${def.label}: ${report.status}, ${plural(report.records, 'record')}`,
      def.description,
      report.error ? `Error: ${report.error}` : '',
      ...report.gaps.slice(0, 20).map((g) => `${g.status}: ${g.scope}: ${g.message}`),
      report.gaps.length > 20 ? `… ${count(report.gaps.length - 20)} more gaps` : '',
    ]
      .filter(Boolean)
      .join('\n');
    const expandable = this.ownGaps(artifact, report) > 0 || ((artifact === 'suspiciousPods' || artifact === 'rbac') && report.records > 0);
    return {
      id,
      label: def.label,
      description: `${this.countText(artifact, report)}${statusText}`,
      tooltip,
      contextValue: `${VIEW_ITEM.artifactResult}.${report.status}`,
      collapsible: expandable ? (artifact === 'suspiciousPods' ? 'expanded' : 'collapsed') : 'none',
      icon: STATUS_ICON[report.status] ?? { id: 'question' },
    };
  }

  private resourceItem(id: string, r: SuspiciousResource): TreeItemModel {
    const fs = this.visible(r.findings);
    // Expected platform workloads say so first (long descriptions are cut at the end) and get a
    // neutral icon (not a green tick, which reads as "clean"), so the real suspects stand out.
    const baseline = fs.length > 0 && fs.every((f) => f.baseline);
    return {
      id,
      label: nsName(r.namespace, r.name),
      description: `${baseline ? 'baseline · ' : ''}${r.isPod ? '' : `${r.kind} · `}${severityCounts(fs)}`,
      tooltip: `${r.kind} ${nsName(r.namespace, r.name)}\n${fs.map((f) => `[${f.severity}] ${f.title} (${f.techniqueId})`).join('\n')}`,
      contextValue: r.isPod ? VIEW_ITEM.pod : VIEW_ITEM.workload,
      collapsible: 'collapsed',
      icon: baseline ? BASELINE_ICON : fs.length ? severityIcon(worstSeverity(fs)) : { id: 'symbol-class' },
    };
  }

  private ownGaps(artifact: ArtifactId, report: ArtifactReport): number {
    const all = this.deps.state.bundle?.manifest.artifacts ?? {};
    return report.gaps.filter((g) => gapOwner(all, g) === artifact).length;
  }

  /** Findings counted as findings (per severity once read), other artifacts as records; a tree filter says so. */
  private countText(artifact: ArtifactId, report: ArtifactReport): string {
    if (artifact !== 'suspiciousPods' && artifact !== 'rbac') {
      // Findings in logs and history are stored in suspiciouspods_CL: say so, so the counts add up.
      const elsewhere = rowsElsewhere(artifactRows({ artifacts: { [artifact]: report } }, [artifactDef(artifact)])[0]!);
      return `${plural(report.records, 'record')}${elsewhere ? ` (incl. ${elsewhere})` : ''}`;
    }
    const f = this.findings?.dir === this.deps.state.bundle?.dir ? this.findings?.resolved : undefined;
    const only = this.deps.state.treeSeverities;
    const filtered = only.length ? ` · filtered: ${only.join(', ')}` : '';
    if (!f) return `${plural(report.records, artifact === 'rbac' ? 'record' : 'finding')}${filtered}`;
    const groups = artifact === 'rbac' ? f.subjects : f.resources;
    const fs = groups.flatMap((g) => this.visible(g.findings));
    return `${artifact === 'rbac' ? `${plural(report.records, 'record')} · ` : ''}${severityCounts(fs)}${filtered}`;
  }
}

const BASELINE_ICON = { id: 'shield' };

/** "2 high · 1 low", most severe first; "0 findings" when there are none. */
export function severityCounts(fs: readonly FindingView[]): string {
  if (fs.length === 0) return '0 findings';
  const by = new Map<string, number>();
  for (const f of fs) by.set(f.severity, (by.get(f.severity) ?? 0) + 1);
  return [...by.entries()]
    .sort(([a], [b]) => severityRank(a) - severityRank(b))
    .map(([sev, n]) => `${count(n)} ${sev || 'unrated'}`)
    .join(' · ');
}

/**
 * The artifact a gap is listed under. Suspicious pods and RBAC read other artifacts' lists (cron
 * jobs, pods): a gap they share with such an artifact is that artifact's, so it is listed once.
 */
function gapOwner(reports: Partial<Record<ArtifactId, ArtifactReport>>, gap: Gap): ArtifactId | undefined {
  const same = (g: Gap) => g.scope === gap.scope && g.status === gap.status;
  const owners = ARTIFACTS.filter((a) => reports[a.id]?.gaps.some(same)).map((a) => a.id);
  return owners.find((a) => a !== 'suspiciousPods' && a !== 'rbac') ?? owners[0];
}

function worstSeverity(fs: FindingView[]): string {
  const rank = Math.min(...fs.map((f) => severityRank(f.severity)));
  return SEVERITIES[rank] ?? 'info';
}

function contextItem(id: string, node: NodeOf<'context'>): TreeItemModel {
  const c = node.context;
  return {
    id,
    label: node.withBundle ? `Next collection: ${c.name}` : c.name,
    description: c.cluster,
    tooltip: `Context ${c.name}\nCluster ${c.cluster}\nUser ${c.user}\n${c.explicit ? 'Picked with Select Cluster Context' : 'From the kubeconfig'}\nTick the artifacts the next collection includes.`,
    contextValue: VIEW_ITEM.context,
    collapsible: node.withBundle ? 'collapsed' : 'expanded',
    icon: { id: 'server-environment' },
  };
}

function gapItem(id: string, gap: Gap): TreeItemModel {
  return {
    id,
    label: gap.scope,
    description: gap.status,
    tooltip: `${gap.status}: ${gap.scope}\n${gap.message}`,
    contextValue: VIEW_ITEM.gap,
    collapsible: 'none',
    icon: gap.status === 'forbidden' ? STATUS_ICON.forbidden : gap.status === 'skipped' ? STATUS_ICON.skipped : STATUS_ICON.partial,
  };
}

function findingItem(id: string, node: NodeOf<'finding'>): TreeItemModel {
  const f = node.finding;
  return {
    id,
    label: f.title,
    description: [f.techniqueId, f.container && `container ${f.container}`, f.baseline && 'baseline'].filter(Boolean).join(' · '),
    tooltip: [
      f.explanation,
      '',
      `Severity ${f.severity}`,
      `Technique ${f.techniqueId} ${f.techniqueName}`.trim(),
      `Rule ${f.ruleId}`,
      `Resource ${f.resourceKind} ${nsName(f.namespace, f.resourceName)}`,
      f.fieldPath ? `Evidence ${f.fieldPath} = ${f.fieldValue}` : '',
      f.baseline ? 'Matches the baseline of expected platform workloads.' : '',
    ]
      .filter((l, i) => l !== '' || i === 1)
      .join('\n'),
    contextValue: VIEW_ITEM.finding,
    collapsible: 'none',
    icon: f.baseline ? BASELINE_ICON : severityIcon(f.severity),
    // A click shows the finding's row in the timeline, among what happened around it.
    command: { command: CMD.showInTimeline, title: 'Show in Timeline', arguments: [node] },
  };
}

function containerItem(id: string, node: NodeOf<'container'>): TreeItemModel {
  return {
    id,
    label: node.container,
    description: 'container',
    tooltip: `Container ${node.container} of pod ${nsName(node.namespace, node.pod)}`,
    contextValue: VIEW_ITEM.container,
    collapsible: 'none',
    icon: { id: 'package' },
    command: { command: CMD.showInTimeline, title: 'Show in Timeline', arguments: [node] },
  };
}
