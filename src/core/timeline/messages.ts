// The typed messages between the extension host and the timeline webview, and their runtime
// validators. Both sides validate what they receive: the webview can be compromised by what
// it renders, and the host must not trust a message because it arrived on the channel.
// Browser-safe: the webview bundle imports this module.
import { TABLES, type TableName } from '../schema/tables.js';
import { SEVERITIES, SORT_COLUMNS, TIME_SOURCES, type Severity, type SortColumn, type TimeSource, type TimelineRow } from '../schema/timeline.js';
import type { ContainerRef, PodRef, TimelineFilter, WorkloadRef } from './filter.js';
import { ENTRY_TEXT_MAX_CHARS, ENTRY_TEXT_MAX_LINES, type EntryText, type Histogram, type RowGroup, type TimelineFacets, type TimelineSort } from './source.js';

/** Multi-line entries shown grouped, these (first lines' RecordIds) expanded. */
export interface EntryOptions {
  expanded: string[];
}
import { EXPORT_FORMATS, type ExportFormat } from './formats.js';
import type { ColumnLayout, MarkEdit, RowMark, SavedView } from './marks.js';

export type { ExportFormat };

export type SourceKind = 'local' | 'workspace';

export interface SourceInfo {
  kind: SourceKind;
  /** What the user sees as the source, e.g. the bundle folder name or the workspace name. */
  label: string;
}

/** Messages the webview sends. `requestId` lets the webview drop answers to superseded requests. */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'query'; requestId: number; filter: TimelineFilter; offset: number; limit: number; sort?: TimelineSort; entries?: EntryOptions }
  | { type: 'histogram'; requestId: number; filter: TimelineFilter; buckets: number }
  | { type: 'details'; requestId: number; recordId: string }
  /** The filter changed: the host keeps it (panel serializer, Copy KQL, Export). */
  | { type: 'setFilter'; filter: TimelineFilter }
  | { type: 'export'; format: ExportFormat; filter: TimelineFilter }
  /** Where `recordId` is in the rows of `filter` (and `sort`), so the page can scroll to it. */
  | { type: 'locate'; requestId: number; filter: TimelineFilter; recordId: string; sort?: TimelineSort; entries?: EntryOptions }
  /** Star, tag or comment a row (the host saves the case file beside the bundle). */
  | { type: 'mark'; recordId: string; edit: MarkEdit }
  | { type: 'saveView'; name: string; filter: TimelineFilter; columns: ColumnLayout[] }
  | { type: 'deleteView'; name: string }
  /** Put text on the clipboard (a cell, a row); `what` names it for the confirmation. */
  | { type: 'copy'; text: string; what: string };

/** Messages the host sends. */
export type HostToWebview =
  /** Answer to `ready`. `filter`, when present, wins over the webview's saved state (e.g. "Show in Timeline"). */
  | { type: 'init'; source: SourceInfo; facets: TimelineFacets; filter?: TimelineFilter; select?: string }
  | { type: 'queryResult'; requestId: number; offset: number; total: number; rows: TimelineRow[]; groups?: (RowGroup | null)[]; lines?: number; entryCount?: number }
  | { type: 'histogramResult'; requestId: number; histogram: Histogram }
  /** `entry`: the whole text of the multi-line entry the row belongs to (absent for a line of its own). */
  | { type: 'detailsResult'; requestId: number; row: TimelineRow | null; entry?: EntryText }
  /** Apply this filter in an open panel (e.g. "Show in Timeline" while the timeline is already open). */
  | { type: 'setFilter'; filter: TimelineFilter; select?: string }
  /** -1: not among the filter's rows. */
  | { type: 'locateResult'; requestId: number; index: number }
  /** The case file's marks and views (after init and after every change); `note` says where they are kept. */
  | { type: 'case'; marks: Record<string, RowMark>; views: SavedView[]; note: string }
  | { type: 'error'; requestId?: number; message: string };

/** Bounds that keep a message cheap to handle whatever sent it. */
export const LIMITS = {
  /** Rows one query may ask for. */
  maxWindow: 5000,
  maxBuckets: 2000,
  maxListItems: 1000,
  /** Record ids in one filter (starred rows can be many). */
  maxRecordIds: 100_000,
  /** Marked rows in one case, tags and comments on one row, text on the clipboard. */
  maxMarks: 100_000,
  maxTags: 100,
  maxComments: 1000,
  maxCopy: 1 << 21,
  maxNameLength: 1024,
  maxTextLength: 4096,
  maxMessageLength: 4096,
  /** Facet entries (containers in a big cluster run into thousands). */
  maxFacetItems: 200_000,
  maxOffset: 2 ** 31,
} as const;

export class InvalidMessageError extends Error {
  override name = 'InvalidMessageError';
}

// ---- a small strict validator toolkit: every object's keys are checked, extra keys rejected.

type Check<T> = (v: unknown, path: string) => T;

function fail(path: string, what: string): never {
  throw new InvalidMessageError(`${path}: ${what}`);
}

const str =
  (max: number): Check<string> =>
  (v, path) => {
    if (typeof v !== 'string') fail(path, 'expected a string');
    if (v.length > max) fail(path, `longer than ${max} characters`);
    return v;
  };

const int =
  (min: number, max: number): Check<number> =>
  (v, path) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, 'expected an integer');
    if (v < min || v > max) fail(path, `out of range [${min}, ${max}]`);
    return v;
  };

const num: Check<number> = (v, path) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'expected a finite number');
  return v;
};

const oneOf =
  <const T extends string>(values: readonly T[]): Check<T> =>
  (v, path) => {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) fail(path, `expected one of ${values.join(', ')}`);
    return v as T;
  };

const arr =
  <T>(item: Check<T>, max: number): Check<T[]> =>
  (v, path) => {
    if (!Array.isArray(v)) fail(path, 'expected an array');
    if (v.length > max) fail(path, `more than ${max} items`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };

type Shape = Record<string, Check<unknown>>;
type Out<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A strict object: required keys, optional keys, nothing else. Undefined optional keys are dropped. */
function obj<R extends Shape, O extends Shape = Record<never, never>>(required: R, optional?: O): Check<Out<R> & Partial<Out<O>>> {
  return (v, path) => {
    if (!isPlainObject(v)) fail(path, 'expected an object');
    const out: Record<string, unknown> = {};
    // hasOwn, not `in`: "__proto__" or "constructor" must not pass as a known key.
    for (const k of Object.keys(v)) if (!Object.hasOwn(required, k) && !(optional && Object.hasOwn(optional, k))) fail(`${path}.${k}`, 'unexpected key');
    for (const [k, check] of Object.entries(required)) {
      if (!Object.hasOwn(v, k)) fail(`${path}.${k}`, 'missing');
      out[k] = check(v[k], `${path}.${k}`);
    }
    if (optional)
      for (const [k, check] of Object.entries(optional)) if (Object.hasOwn(v, k) && v[k] !== undefined) out[k] = check(v[k], `${path}.${k}`);
    return out as Out<R> & Partial<Out<O>>;
  };
}

const TABLE_NAMES = TABLES.map((t) => t.name) as TableName[];
const name = str(LIMITS.maxNameLength);
const list = <T>(item: Check<T>) => arr(item, LIMITS.maxListItems);
// Time bounds are compared as strings against ISO-8601 times: accept only that shape.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}(?::\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const isoTime: Check<string> = (v, path) => {
  const s = str(40)(v, path);
  if (!ISO_TIME.test(s)) fail(path, 'expected an ISO-8601 time');
  return s;
};
const requestId = int(0, Number.MAX_SAFE_INTEGER);

const bool: Check<boolean> = (v, path) => {
  if (typeof v !== 'boolean') fail(path, 'expected true or false');
  return v;
};

const podRef: Check<PodRef> = obj({ namespace: name, pod: name });
const containerRef: Check<ContainerRef> = obj({ namespace: name, pod: name, container: name });
const workloadRef: Check<WorkloadRef> = obj({ namespace: name, kind: name, name });

const filterShape = obj(
  {
    namespaces: list(name),
    pods: list(podRef),
    containers: list(containerRef),
    sourceTables: list(oneOf(TABLE_NAMES)),
    eventTypes: list(name),
    severities: list(oneOf<Severity>(SEVERITIES)),
    text: str(LIMITS.maxTextLength),
  },
  // Optional so that a filter saved by an older webview (panel state) still opens.
  { from: isoTime, to: isoTime, workloads: list(workloadRef), hideBaseline: bool, recordIds: arr(name, LIMITS.maxRecordIds) },
);

export const validateFilter: Check<TimelineFilter> = (v, path) => {
  const f = filterShape(v, path);
  return { ...f, workloads: f.workloads ?? [], hideBaseline: f.hideBaseline ?? false, recordIds: f.recordIds ?? [] };
};

const sortSpec: Check<TimelineSort> = obj({ column: oneOf<SortColumn>(SORT_COLUMNS), descending: bool });
const entryOptions: Check<EntryOptions> = obj({ expanded: arr(name, LIMITS.maxListItems) });

const sourceInfo: Check<SourceInfo> = obj({ kind: oneOf<SourceKind>(['local', 'workspace']), label: str(LIMITS.maxNameLength) });

const details: Check<Record<string, unknown>> = (v, path) => {
  if (!isPlainObject(v)) fail(path, 'expected an object');
  return v;
};

// Row strings come from the cluster: any content, but bounded (Log Analytics caps fields at 64 KB).
const cell = str(1 << 20);
const timelineRow: Check<TimelineRow> = obj({
  Time: cell,
  TimeSource: oneOf<TimeSource>(TIME_SOURCES),
  SourceTable: oneOf(TABLE_NAMES),
  EventType: cell,
  Cluster: cell,
  Namespace: cell,
  PodName: cell,
  ContainerName: cell,
  Summary: cell,
  Severity: cell,
  TechniqueId: cell,
  RecordId: cell,
  Details: details,
});

const count = int(0, Number.MAX_SAFE_INTEGER);
const rowGroup: Check<RowGroup> = obj({ entry: cell, role: oneOf<RowGroup['role']>(['entry', 'line']), lines: count, of: count, expanded: bool });
const facetItems = <T>(item: Check<T>) => arr(item, LIMITS.maxFacetItems);
const facets: Check<TimelineFacets> = obj({
  total: count,
  namespaces: facetItems(obj({ value: cell, count })),
  pods: facetItems(obj({ namespace: cell, pod: cell, count })),
  containers: facetItems(obj({ namespace: cell, pod: cell, container: cell, count })),
  workloads: facetItems(obj({ namespace: cell, kind: cell, name: cell, count })),
  sourceTables: facetItems(obj({ value: oneOf(TABLE_NAMES), count })),
  eventTypes: facetItems(obj({ value: cell, count })),
  severities: facetItems(obj({ value: cell, count })),
  timeSources: facetItems(obj({ value: oneOf<TimeSource>(TIME_SOURCES), count })),
  timeRange: (v, path) => (v === null ? null : obj({ from: cell, to: cell })(v, path)),
  defaultRange: (v, path) => (v === null ? null : obj({ from: cell, to: cell })(v, path)),
});

const histogram: Check<Histogram> = (v, path) => {
  const h = obj({
    start: num,
    bucketMs: num,
    buckets: int(0, LIMITS.maxBuckets),
    series: arr(obj({ table: oneOf(TABLE_NAMES), counts: arr(num, LIMITS.maxBuckets), stateCounts: arr(num, LIMITS.maxBuckets) }), TABLE_NAMES.length),
    undated: count,
    total: count,
  })(v, path);
  if (h.series.some((s) => s.counts.length !== h.buckets || s.stateCounts.length !== h.buckets)) fail(`${path}.series`, 'every series needs one count per bucket');
  return h;
};

const tag = str(100);
const markEdit: Check<MarkEdit> = (v, path) => {
  const op = isPlainObject(v) ? v.op : undefined;
  if (op === 'star') return obj({ op: oneOf(['star']), starred: bool })(v, path) as MarkEdit;
  if (op === 'addTag' || op === 'removeTag') return obj({ op: oneOf(['addTag', 'removeTag']), tag })(v, path) as MarkEdit;
  if (op === 'comment') return obj({ op: oneOf(['comment']), text: str(LIMITS.maxTextLength) })(v, path) as MarkEdit;
  fail(`${path}.op`, 'expected star, addTag, removeTag or comment');
};
const columnLayout: Check<ColumnLayout> = obj({ key: str(40) }, { width: int(0, 4000), hidden: bool });
const columns = arr(columnLayout, 40);
const viewName = str(100);
const comment = obj({ text: str(LIMITS.maxTextLength), by: name, at: str(40) });
const rowMark: Check<RowMark> = obj({ starred: bool, tags: arr(tag, LIMITS.maxTags), comments: arr(comment, LIMITS.maxComments) });
const marks: Check<Record<string, RowMark>> = (v, path) => {
  if (!isPlainObject(v)) fail(path, 'expected an object');
  const keys = Object.keys(v);
  if (keys.length > LIMITS.maxMarks) fail(path, `more than ${LIMITS.maxMarks} marked rows`);
  // A null-prototype map: a record id of "__proto__" stays a key.
  const out: Record<string, RowMark> = Object.create(null);
  for (const k of keys) out[name(k, `${path} key`)] = rowMark(v[k], `${path}[${JSON.stringify(k.slice(0, 40))}]`);
  return out;
};
const savedView: Check<SavedView> = obj({ name: viewName, filter: validateFilter, by: name, at: str(40) }, { columns });

const WEBVIEW_MESSAGES: Record<WebviewToHost['type'], Check<WebviewToHost>> = {
  ready: obj({ type: oneOf(['ready']) }),
  query: obj(
    {
      type: oneOf(['query']),
      requestId,
      filter: validateFilter,
      offset: int(0, LIMITS.maxOffset),
      limit: int(0, LIMITS.maxWindow),
    },
    { sort: sortSpec, entries: entryOptions },
  ),
  histogram: obj({ type: oneOf(['histogram']), requestId, filter: validateFilter, buckets: int(1, LIMITS.maxBuckets) }),
  details: obj({ type: oneOf(['details']), requestId, recordId: name }),
  setFilter: obj({ type: oneOf(['setFilter']), filter: validateFilter }),
  export: obj({ type: oneOf(['export']), format: oneOf<ExportFormat>(EXPORT_FORMATS), filter: validateFilter }),
  locate: obj({ type: oneOf(['locate']), requestId, filter: validateFilter, recordId: name }, { sort: sortSpec, entries: entryOptions }),
  mark: obj({ type: oneOf(['mark']), recordId: name, edit: markEdit }),
  saveView: obj({ type: oneOf(['saveView']), name: viewName, filter: validateFilter, columns }),
  deleteView: obj({ type: oneOf(['deleteView']), name: viewName }),
  copy: obj({ type: oneOf(['copy']), text: str(LIMITS.maxCopy), what: str(100) }),
};

const entryText: Check<EntryText> = obj({ entry: name, lines: count, text: str(ENTRY_TEXT_MAX_CHARS + ENTRY_TEXT_MAX_LINES), omitted: count });

const HOST_MESSAGES: Record<HostToWebview['type'], Check<HostToWebview>> = {
  init: obj({ type: oneOf(['init']), source: sourceInfo, facets }, { filter: validateFilter, select: name }),
  queryResult: (v, path) => {
    const r = obj(
      { type: oneOf(['queryResult']), requestId, offset: int(0, LIMITS.maxOffset), total: count, rows: arr(timelineRow, LIMITS.maxWindow) },
      { groups: arr((g, p) => (g === null ? null : rowGroup(g, p)), LIMITS.maxWindow), lines: count, entryCount: count },
    )(v, path);
    if (r.groups && r.groups.length !== r.rows.length) fail(`${path}.groups`, 'needs one entry per row');
    return r;
  },
  histogramResult: obj({ type: oneOf(['histogramResult']), requestId, histogram }),
  detailsResult: obj({ type: oneOf(['detailsResult']), requestId, row: (v, path) => (v === null ? null : timelineRow(v, path)) }, { entry: entryText }),
  setFilter: obj({ type: oneOf(['setFilter']), filter: validateFilter }, { select: name }),
  locateResult: obj({ type: oneOf(['locateResult']), requestId, index: int(-1, LIMITS.maxOffset) }),
  case: obj({ type: oneOf(['case']), marks, views: arr(savedView, LIMITS.maxListItems), note: str(LIMITS.maxMessageLength) }),
  error: obj({ type: oneOf(['error']), message: str(LIMITS.maxMessageLength) }, { requestId }),
};

function dispatch<M>(table: Record<string, Check<M>>, value: unknown, side: string): M {
  if (!isPlainObject(value) || typeof value.type !== 'string' || !Object.hasOwn(table, value.type)) {
    const type = isPlainObject(value) && typeof value.type === 'string' ? JSON.stringify(value.type.slice(0, 40)) : 'none';
    throw new InvalidMessageError(`${side} message: unknown type ${type}`);
  }
  return table[value.type](value, `${side}.${value.type}`);
}

/** Validates a message the host received from the webview; throws InvalidMessageError otherwise. */
export function parseWebviewMessage(value: unknown): WebviewToHost {
  return dispatch(WEBVIEW_MESSAGES, value, 'webview');
}

/** Validates a message the webview received from the host; throws InvalidMessageError otherwise. */
export function parseHostMessage(value: unknown): HostToWebview {
  return dispatch(HOST_MESSAGES, value, 'host');
}
