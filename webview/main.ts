// The timeline webview. The host holds the data; this page keeps the filter, asks for the
// windows of rows, the histogram and the details it shows, and renders all of it as text.
import type { TimelineFilter } from '../src/core/timeline/filter.js';
import type { HostToWebview } from '../src/core/timeline/messages.js';
import type { SourceInfo } from '../src/core/timeline/messages.js';
import type { TimelineFacets } from '../src/core/timeline/source.js';
import type { TimelineRow } from '../src/core/schema/timeline.js';
import { SEVERITIES } from '../src/core/schema/timeline.js';
import { normalizeTime } from '../src/core/schema/time.js';
import { el, debounce } from './dom.js';
import {
  addContainer,
  addNamespace,
  addPod,
  addValue,
  chips,
  cloneFilter,
  emptyFilter,
  onlyContainer,
  onlyPod,
  setTime,
} from './filters.js';
import { HistogramView, isoFromMillis } from './histogram.js';
import { VirtualList } from './list.js';
import { Picker } from './picker.js';
import { button, dropdown, progressRing, registerToolkit, setDropdownOptions, textField, type DropdownElement } from './toolkit.js';
import { HostChannel } from './vscode.js';

registerToolkit();

const host = new HostChannel();
const saved = host.loadState();

let filter: TimelineFilter = saved?.filter ?? emptyFilter();
let selected: string | null = saved?.selected ?? null;
let source: SourceInfo | undefined;
let facets: TimelineFacets | undefined;

// Every request carries an id; answers to anything but the latest request of its kind (or,
// for row pages, to an older filter) are dropped.
let nextRequestId = 1;
let generation = 0;
const pendingPages = new Map<number, number>();
let histogramRequest = 0;
let detailsRequest = 0;

// ---- layout

const app = document.getElementById('app') ?? document.body.appendChild(el('div', { attrs: { id: 'app' } }));
const sourceLabel = el('span', { class: 'kfs-source', text: 'Loading timeline…' });
const status = el('span', { class: 'kfs-status', attrs: { role: 'status', 'aria-live': 'polite' } });
const busy = progressRing();
busy.classList.add('kfs-busy');
const errorBanner = el('div', { class: 'kfs-error', attrs: { role: 'alert' } });
errorBanner.hidden = true;

const containerPicker = new Picker<{ namespace: string; pod: string; container: string }>({
  id: 'kfs-container-picker',
  placeholder: 'Container…',
  label: 'Filter by container',
  onPick: (c) => applyFilter(addContainer(filter, c)),
});
const podPicker = new Picker<{ namespace: string; pod: string }>({
  id: 'kfs-pod-picker',
  placeholder: 'Pod…',
  label: 'Filter by pod',
  onPick: (p) => applyFilter(addPod(filter, p)),
});
const namespacePicker = new Picker<string>({
  id: 'kfs-namespace-picker',
  placeholder: 'Namespace…',
  label: 'Filter by namespace',
  onPick: (ns) => applyFilter(addNamespace(filter, ns)),
});
const eventPicker = new Picker<string>({
  id: 'kfs-event-picker',
  placeholder: 'Event type…',
  label: 'Filter by event type',
  onPick: (ev) => applyFilter(addValue(filter, 'eventTypes', ev)),
});
const sourceDropdown: DropdownElement = dropdown({
  id: 'kfs-source-dropdown',
  label: 'Filter by source table',
  prompt: 'Source…',
  options: [],
  onChange: (v) => {
    const table = facets?.sourceTables.find((t) => t.value === v);
    if (table) applyFilter(addValue(filter, 'sourceTables', table.value));
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
    if (sev) applyFilter(addValue(filter, 'severities', sev));
    severityDropdown.value = '';
  },
});
const fromField = textField({ id: 'kfs-from', placeholder: 'From (UTC, ISO-8601)', label: 'From time, inclusive' });
const toField = textField({ id: 'kfs-to', placeholder: 'To (UTC, ISO-8601)', label: 'To time, exclusive' });
const textFilter = textField({ id: 'kfs-text', placeholder: 'Search summary, names, event…', label: 'Free text filter' });
const exportDropdown = dropdown({
  id: 'kfs-export',
  label: 'Export the filtered timeline',
  prompt: 'Export…',
  options: [
    { value: 'csv', label: 'CSV' },
    { value: 'jsonl', label: 'JSONL' },
  ],
  onChange: (v) => {
    if (v === 'csv' || v === 'jsonl') host.post({ type: 'export', format: v, filter });
    exportDropdown.value = '';
  },
});
const clearAll = button({ id: 'kfs-clear', text: 'Clear filters', secondary: true, onClick: () => applyFilter(emptyFilter()) });
const chipBar = el('div', { class: 'kfs-chips', attrs: { role: 'list', 'aria-label': 'Active filters' } });

const histogram = new HistogramView((fromMs, toMs) => applyFilter(setTime(filter, isoFromMillis(fromMs), isoFromMillis(toMs))));

const list = new VirtualList({
  fetch: (offset, limit) => {
    const requestId = nextRequestId++;
    pendingPages.set(requestId, generation);
    updateBusy();
    host.post({ type: 'query', requestId, filter, offset, limit });
  },
  select: (_index, row) => {
    if (!row) {
      showDetails(undefined, 'Loading…');
      return;
    }
    selected = row.RecordId;
    persist();
    requestDetails(row.RecordId);
  },
});

const detailsTitle = el('div', { class: 'kfs-details-title' });
const detailsJson = el('pre', { class: 'kfs-json', attrs: { tabindex: '0', 'aria-label': 'Event details as JSON' } });
let detailsRow: TimelineRow | undefined;
const filterPodButton = button({
  id: 'kfs-filter-pod',
  text: 'Filter to this pod',
  onClick: () => detailsRow && applyFilter(onlyPod(filter, { namespace: detailsRow.Namespace, pod: detailsRow.PodName })),
});
const filterContainerButton = button({
  id: 'kfs-filter-container',
  text: 'Filter to this container',
  onClick: () =>
    detailsRow && applyFilter(onlyContainer(filter, { namespace: detailsRow.Namespace, pod: detailsRow.PodName, container: detailsRow.ContainerName })),
});
const closeDetails = button({
  id: 'kfs-close-details',
  text: 'Close',
  secondary: true,
  onClick: () => {
    selected = null;
    persist();
    details.hidden = true;
  },
});
const details = el(
  'aside',
  { class: 'kfs-details', attrs: { 'aria-label': 'Event details' } },
  el('div', { class: 'kfs-details-head' }, detailsTitle, el('div', { class: 'kfs-details-actions' }, filterPodButton, filterContainerButton, closeDetails)),
  detailsJson,
);
details.hidden = true;

app.replaceChildren(
  el('header', { class: 'kfs-toolbar' }, sourceLabel, status, busy),
  el(
    'div',
    { class: 'kfs-filters' },
    containerPicker.root,
    podPicker.root,
    namespacePicker.root,
    eventPicker.root,
    sourceDropdown,
    severityDropdown,
    fromField,
    toField,
    textFilter,
    exportDropdown,
    clearAll,
  ),
  chipBar,
  errorBanner,
  histogram.root,
  el('div', { class: 'kfs-main' }, list.root, details),
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
  applyFilter(setTime(filter, from, to));
}
fromField.addEventListener('change', timeFieldChanged);
toField.addEventListener('change', timeFieldChanged);
const textChanged = debounce(() => {
  const text = textFilter.value ?? '';
  if (text !== filter.text) applyFilter({ ...cloneFilter(filter), text });
}, 300);
textFilter.addEventListener('input', textChanged);

// ---- state

function persist(): void {
  host.saveState({ v: 1, filter, selected });
}

function applyFilter(next: TimelineFilter, opts: { fromHost?: boolean } = {}): void {
  filter = next;
  persist();
  if (!opts.fromHost) host.post({ type: 'setFilter', filter });
  renderChips();
  syncFields();
  generation++;
  pendingPages.clear();
  errorBanner.hidden = true;
  list.reset(selected);
  requestHistogram();
}

function requestHistogram(): void {
  histogramRequest = nextRequestId++;
  updateBusy();
  host.post({ type: 'histogram', requestId: histogramRequest, filter, buckets: histogram.bucketCount() });
}

function requestDetails(recordId: string): void {
  detailsRequest = nextRequestId++;
  host.post({ type: 'details', requestId: detailsRequest, recordId });
}

function renderChips(): void {
  const list = chips(filter);
  chipBar.replaceChildren(
    ...list.map((c) => {
      const remove = el('button', { class: 'kfs-chip-remove', text: '×', attrs: { type: 'button', 'aria-label': `Remove filter ${c.label}` } });
      remove.addEventListener('click', () => applyFilter(c.remove(filter)));
      return el('span', { class: `kfs-chip kfs-chip-${c.kind}`, attrs: { role: 'listitem', 'data-chip': c.key } }, el('span', { class: 'kfs-chip-label', text: c.label }), remove);
    }),
  );
  chipBar.hidden = list.length === 0;
  clearAll.disabled = list.length === 0;
}

function syncFields(): void {
  const set = (field: typeof fromField, v: string) => {
    if (field.value !== v) field.value = v;
    field.classList.remove('kfs-invalid');
  };
  set(fromField, filter.from ?? '');
  set(toField, filter.to ?? '');
  if (document.activeElement !== textFilter) set(textFilter, filter.text);
}

function updateBusy(): void {
  let open = histogramRequest ? 1 : 0;
  for (const g of pendingPages.values()) if (g === generation) open++;
  busy.hidden = open === 0;
}

function updateStatus(): void {
  const all = facets?.total ?? 0;
  status.textContent = `${list.count.toLocaleString('en-US')} of ${all.toLocaleString('en-US')} events`;
}

function setFacets(f: TimelineFacets): void {
  facets = f;
  containerPicker.setItems(f.containers.map((c) => ({ label: `${c.namespace}/${c.pod}/${c.container}`, detail: String(c.count), value: c })));
  podPicker.setItems(f.pods.map((p) => ({ label: `${p.namespace}/${p.pod}`, detail: String(p.count), value: p })));
  namespacePicker.setItems(f.namespaces.map((n) => ({ label: n.value, detail: String(n.count), value: n.value })));
  eventPicker.setItems(f.eventTypes.map((e) => ({ label: e.value, detail: String(e.count), value: e.value })));
  setDropdownOptions(sourceDropdown, 'Source…', f.sourceTables.map((t) => ({ value: t.value, label: `${t.value} (${t.count})` })));
}

function showDetails(row: TimelineRow | undefined, message?: string): void {
  detailsRow = row;
  details.hidden = false;
  detailsTitle.textContent = row ? row.Summary || row.EventType : (message ?? '');
  detailsJson.textContent = row ? JSON.stringify(row, null, 2) : '';
  filterPodButton.disabled = !row?.PodName;
  filterContainerButton.disabled = !row?.ContainerName;
}

// ---- messages from the host

host.onMessage((msg: HostToWebview) => {
  switch (msg.type) {
    case 'init': {
      source = msg.source;
      sourceLabel.textContent = `${source.kind === 'local' ? 'Bundle' : 'Workspace'}: ${source.label}`;
      setFacets(msg.facets);
      if (msg.filter) {
        // The host opened the panel for a purpose (e.g. Show in Timeline): its filter wins.
        selected = null;
        applyFilter(msg.filter, { fromHost: true });
      } else {
        applyFilter(filter);
      }
      if (selected) requestDetails(selected);
      break;
    }
    case 'setFilter':
      applyFilter(msg.filter, { fromHost: true });
      break;
    case 'queryResult': {
      const gen = pendingPages.get(msg.requestId);
      pendingPages.delete(msg.requestId);
      updateBusy();
      if (gen !== generation) return;
      list.receive(msg.offset, msg.total, msg.rows);
      updateStatus();
      break;
    }
    case 'histogramResult':
      if (msg.requestId !== histogramRequest) return;
      histogramRequest = 0;
      updateBusy();
      histogram.set(msg.histogram);
      break;
    case 'detailsResult':
      if (msg.requestId !== detailsRequest) return;
      if (msg.row) showDetails(msg.row);
      else showDetails(undefined, 'This event is not in the timeline any more.');
      break;
    case 'error':
      if (msg.requestId !== undefined) {
        pendingPages.delete(msg.requestId);
        if (msg.requestId === histogramRequest) histogramRequest = 0;
        updateBusy();
      }
      errorBanner.textContent = msg.message;
      errorBanner.hidden = false;
      break;
  }
});

renderChips();
syncFields();
updateBusy();
host.post({ type: 'ready' });
