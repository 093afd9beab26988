// Pure operations on the filter: adding values from pickers and rows, and the chips that show
// (and remove) each active constraint.
import type { ContainerRef, PodRef, TimelineFilter } from '../src/core/timeline/filter.js';
import { emptyFilter } from '../src/core/timeline/filter.js';

export interface Chip {
  /** Stable key, for tests and focus keeping. */
  key: string;
  kind: 'namespace' | 'pod' | 'container' | 'source' | 'event' | 'severity' | 'time' | 'text';
  label: string;
  remove: (f: TimelineFilter) => TimelineFilter;
}

const samePod = (a: PodRef, b: PodRef) => a.namespace === b.namespace && a.pod === b.pod;
const sameContainer = (a: ContainerRef, b: ContainerRef) => samePod(a, b) && a.container === b.container;

export function cloneFilter(f: TimelineFilter): TimelineFilter {
  return {
    ...f,
    namespaces: [...f.namespaces],
    pods: f.pods.map((p) => ({ ...p })),
    containers: f.containers.map((c) => ({ ...c })),
    sourceTables: [...f.sourceTables],
    eventTypes: [...f.eventTypes],
    severities: [...f.severities],
  };
}

export function addNamespace(f: TimelineFilter, ns: string): TimelineFilter {
  return f.namespaces.includes(ns) ? f : { ...cloneFilter(f), namespaces: [...f.namespaces, ns] };
}

export function addPod(f: TimelineFilter, p: PodRef): TimelineFilter {
  return f.pods.some((x) => samePod(x, p)) ? f : { ...cloneFilter(f), pods: [...f.pods, { namespace: p.namespace, pod: p.pod }] };
}

export function addContainer(f: TimelineFilter, c: ContainerRef): TimelineFilter {
  return f.containers.some((x) => sameContainer(x, c))
    ? f
    : { ...cloneFilter(f), containers: [...f.containers, { namespace: c.namespace, pod: c.pod, container: c.container }] };
}

/** "Filter to this pod": exactly that pod, replacing other pod and container choices. */
export function onlyPod(f: TimelineFilter, p: PodRef): TimelineFilter {
  return { ...cloneFilter(f), pods: [{ namespace: p.namespace, pod: p.pod }], containers: [] };
}

/** "Filter to this container": exactly that container, replacing other pod and container choices. */
export function onlyContainer(f: TimelineFilter, c: ContainerRef): TimelineFilter {
  return { ...cloneFilter(f), pods: [], containers: [{ namespace: c.namespace, pod: c.pod, container: c.container }] };
}

export function addValue<K extends 'sourceTables' | 'eventTypes' | 'severities'>(f: TimelineFilter, key: K, value: TimelineFilter[K][number]): TimelineFilter {
  const list = f[key] as string[];
  return list.includes(value) ? f : { ...cloneFilter(f), [key]: [...list, value] };
}

export function setTime(f: TimelineFilter, from: string | undefined, to: string | undefined): TimelineFilter {
  const out = cloneFilter(f);
  delete out.from;
  delete out.to;
  if (from) out.from = from;
  if (to) out.to = to;
  return out;
}

export function isEmptyFilter(f: TimelineFilter): boolean {
  return chips(f).length === 0;
}

export function sameFilter(a: TimelineFilter, b: TimelineFilter): boolean {
  return JSON.stringify(normalizeKeys(a)) === JSON.stringify(normalizeKeys(b));
}

function normalizeKeys(f: TimelineFilter): unknown[] {
  return [f.from ?? '', f.to ?? '', f.namespaces, f.pods, f.containers, f.sourceTables, f.eventTypes, f.severities, f.text];
}

export function chips(f: TimelineFilter): Chip[] {
  const out: Chip[] = [];
  for (const ns of f.namespaces)
    out.push({ key: `namespace:${ns}`, kind: 'namespace', label: `namespace: ${ns}`, remove: (x) => ({ ...cloneFilter(x), namespaces: x.namespaces.filter((v) => v !== ns) }) });
  for (const p of f.pods)
    out.push({ key: `pod:${p.namespace}/${p.pod}`, kind: 'pod', label: `pod: ${p.namespace}/${p.pod}`, remove: (x) => ({ ...cloneFilter(x), pods: x.pods.filter((v) => !samePod(v, p)) }) });
  for (const c of f.containers)
    out.push({
      key: `container:${c.namespace}/${c.pod}/${c.container}`,
      kind: 'container',
      label: `container: ${c.namespace}/${c.pod}/${c.container}`,
      remove: (x) => ({ ...cloneFilter(x), containers: x.containers.filter((v) => !sameContainer(v, c)) }),
    });
  for (const t of f.sourceTables)
    out.push({ key: `source:${t}`, kind: 'source', label: `source: ${t}`, remove: (x) => ({ ...cloneFilter(x), sourceTables: x.sourceTables.filter((v) => v !== t) }) });
  for (const e of f.eventTypes)
    out.push({ key: `event:${e}`, kind: 'event', label: `event: ${e}`, remove: (x) => ({ ...cloneFilter(x), eventTypes: x.eventTypes.filter((v) => v !== e) }) });
  for (const s of f.severities)
    out.push({ key: `severity:${s}`, kind: 'severity', label: `severity: ${s}`, remove: (x) => ({ ...cloneFilter(x), severities: x.severities.filter((v) => v !== s) }) });
  if (f.from || f.to)
    out.push({ key: 'time', kind: 'time', label: `time: ${shortTime(f.from) || '…'} → ${shortTime(f.to) || '…'}`, remove: (x) => setTime(x, undefined, undefined) });
  if (f.text) out.push({ key: 'text', kind: 'text', label: `text: “${f.text}”`, remove: (x) => ({ ...cloneFilter(x), text: '' }) });
  return out;
}

/** 2026-01-01T10:00:00.1234567Z → 2026-01-01 10:00:00.123 (the list's time format). */
export function shortTime(t: string | undefined): string {
  if (!t) return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,3})?\d*Z$/.exec(t);
  return m ? `${m[1]} ${m[2]}${m[3] ?? ''}` : t;
}

export { emptyFilter };
