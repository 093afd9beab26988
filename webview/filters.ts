// Pure operations on the filter: adding values from pickers and rows, the time ranges (around an
// event, the last N of the data, zoom out), and the chips that show (and remove) each constraint.
import type { ContainerRef, PodRef, TimelineFilter, WorkloadRef } from '../src/core/timeline/filter.js';
import { emptyFilter } from '../src/core/timeline/filter.js';

export interface Chip {
  /** Stable key, for tests and focus keeping. */
  key: string;
  kind: 'namespace' | 'pod' | 'container' | 'workload' | 'source' | 'event' | 'severity' | 'time' | 'text' | 'baseline';
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
    workloads: f.workloads.map((w) => ({ ...w })),
    recordIds: [...f.recordIds],
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

/** The container picker: the chosen container replaces the previous container or workload choice. */
export function pickContainer(f: TimelineFilter, c: ContainerRef): TimelineFilter {
  return { ...cloneFilter(f), containers: [{ namespace: c.namespace, pod: c.pod, container: c.container }], workloads: [] };
}

/** The container picker's workload entries: the workload's template findings, replacing a container choice. */
export function pickWorkload(f: TimelineFilter, w: WorkloadRef): TimelineFilter {
  return { ...cloneFilter(f), containers: [], workloads: [{ namespace: w.namespace, kind: w.kind, name: w.name }] };
}

/** A severity view hides the baseline of expected platform workloads unless the user shows it again. */
export function addSeverity(f: TimelineFilter, s: TimelineFilter['severities'][number]): TimelineFilter {
  const next = addValue(f, 'severities', s);
  return f.severities.length === 0 && next !== f ? { ...next, hideBaseline: true } : next;
}

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
const millis = (t: string) => Date.parse(t.slice(0, 23) + 'Z');

/** Everything within ±minutes of a time (other constraints dropped, the baseline choice kept). */
export function aroundTime(f: TimelineFilter, time: string, minutes: number): TimelineFilter {
  const t = millis(time);
  return { ...emptyFilter(), hideBaseline: f.hideBaseline, from: iso(t - minutes * MINUTE), to: iso(t + minutes * MINUTE) };
}

/** The last `minutes` of the data, ending at `end` (the collection window's end, not the wall clock: evidence is in the past). */
export function lastOf(f: TimelineFilter, end: string, minutes: number): TimelineFilter {
  const t = millis(end);
  return setTime(f, iso(t - minutes * MINUTE), iso(t + 1));
}

/** Three times the span around its middle, kept within the data's range when one is known. */
export function zoomOut(f: TimelineFilter, data: { from: string; to: string } | null): TimelineFilter {
  if (!f.from && !f.to) return f;
  const lo = data ? millis(data.from) : -Infinity;
  const hi = data ? millis(data.to) + 1 : Infinity;
  const a = f.from ? millis(f.from) : lo;
  const b = f.to ? millis(f.to) : hi;
  const span = Math.max(MINUTE, b - a);
  const from = a - span;
  const to = b + span;
  if (from <= lo && to >= hi) return setTime(f, undefined, undefined);
  return setTime(f, from <= lo ? undefined : iso(from), to >= hi ? undefined : iso(to));
}

/** "Filter to this pod": exactly that pod, replacing other pod and container choices. */
export function onlyPod(f: TimelineFilter, p: PodRef): TimelineFilter {
  return { ...cloneFilter(f), pods: [{ namespace: p.namespace, pod: p.pod }], containers: [], workloads: [] };
}

/** "Filter to this container": exactly that container, replacing other pod and container choices. */
export function onlyContainer(f: TimelineFilter, c: ContainerRef): TimelineFilter {
  return { ...cloneFilter(f), pods: [], containers: [{ namespace: c.namespace, pod: c.pod, container: c.container }], workloads: [] };
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
  return [f.from ?? '', f.to ?? '', f.namespaces, f.pods, f.containers, f.workloads, f.sourceTables, f.eventTypes, f.severities, f.text, f.hideBaseline, f.recordIds];
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
  for (const w of f.workloads)
    out.push({
      key: `workload:${w.namespace}/${w.kind}/${w.name}`,
      kind: 'workload',
      label: `workload: ${w.kind} ${w.namespace}/${w.name}`,
      remove: (x) => ({ ...cloneFilter(x), workloads: x.workloads.filter((v) => !(v.namespace === w.namespace && v.kind === w.kind && v.name === w.name)) }),
    });
  for (const t of f.sourceTables)
    out.push({ key: `source:${t}`, kind: 'source', label: `source: ${t}`, remove: (x) => ({ ...cloneFilter(x), sourceTables: x.sourceTables.filter((v) => v !== t) }) });
  for (const e of f.eventTypes)
    out.push({ key: `event:${e}`, kind: 'event', label: `event: ${e}`, remove: (x) => ({ ...cloneFilter(x), eventTypes: x.eventTypes.filter((v) => v !== e) }) });
  for (const s of f.severities)
    out.push({ key: `severity:${s}`, kind: 'severity', label: `severity: ${s}`, remove: (x) => ({ ...cloneFilter(x), severities: x.severities.filter((v) => v !== s) }) });
  if (f.from || f.to)
    out.push({ key: 'time', kind: 'time', label: `time (UTC): ${shortTime(f.from) || '…'} → ${shortTime(f.to) || '…'}`, remove: (x) => setTime(x, undefined, undefined) });
  if (f.hideBaseline) out.push({ key: 'baseline', kind: 'baseline', label: 'baseline findings hidden', remove: (x) => ({ ...cloneFilter(x), hideBaseline: false }) });
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
