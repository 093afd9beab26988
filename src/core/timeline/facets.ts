// The pickers' values: what the data holds, with counts, and the range the time axis opens on.
import type { TableName } from '../schema/tables.js';
import { timeKindOf, type TimeSource } from '../schema/timeline.js';
import type { ContainerFacet, FacetValue, PodFacet, TimeRange, TimelineFacets, WorkloadFacet } from './source.js';
import type { Interner } from './interning.js';
import { countOf, type PositionIndex } from './positions.js';
import type { Indexes } from './matching.js';
import { timeAt, type Store } from './store.js';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function values(dict: Interner, ix: PositionIndex): FacetValue[] {
  return dict.values
    .map((value, id) => ({ value, count: countOf(ix, id) }))
    .filter((f) => f.value !== '' && f.count > 0)
    .sort((a, b) => cmp(a.value, b.value));
}

export function facetsOf(s: Store, ix: Indexes, firstDated: number, defaultRange: TimeRange | null): TimelineFacets {
  const d = s.dicts;
  const n = s.cols.n;
  const pods: PodFacet[] = d.pod.parts
    .map(([namespace, pod], id) => ({ namespace: namespace!, pod: pod!, count: countOf(ix.get('pod'), id) }))
    .filter((f) => f.pod !== '' && f.count > 0)
    .sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.pod, b.pod));
  // Real containers only: a template finding names a container but no pod (it is a workload's).
  const containers: ContainerFacet[] = d.container.parts
    .map(([namespace, pod, container], id) => ({ namespace: namespace!, pod: pod!, container: container!, count: countOf(ix.get('container'), id) }))
    .filter((f) => f.pod !== '' && f.container !== '' && f.count > 0)
    .sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.pod, b.pod) || cmp(a.container, b.container));
  const workloads: WorkloadFacet[] = d.workload.parts
    .map(([namespace, kind, name], id) => ({ namespace: namespace!, kind: kind!, name: name!, count: countOf(ix.get('workload'), id + 1) }))
    .filter((f) => f.count > 0)
    .sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.kind, b.kind) || cmp(a.name, b.name));
  return {
    total: n,
    namespaces: values(d.ns, ix.get('ns')),
    pods,
    containers,
    workloads,
    sourceTables: values(d.table, ix.get('table')) as FacetValue<TableName>[],
    eventTypes: values(d.eventType, ix.get('eventType')),
    severities: values(d.severity, ix.get('severity')),
    timeSources: values(d.timeSource, ix.get('timeSource')) as FacetValue<TimeSource>[],
    timeRange: firstDated < n ? { from: timeAt(s, firstDated), to: timeAt(s, n - 1) } : null,
    defaultRange: defaultRange ?? eventRange(s, firstDated),
  };
}

/** The span of the rows that are events (state rows left out), or null. */
function eventRange(s: Store, firstDated: number): TimeRange | null {
  const isEvent = Uint8Array.from(s.dicts.timeSource.values, (v) => (timeKindOf(v as TimeSource) === 'event' ? 1 : 0));
  const ts = s.cols.timeSource;
  let first = firstDated;
  while (first < s.cols.n && !isEvent[ts[first]!]) first++;
  if (first === s.cols.n) return null;
  let last = s.cols.n - 1;
  while (!isEvent[ts[last]!]) last--;
  return { from: timeAt(s, first), to: timeAt(s, last) };
}
