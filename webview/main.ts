// The timeline webview. The host holds the data and the case file; this page keeps the filter,
// the grid's layout and the view state (one state object, ./state.ts), asks for the windows of
// rows, the histogram and the details it shows, and renders all of it as text.
import type { TimelineFilter } from '../src/core/timeline/filter.js';
import type { HostToWebview } from '../src/core/timeline/messages.js';
import type { TimelineFacets } from '../src/core/timeline/source.js';
import type { TimelineRow } from '../src/core/schema/timeline.js';
import type { MarkEdit, RowMark, SavedView } from '../src/core/timeline/marks.js';
import { SEVERITIES } from '../src/core/schema/timeline.js';
import { normalizeTime } from '../src/core/schema/time.js';
import { EXPORT_FORMATS, FORMAT_INFO } from '../src/core/timeline/formats.js';
import { LIMITS } from '../src/core/timeline/messages.js';
import { el, debounce } from './dom.js';
import { addNamespace, addPod, addSeverity, addValue, aroundTime, chips, cloneFilter, emptyFilter, lastOf, onlyContainer, onlyPod, pickContainer, pickWorkload, sameFilter, setTime, zoomOut } from './filters.js';
import { HistogramView, isoFromMillis } from './histogram.js';
import { VirtualList, cellValue } from './list.js';
import { Picker } from './picker.js';
import { DetailsPane } from './details.js';
import { Popover, columnMenu, menuButton, viewsMenu } from './menus.js';
import { normalizeLayout, columnDef, type ColumnKey, type ColumnLayout } from './columns.js';
import { zoneLabel } from './format.js';
import { initialState, recordIdsFor, toSaved, type MarkFilter } from './state.js';
import { button, checkbox, dropdown, progressRing, registerToolkit, setDropdownOptions, textField, type DropdownElement } from './toolkit.js';
import { HostChannel, HostError } from './vscode.js';
import { TL } from '../src/core/schema/timeline.js';

registerToolkit();

const host = new HostChannel();
const restored = host.loadState();
const S = initialState(restored);

// ---- layout: toolbar

const app = document.getElementById('app') ?? document.body.appendChild(el('div', { attrs: { id: 'app' } }));
const sourceLabel = el('span', { class: 'kfs-source', text: 'Loading timeline…' });
const status = el('span', { class: 'kfs-status', attrs: { role: 'status', 'aria-live': 'polite' } });
const caseStatus = el('span', { class: 'kfs-case-status' });
const busy = progressRing();
busy.classList.add('kfs-busy');
const errorBanner = el('div', { class: 'kfs-error', attrs: { role: 'alert' } });
errorBanner.hidden = true;
const popover = new Popover('kfs-popover', 'Menu');

const zoneButton = button({ id: 'kfs-zone', text: '', secondary: true, onClick: () => setZone(S.zone === 'utc' ? 'local' : 'utc') });
const wrapButton = button({ id: 'kfs-wrap', text: '', secondary: true, onClick: () => setWrap(!S.wrap) });
const groupButton = button({ id: 'kfs-group', text: '', secondary: true, onClick: () => setGrouped(!S.grouped) });
const columnsButton = button({ id: 'kfs-columns', text: 'Columns…', secondary: true, onClick: () => openColumns() });
const viewsButton = button({ id: 'kfs-views', text: 'Views…', secondary: true, onClick: () => openViews() });
const exportDropdown = dropdown({
  id: 'kfs-export',
  label: 'Export the rows the filter shows',
  prompt: 'Export…',
  options: EXPORT_FORMATS.map((f) => ({ value: f, label: FORMAT_INFO[f].label })),
  onChange: (v) => {
    const format = EXPORT_FORMATS.find((f) => f === v);
    // The host names the filter and the row count before anything is written.
    if (format) host.post({ type: 'export', format, filter: S.filter });
    exportDropdown.value = '';
  },
});

// ---- layout: filters

const containerPicker = new Picker<{ kind: 'container'; namespace: string; pod: string; container: string } | { kind: 'workload'; namespace: string; workload: string; name: string }>({
  id: 'kfs-container-picker',
  placeholder: 'Container or workload…',
  label: 'Filter by container or workload',
  onPick: (c) => applyFilter(c.kind === 'container' ? pickContainer(S.filter, c) : pickWorkload(S.filter, { namespace: c.namespace, kind: c.workload, name: c.name })),
});
const podPicker = new Picker<{ namespace: string; pod: string }>({ id: 'kfs-pod-picker', placeholder: 'Pod…', label: 'Filter by pod', onPick: (p) => applyFilter(addPod(S.filter, p)) });
const namespacePicker = new Picker<string>({ id: 'kfs-namespace-picker', placeholder: 'Namespace…', label: 'Filter by namespace', onPick: (ns) => applyFilter(addNamespace(S.filter, ns)) });
const eventPicker = new Picker<string>({ id: 'kfs-event-picker', placeholder: 'Event type…', label: 'Filter by event type', onPick: (ev) => applyFilter(addValue(S.filter, 'eventTypes', ev)) });
const sourceDropdown: DropdownElement = dropdown({
  id: 'kfs-source-dropdown',
  label: 'Filter by source table',
  prompt: 'Source…',
  options: [],
  onChange: (v) => {
    const table = S.facets?.sourceTables.find((t) => t.value === v);
    if (table) applyFilter(addValue(S.filter, 'sourceTables', table.value));
    sourceDropdown.value = '';
  },
});
const severityDropdown: DropdownElement = dropdown({
  id: 'kfs-severity-dropdown',
  label: 'Filter by severity',
  prompt: 'Severity…',
  options: SEVERITIES.map((s) => ({ value: s, label: s })),
  onChange: (v) => {
    const sev = SEVERITIES.find((s) => s === v);
    if (sev) applyFilter(addSeverity(S.filter, sev));
    severityDropdown.value = '';
  },
});
const RANGES: { value: string; label: string; minutes?: number }[] = [
  { value: 'default', label: 'Collection window' },
  { value: '15', label: 'Last 15 min', minutes: 15 },
  { value: '60', label: 'Last 1 h', minutes: 60 },
  { value: '360', label: 'Last 6 h', minutes: 360 },
  { value: '1440', label: 'Last 24 h', minutes: 1440 },
  { value: 'all', label: 'All times (incl. object creation)' },
];
const rangeDropdown: DropdownElement = dropdown({ id: 'kfs-range', label: 'Time range', prompt: 'Range…', options: RANGES, onChange: (v) => pickRange(v) });
const marksDropdown: DropdownElement = dropdown({ id: 'kfs-marks-dropdown', label: 'Show only marked rows', prompt: 'Marked…', options: [], onChange: (v) => pickMarkFilter(v) });
const fromField = textField({ id: 'kfs-from', placeholder: 'From (UTC, ISO-8601)', label: 'From time, inclusive, UTC' });
const toField = textField({ id: 'kfs-to', placeholder: 'To (UTC, ISO-8601)', label: 'To time, exclusive, UTC' });
const textFilter = textField({ id: 'kfs-text', placeholder: 'Search every column and details…', label: 'Free text filter' });
const baselineBox = checkbox({ id: 'kfs-hide-baseline', text: 'Hide baseline', title: 'Hide findings on expected platform workloads', onChange: (on) => on !== S.filter.hideBaseline && applyFilter({ ...cloneFilter(S.filter), hideBaseline: on }) });
const clearAll = button({ id: 'kfs-clear', text: 'Clear filters', secondary: true, onClick: () => clearFilters() });
const chipBar = el('div', { class: 'kfs-chips', attrs: { role: 'list', 'aria-label': 'Active filters' } });

const histogram = new HistogramView({
  onRange: (fromMs, toMs) => zoomTo(setTime(S.filter, isoFromMillis(fromMs), isoFromMillis(toMs))),
  onZoomOut: () => zoomTo(zoomOut(S.filter, S.facets?.timeRange ?? null)),
  onUndo: () => undoZoom(),
});

const list = new VirtualList({
  fetch: (offset, limit) => void fetchPage(offset, limit),
  select: (_index, row) => {
    if (!row) {
      details.show(undefined, undefined, S.zone, 'Loading…');
      return;
    }
    S.selected = row.RecordId;
    persist();
    requestDetails(row.RecordId);
  },
  sortChanged: (sort) => {
    S.sort = sort;
    persist();
    reload();
  },
  layoutChanged: (layout) => setLayout(layout),
  toggleStar: (row) => mark(row, { op: 'star', starred: !S.marks[row.RecordId]?.starred }),
  toggleEntry: (entry, open) => setExpanded(entry, open),
  copy: (text, what) => copy(text, what),
  contextMenu: (row, column, x, y) => openRowMenu(row, column, x, y),
});

const details = new DetailsPane(
  {
    filterPod: (r) => applyFilter(onlyPod(S.filter, { namespace: r.Namespace, pod: r.PodName })),
    filterContainer: (r) => applyFilter(onlyContainer(S.filter, { namespace: r.Namespace, pod: r.PodName, container: r.ContainerName })),
    around: (r, minutes) => around(r, minutes),
    mark: (r, edit) => mark(r, edit),
    close: () => {
      S.selected = null;
      persist();
      details.hide();
    },
  },
  S.aroundMinutes,
);

app.replaceChildren(
  el('header', { class: 'kfs-toolbar' }, sourceLabel, status, caseStatus, busy, el('span', { class: 'kfs-spacer-flex' }), zoneButton, wrapButton, groupButton, columnsButton, viewsButton, exportDropdown),
  el('div', { class: 'kfs-filters' }, containerPicker.root, podPicker.root, namespacePicker.root, eventPicker.root, sourceDropdown, severityDropdown, marksDropdown, rangeDropdown, fromField, toField, textFilter, baselineBox, clearAll),
  chipBar,
  errorBanner,
  histogram.root,
  el('div', { class: 'kfs-main' }, list.root, details.root),
  popover.root,
);

// ---- filter inputs

function timeFieldChanged(): void {
  const parse = (field: typeof fromField): string | undefined | null => {
    const v = (field.value ?? '').trim();
    if (!v) return undefined;
    const t = normalizeTime(v);
    field.classList.toggle('kfs-invalid', t === null);
    field.title = t === null ? 'Not a time: use ISO-8601, e.g. 2026-01-01T10:00:00Z' : '';
    return t;
  };
  const from = parse(fromField);
  const to = parse(toField);
  if (from === null || to === null) return;
  applyFilter(setTime(S.filter, from, to));
}
fromField.addEventListener('change', timeFieldChanged);
toField.addEventListener('change', timeFieldChanged);
textFilter.addEventListener(
  'input',
  debounce(() => {
    const text = textFilter.value ?? '';
    if (text !== S.filter.text) applyFilter({ ...cloneFilter(S.filter), text });
  }, 300),
);

function pickRange(v: string): void {
  rangeDropdown.value = '';
  const f = S.facets;
  const r = RANGES.find((x) => x.value === v);
  if (!r || !f) return;
  const end = f.defaultRange?.to ?? f.timeRange?.to;
  if (r.value === 'all') zoomTo(setTime(S.filter, undefined, undefined));
  else if (r.value === 'default') zoomTo(defaultRangeFilter(S.filter, f));
  else if (end && r.minutes) zoomTo(lastOf(S.filter, end, r.minutes));
}

function pickMarkFilter(v: string): void {
  marksDropdown.value = '';
  const mf: MarkFilter | undefined = v === 'starred' ? { kind: 'starred' } : v === 'commented' ? { kind: 'commented' } : v.startsWith('tag:') ? { kind: 'tag', tag: v.slice(4) } : undefined;
  if (!mf) return;
  S.markFilter = mf;
  applyFilter({ ...cloneFilter(S.filter), recordIds: recordIdsFor(mf, S.marks) });
}

/** The facets' default range as a filter; its end is the last time shown, so the exclusive bound is just after it. */
function defaultRangeFilter(f: TimelineFilter, facets: TimelineFacets): TimelineFilter {
  const r = facets.defaultRange;
  if (!r) return f;
  return setTime(f, r.from, isoFromMillis(Date.parse(r.to.slice(0, 23) + 'Z') + 1));
}

function clearFilters(): void {
  S.markFilter = undefined;
  applyFilter(emptyFilter());
}

// ---- state

function persist(): void {
  host.saveState(toSaved(S));
}

function applyFilter(next: TimelineFilter, opts: { fromHost?: boolean; select?: string | null } = {}): void {
  if (!next.recordIds.length) S.markFilter = undefined;
  S.filter = next;
  if (opts.select !== undefined) S.selected = opts.select;
  persist();
  if (!opts.fromHost) host.post({ type: 'setFilter', filter: S.filter });
  renderChips();
  syncFields();
  reload();
  if (opts.select) requestDetails(opts.select);
}

/** A new time range from the histogram or the range menu, remembered for Undo zoom. */
function zoomTo(next: TimelineFilter): void {
  if (next.from === S.filter.from && next.to === S.filter.to) return;
  S.zoomHistory.push({ from: S.filter.from, to: S.filter.to });
  if (S.zoomHistory.length > 50) S.zoomHistory.shift();
  applyFilter(next);
}

function undoZoom(): void {
  const prev = S.zoomHistory.pop();
  if (prev) applyFilter(setTime(S.filter, prev.from, prev.to));
}

function reload(): void {
  S.requests.pages.supersede();
  S.counts = undefined;
  errorBanner.hidden = true;
  list.setHighlight(S.filter.text);
  list.reset(S.selected);
  requestHistogram();
  histogram.setControls({ canUndo: S.zoomHistory.length > 0, canZoomOut: !!(S.filter.from || S.filter.to) });
  if (S.selected) locate(S.selected);
}

/** Whether rows are asked for as entries: grouping is on and the order is time (another sort shows lines). */
function groupingOn(): boolean {
  return S.grouped && (!S.sort || S.sort.column === TL.Time);
}

/** The order and grouping every row request carries. */
function view(): { sort?: typeof S.sort; entries?: { expanded: string[] } } {
  return { ...(S.sort ? { sort: S.sort } : {}), ...(groupingOn() ? { entries: { expanded: S.expanded } } : {}) };
}

/** Runs a request's answer through `use`; shows the host's error; keeps the busy ring in step. */
async function answer<T>(p: Promise<T | undefined>, use: (v: T) => void): Promise<void> {
  updateBusy();
  try {
    const v = await p;
    if (v !== undefined) use(v);
  } catch (err) {
    if (!(err instanceof HostError)) throw err;
    errorBanner.textContent = err.message;
    errorBanner.hidden = false;
  } finally {
    updateBusy();
  }
}

function fetchPage(offset: number, limit: number): Promise<void> {
  const req = host.request({ type: 'query', filter: S.filter, offset, limit, ...view() });
  return answer(S.requests.pages.within(req), (msg) => {
    list.receive(msg.offset, msg.total, msg.rows, msg.groups);
    S.counts = { lines: msg.lines ?? msg.total, entries: msg.entryCount ?? msg.total };
    updateStatus();
  });
}

function requestHistogram(): void {
  const req = host.request({ type: 'histogram', filter: S.filter, buckets: histogram.bucketCount() });
  void answer(S.requests.histogram.take(req), (msg) => histogram.set(msg.histogram));
}

function requestDetails(recordId: string): void {
  void answer(S.requests.details.take(host.request({ type: 'details', recordId })), (msg) => {
    S.detailsRow = msg.row ?? undefined;
    S.detailsEntry = msg.entry;
    if (msg.row) details.show(msg.row, S.marks[msg.row.RecordId], S.zone, undefined, msg.entry);
    else details.show(undefined, undefined, S.zone, 'This event is not in the timeline any more.');
  });
}

/** Asks where the selected row is under the current filter, so it can be scrolled to (its page may be far away). */
function locate(recordId: string): void {
  const req = host.request({ type: 'locate', filter: S.filter, recordId, ...view() });
  void answer(S.requests.locate.take(req), (msg) => {
    if (msg.index >= 0 && S.selected === recordId) list.revealRecord(msg.index, recordId);
  });
}

/** Opens or closes a multi-line entry; the rows above it stay where they are. */
function setExpanded(entry: string, open: boolean): void {
  const rest = S.expanded.filter((e) => e !== entry);
  S.expanded = open ? [...rest, entry].slice(-LIMITS.maxListItems) : rest;
  persist();
  S.requests.pages.supersede();
  list.refresh();
}

function setGrouped(on: boolean): void {
  S.grouped = on;
  persist();
  syncToolbar();
  reload();
}

function around(row: TimelineRow, minutes: number): void {
  if (!row.Time) return;
  S.aroundMinutes = minutes;
  S.zoomHistory.push({ from: S.filter.from, to: S.filter.to });
  S.markFilter = undefined;
  applyFilter(aroundTime(S.filter, row.Time, minutes), { select: row.RecordId });
}

function mark(row: TimelineRow, edit: MarkEdit): void {
  host.post({ type: 'mark', recordId: row.RecordId, edit });
}

function copy(text: string, what: string): void {
  host.post({ type: 'copy', text, what });
}

function setZone(zone: 'utc' | 'local'): void {
  S.zone = zone;
  persist();
  list.setZone(zone);
  histogram.setZone(zone);
  syncToolbar();
  if (S.detailsRow) details.show(S.detailsRow, S.marks[S.detailsRow.RecordId], zone, undefined, S.detailsEntry);
}

function setWrap(wrap: boolean): void {
  S.wrap = wrap;
  persist();
  list.setWrap(wrap);
  syncToolbar();
}

function setLayout(layout: ColumnLayout[]): void {
  S.columns = layout;
  persist();
  list.setLayout(layout);
  if (popover.open && popover.root.dataset.kind === 'columns') openColumns();
}

function syncToolbar(): void {
  zoneButton.textContent = S.zone === 'utc' ? 'Times: UTC' : `Times: local (${zoneLabel('local')})`;
  zoneButton.title = 'Switch the times between UTC and your local time zone';
  wrapButton.textContent = S.wrap ? 'Wrap: on' : 'Wrap: off';
  wrapButton.title = 'Show up to three lines of each summary';
  groupButton.textContent = S.grouped ? 'Stack traces: grouped' : 'Stack traces: lines';
  groupButton.title = S.grouped
    ? 'Multi-line log entries (stack traces) show as their first line: ▸ or → opens one, ← closes it. Sorting by a column other than Time shows lines.'
    : 'Every log line is its own row: click to group multi-line entries (stack traces) under their first line';
}

// ---- menus

function openColumns(): void {
  popover.root.dataset.kind = 'columns';
  const r = columnsButton.getBoundingClientRect();
  popover.show(columnMenu(S.columns, (next) => setLayout(next)), { x: r.left, y: r.bottom + 2 });
}

function openViews(): void {
  popover.root.dataset.kind = 'views';
  const r = viewsButton.getBoundingClientRect();
  const close = () => popover.close();
  popover.show(
    viewsMenu(S.views, {
      apply: (v) => applyView(v),
      remove: (v) => host.post({ type: 'deleteView', name: v.name }),
      save: (name) => host.post({ type: 'saveView', name, filter: S.filter, columns: S.columns }),
    }, close),
    { x: r.left, y: r.bottom + 2 },
  );
}

function applyView(v: SavedView): void {
  if (v.columns) setLayout(normalizeLayout(v.columns));
  applyFilter(v.filter);
}

function openRowMenu(row: TimelineRow, column: ColumnKey, x: number, y: number): void {
  popover.root.dataset.kind = 'row';
  const close = () => popover.close();
  const starred = !!S.marks[row.RecordId]?.starred;
  const items = [
    { id: 'kfs-menu-copy-cell', label: `Copy ${columnDef(column).title === '★' ? 'mark' : columnDef(column).title}`, run: () => copy(cellValue(row, column, S.marks[row.RecordId]), columnDef(column).title) },
    { id: 'kfs-menu-copy-row', label: 'Copy row as JSON', run: () => copy(JSON.stringify(row, null, 2), 'row') },
    { id: 'kfs-menu-star', label: starred ? 'Unstar' : 'Star', run: () => mark(row, { op: 'star', starred: !starred }) },
    { id: 'kfs-menu-around', label: `Everything ±${S.aroundMinutes} min around this event`, run: () => around(row, S.aroundMinutes), disabled: !row.Time },
    { id: 'kfs-menu-pod', label: 'Filter to this pod', run: () => applyFilter(onlyPod(S.filter, { namespace: row.Namespace, pod: row.PodName })), disabled: !row.PodName },
  ];
  popover.show(items.map((i) => menuButton(i, close)), { x, y });
}

// ---- rendering

function renderChips(): void {
  const active = chips(S.filter);
  const markChip = S.markFilter ? [{ key: 'marks', kind: 'marks', label: markLabel(S.markFilter), remove: (f: TimelineFilter) => ({ ...cloneFilter(f), recordIds: [] }) }] : [];
  const all = [...active, ...markChip];
  chipBar.replaceChildren(
    ...all.map((c) => {
      const remove = el('button', { class: 'kfs-chip-remove', text: '×', attrs: { type: 'button', 'aria-label': `Remove filter ${c.label}` } });
      remove.addEventListener('click', () => applyFilter(c.remove(S.filter)));
      return el('span', { class: `kfs-chip kfs-chip-${c.kind}`, attrs: { role: 'listitem', 'data-chip': c.key } }, el('span', { class: 'kfs-chip-label', text: c.label }), remove);
    }),
  );
  chipBar.hidden = all.length === 0;
  clearAll.disabled = all.length === 0;
}

function markLabel(mf: MarkFilter): string {
  return mf.kind === 'starred' ? 'starred rows only' : mf.kind === 'commented' ? 'commented rows only' : `tagged “${mf.tag}” only`;
}

function syncFields(): void {
  const set = (field: typeof fromField, v: string) => {
    if (field.value !== v) field.value = v;
    field.classList.remove('kfs-invalid');
  };
  set(fromField, S.filter.from ?? '');
  set(toField, S.filter.to ?? '');
  if (document.activeElement !== textFilter) set(textFilter, S.filter.text);
  baselineBox.checked = S.filter.hideBaseline;
}

function updateBusy(): void {
  busy.hidden = host.inFlight === 0;
}

function updateStatus(): void {
  const n = (x: number) => x.toLocaleString('en-US');
  const all = S.facets?.total ?? 0;
  const lines = S.counts?.lines ?? list.count;
  const entries = S.counts?.entries ?? lines;
  // Grouping counts what a reader can recount: the filter's lines, and the entries they make.
  status.textContent = `${n(lines)} of ${n(all)} events` + (entries < lines ? ` · ${n(lines)} lines in ${n(entries)} entries` : '');
}

function setFacets(f: TimelineFacets): void {
  S.facets = f;
  // Real containers, then workloads as their own kind (their findings are on pod templates, not on a container).
  containerPicker.setItems([
    ...f.containers.map((c) => ({ label: `${c.namespace}/${c.pod}/${c.container}`, detail: String(c.count), kind: 'container', value: { kind: 'container' as const, namespace: c.namespace, pod: c.pod, container: c.container } })),
    ...f.workloads.map((w) => ({ label: `${w.kind} ${w.namespace}/${w.name}`, detail: String(w.count), kind: 'workload', value: { kind: 'workload' as const, namespace: w.namespace, workload: w.kind, name: w.name } })),
  ]);
  podPicker.setItems(f.pods.map((p) => ({ label: `${p.namespace}/${p.pod}`, detail: String(p.count), value: p })));
  namespacePicker.setItems(f.namespaces.map((n) => ({ label: n.value, detail: String(n.count), value: n.value })));
  eventPicker.setItems(f.eventTypes.map((e) => ({ label: e.value, detail: String(e.count), value: e.value })));
  setDropdownOptions(sourceDropdown, 'Source…', f.sourceTables.map((t) => ({ value: t.value, label: `${t.value} (${t.count})` })));
}

function setCase(marks: Record<string, RowMark>, views: SavedView[], note: string): void {
  S.marks = marks;
  S.views = views;
  list.setMarks(marks);
  const tags = [...new Set(Object.values(marks).flatMap((m) => m.tags))].sort();
  const starred = Object.values(marks).filter((m) => m.starred).length;
  setDropdownOptions(marksDropdown, 'Marked…', [
    { value: 'starred', label: `Starred (${starred})` },
    ...tags.map((t) => ({ value: `tag:${t}`, label: `Tagged ${t}` })),
    { value: 'commented', label: 'Commented' },
  ]);
  caseStatus.textContent = note;
  caseStatus.title = note;
  if (S.detailsRow) details.setMark(marks[S.detailsRow.RecordId]);
  // A "starred only" view follows the stars as they change.
  if (S.markFilter) {
    const ids = recordIdsFor(S.markFilter, marks);
    if (JSON.stringify(ids) !== JSON.stringify(S.filter.recordIds)) applyFilter({ ...cloneFilter(S.filter), recordIds: ids });
  }
  if (popover.open && popover.root.dataset.kind === 'views') openViews();
}

// ---- messages from the host

function onInit(msg: Extract<HostToWebview, { type: 'init' }>): void {
  S.source = msg.source;
  sourceLabel.textContent = `${S.source.kind === 'local' ? 'Bundle' : 'Workspace'}: ${S.source.label}`;
  setFacets(msg.facets);
  if (msg.filter) {
    // The host opened the panel for a purpose (e.g. Show in Timeline): its filter and row win.
    S.markFilter = undefined;
    if (msg.select) S.sort = undefined;
    list.setSort(S.sort);
    applyFilter(msg.filter, { fromHost: true, select: msg.select ?? null });
    return;
  } else if (!restored && sameFilter(S.filter, emptyFilter()) && msg.facets.defaultRange) {
    // A first open: the collection's window, not month-old object creation times.
    applyFilter(defaultRangeFilter(S.filter, msg.facets));
  } else applyFilter(S.filter);
  if (S.selected) requestDetails(S.selected);
}

function onError(msg: Extract<HostToWebview, { type: 'error' }>): void {
  errorBanner.textContent = msg.message;
  errorBanner.hidden = false;
}

host.onMessage((msg: HostToWebview) => {
  switch (msg.type) {
    case 'init':
      return onInit(msg);
    case 'setFilter':
      S.markFilter = undefined;
      if (msg.select) S.sort = undefined;
      list.setSort(S.sort);
      return applyFilter(msg.filter, { fromHost: true, ...(msg.select ? { select: msg.select } : {}) });
    case 'queryResult':
    case 'histogramResult':
    case 'detailsResult':
    case 'locateResult':
      // Answers to requests settle their promises (vscode.ts); one that reaches here was not asked for.
      return;
    case 'case':
      return setCase(msg.marks, msg.views, msg.note);
    case 'error':
      return onError(msg);
  }
});

list.setLayout(S.columns);
list.setSort(S.sort);
list.setZone(S.zone);
list.setWrap(S.wrap);
histogram.setZone(S.zone);
syncToolbar();
renderChips();
syncFields();
updateBusy();
host.post({ type: 'ready' });
