// The webview's one mutable state object (everything the page remembers between messages), and
// what of it survives a reload (VS Code's webview state; the case file holds the marks).
import type { TimelineFilter } from '../src/core/timeline/filter.js';
import type { SourceInfo } from '../src/core/timeline/messages.js';
import type { EntryText, TimelineFacets, TimelineSort } from '../src/core/timeline/source.js';
import type { RowMark, SavedView } from '../src/core/timeline/marks.js';
import type { TimelineRow } from '../src/core/schema/timeline.js';
import { SORT_COLUMNS } from '../src/core/schema/timeline.js';
import { LIMITS, validateFilter } from '../src/core/timeline/messages.js';
import { emptyFilter } from './filters.js';
import { normalizeLayout, type ColumnLayout } from './columns.js';
import type { TimeZoneMode } from './format.js';
import { Latest } from './latest.js';

/** Which marked rows the filter keeps (turned into the filter's recordIds whenever the marks change). */
export type MarkFilter = { kind: 'starred' } | { kind: 'tag'; tag: string } | { kind: 'commented' };

export interface TimeRange {
  from?: string;
  to?: string;
}

export interface PageState {
  filter: TimelineFilter;
  selected: string | null;
  sort: TimelineSort | undefined;
  columns: ColumnLayout[];
  zone: TimeZoneMode;
  wrap: boolean;
  markFilter: MarkFilter | undefined;
  /** Minutes either side for "around this event". */
  aroundMinutes: number;
  /** Earlier time ranges, for Undo zoom. */
  zoomHistory: TimeRange[];
  source: SourceInfo | undefined;
  facets: TimelineFacets | undefined;
  marks: Record<string, RowMark>;
  views: SavedView[];
  /** The row shown in Details. */
  detailsRow: TimelineRow | undefined;
  /** The whole text of the multi-line entry that row belongs to. */
  detailsEntry: EntryText | undefined;
  /** Multi-line log entries (stack traces) shown as one row each, in time order. */
  grouped: boolean;
  /** Entries shown open: their first line's RecordId. */
  expanded: string[];
  /** The last answer's counts: matching lines, and the entries they make (equal when nothing is grouped). */
  counts: { lines: number; entries: number } | undefined;
  /** Only the newest answer of each kind is used (an older one was asked under another filter). */
  requests: { pages: Latest; histogram: Latest; details: Latest; locate: Latest };
}

/** What the webview persists across reloads. */
export interface SavedState {
  v: 2;
  filter: TimelineFilter;
  selected: string | null;
  sort?: TimelineSort;
  columns: ColumnLayout[];
  zone: TimeZoneMode;
  wrap: boolean;
  markFilter?: MarkFilter;
  aroundMinutes: number;
  grouped?: boolean;
  expanded?: string[];
}

export function initialState(saved: SavedState | undefined): PageState {
  return {
    filter: saved?.filter ?? emptyFilter(),
    selected: saved?.selected ?? null,
    sort: saved?.sort,
    columns: saved?.columns ?? normalizeLayout(undefined),
    zone: saved?.zone ?? 'utc',
    wrap: saved?.wrap ?? false,
    markFilter: saved?.markFilter,
    aroundMinutes: saved?.aroundMinutes ?? 5,
    zoomHistory: [],
    source: undefined,
    facets: undefined,
    marks: {},
    views: [],
    detailsRow: undefined,
    detailsEntry: undefined,
    grouped: saved?.grouped ?? true,
    expanded: saved?.expanded ?? [],
    counts: undefined,
    requests: { pages: new Latest(), histogram: new Latest(), details: new Latest(), locate: new Latest() },
  };
}

export function toSaved(s: PageState): SavedState {
  return { v: 2, filter: s.filter, selected: s.selected, sort: s.sort, columns: s.columns, zone: s.zone, wrap: s.wrap, markFilter: s.markFilter, aroundMinutes: s.aroundMinutes, grouped: s.grouped, expanded: s.expanded };
}

function markFilterOf(v: unknown): MarkFilter | undefined {
  const o = v as Partial<{ kind: string; tag: unknown }> | undefined;
  if (o?.kind === 'starred' || o?.kind === 'commented') return { kind: o.kind };
  if (o?.kind === 'tag' && typeof o.tag === 'string' && o.tag.length <= 200) return { kind: 'tag', tag: o.tag };
  return undefined;
}

/** The saved state, validated like a message (it comes back from storage the page does not control); undefined when unusable. */
export function parseSaved(raw: unknown): SavedState | undefined {
  const s = raw as (Partial<Omit<SavedState, 'v'>> & { v?: number }) | undefined;
  if (!s || (s.v !== 1 && s.v !== 2)) return undefined;
  try {
    const sort = s.sort && (SORT_COLUMNS as readonly string[]).includes(s.sort.column) ? { column: s.sort.column, descending: s.sort.descending === true } : undefined;
    return {
      v: 2,
      filter: validateFilter(s.filter, 'state.filter'),
      selected: typeof s.selected === 'string' ? s.selected : null,
      sort,
      columns: normalizeLayout(Array.isArray(s.columns) ? s.columns : undefined),
      zone: s.zone === 'local' ? 'local' : 'utc',
      wrap: s.wrap === true,
      markFilter: markFilterOf(s.markFilter),
      aroundMinutes: typeof s.aroundMinutes === 'number' && s.aroundMinutes > 0 && s.aroundMinutes <= 1440 ? s.aroundMinutes : 5,
      grouped: s.grouped !== false,
      expanded: Array.isArray(s.expanded) ? s.expanded.filter((x): x is string => typeof x === 'string' && x.length <= LIMITS.maxNameLength).slice(0, LIMITS.maxListItems) : [],
    };
  } catch {
    return undefined;
  }
}

/** The record ids a mark filter keeps; a sentinel that matches nothing when no row has the mark (an empty list would mean "no constraint"). */
export function recordIdsFor(mf: MarkFilter | undefined, marks: Readonly<Record<string, RowMark>>): string[] {
  if (!mf) return [];
  const ids = Object.entries(marks)
    .filter(([, m]) => (mf.kind === 'starred' ? m.starred : mf.kind === 'tag' ? m.tags.includes(mf.tag) : m.comments.length > 0))
    .map(([id]) => id)
    .sort();
  return ids.length ? ids : [NO_ROWS];
}

export const NO_ROWS = '\u0000no-marked-rows';
