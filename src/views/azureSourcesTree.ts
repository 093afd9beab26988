// The snapshot's "Azure sources" node: the coverage report of the AKS cluster's Azure-side
// evidence, one child per source with its status, its rows, where it was read from and what is
// missing with what to do about it. Plain data, like the rest of the artifacts tree.
import { coverageLine, SOURCE_TABLES, type AzureCoverage, type CoverageSource } from '../core/azure/sources/coverage.js';
import { VIEW_ITEM, type TreeItemModel, type TreeNode } from '../host/treeNodes.js';

const ICON: Record<string, { id: string; color?: string }> = {
  ok: { id: 'pass', color: 'testing.iconPassed' },
  on: { id: 'pass', color: 'testing.iconPassed' },
  partial: { id: 'warning', color: 'problemsWarningIcon.foreground' },
  off: { id: 'circle-slash', color: 'problemsWarningIcon.foreground' },
  forbidden: { id: 'lock', color: 'problemsErrorIcon.foreground' },
  failed: { id: 'error', color: 'problemsErrorIcon.foreground' },
};

export function azureSourceNodes(c: AzureCoverage): TreeNode[] {
  return c.sources.map((s) => ({ kind: 'azureSource', source: s.source }) as TreeNode);
}

export function azureSourcesItem(id: string, c: AzureCoverage): TreeItemModel {
  const lines = c.sources.map((s) => `${s.label}: ${coverageLine(s).status}`);
  const rows = c.sources.reduce((n, s) => n + (SOURCE_TABLES[s.source] ? s.records : 0), 0);
  return {
    id,
    label: 'Azure sources',
    description: c.cluster ? `${rows.toLocaleString('en-US')} records · ${c.sources.filter((s) => coverageLine(s).status === 'ok').length}/${c.sources.length} read` : 'cluster not found',
    tooltip: [c.cluster ? `AKS cluster ${c.cluster.resourceId} (matched by ${c.cluster.matchedBy})` : 'The AKS cluster was not found', `Read as ${c.identity}`, ...lines].join('\n'),
    contextValue: VIEW_ITEM.azureSources,
    collapsible: 'collapsed',
    icon: { id: 'azure' },
  };
}

export function azureSourceItem(id: string, s: CoverageSource | undefined): TreeItemModel {
  if (!s) return { id, label: 'Azure source', contextValue: VIEW_ITEM.azureSource, collapsible: 'none' };
  const { status, detail } = coverageLine(s);
  const table = SOURCE_TABLES[s.source];
  const gaps = s.gaps.map((g) => `${g.status}: ${g.message}${g.advice ? `\nWhat to do: ${g.advice}` : ''}`);
  return {
    id,
    label: s.label,
    description: `${status}${table ? ` · ${s.records.toLocaleString('en-US')} in ${table}` : ''}`,
    tooltip: [
      `${s.label}: ${status}`,
      s.period ? `Period ${s.period.from} to ${s.period.to}` : '',
      ...s.where.map((w) => `From ${w}`),
      ...(s.notes ?? []),
      ...gaps,
      gaps.length === 0 && detail ? detail : '',
    ].filter(Boolean).join('\n'),
    contextValue: VIEW_ITEM.azureSource,
    collapsible: 'none',
    icon: ICON[status] ?? { id: 'circle-outline' },
  };
}
