// The Details pane under the grid: the selected row as JSON, the filters it offers (its pod, its
// container, everything around it), and the analyst's marks on it: star, tags (presets and free
// text) and comments. Marks are saved by the host in the case file beside the bundle. A line of
// a multi-line log entry (a stack trace grouped under its first line) also shows the entry's
// whole text, as logged, whichever of its lines is selected.
import type { TimelineRow } from '../src/core/schema/timeline.js';
import type { MarkEdit, RowMark } from '../src/core/timeline/marks.js';
import type { EntryText } from '../src/core/timeline/source.js';
import { PRESET_TAGS } from '../src/core/timeline/marks.js';
import { el } from './dom.js';
import { formatTime, timeMark, zoneLabel, type TimeZoneMode } from './format.js';
import { button, textField, type ButtonElement } from './toolkit.js';

export interface DetailsCallbacks {
  filterPod(row: TimelineRow): void;
  filterContainer(row: TimelineRow): void;
  around(row: TimelineRow, minutes: number): void;
  mark(row: TimelineRow, edit: MarkEdit): void;
  close(): void;
}

export class DetailsPane {
  readonly root: HTMLElement;
  private readonly title = el('div', { class: 'kfs-details-title' });
  private readonly when = el('div', { class: 'kfs-details-when' });
  private readonly json = el('pre', { class: 'kfs-json', attrs: { tabindex: '0', 'aria-label': 'Event details as JSON' } });
  private readonly entryTitle = el('div', { class: 'kfs-details-when kfs-entry-title' });
  private readonly entryText = el('pre', { class: 'kfs-entry-text', attrs: { tabindex: '0', 'aria-label': 'The whole multi-line entry' } });
  private readonly entryBox = el('section', { class: 'kfs-entry-details', attrs: { 'aria-label': 'Multi-line entry' } }, this.entryTitle, this.entryText);
  private readonly starButton: ButtonElement;
  private readonly presetBar = el('span', { class: 'kfs-presets' });
  private readonly tagList = el('span', { class: 'kfs-tags', attrs: { role: 'list', 'aria-label': 'Tags' } });
  private readonly tagField = textField({ id: 'kfs-tag-input', placeholder: 'Tag…', label: 'Add a tag' });
  private readonly comments = el('ul', { class: 'kfs-comments', attrs: { 'aria-label': 'Comments' } });
  private readonly commentField = textField({ id: 'kfs-comment-input', placeholder: 'Comment…', label: 'Add a comment' });
  private readonly aroundField = textField({ id: 'kfs-around-minutes', placeholder: 'min', label: 'Minutes around the event' });
  private readonly podButton: ButtonElement;
  private readonly containerButton: ButtonElement;
  private row: TimelineRow | undefined;
  private mark: RowMark | undefined;

  constructor(private readonly cb: DetailsCallbacks, aroundMinutes: number) {
    const withRow = (f: (r: TimelineRow) => void) => () => this.row && f(this.row);
    this.podButton = button({ id: 'kfs-filter-pod', text: 'Filter to this pod', onClick: withRow((r) => cb.filterPod(r)) });
    this.containerButton = button({ id: 'kfs-filter-container', text: 'Filter to this container', onClick: withRow((r) => cb.filterContainer(r)) });
    this.aroundField.value = String(aroundMinutes);
    const around = button({ id: 'kfs-around', text: 'Everything ± minutes around it', onClick: withRow((r) => cb.around(r, this.aroundMinutes())) });
    this.starButton = button({ id: 'kfs-star', text: '☆ Star', onClick: withRow((r) => cb.mark(r, { op: 'star', starred: !this.mark?.starred })) });
    const addTag = button({ id: 'kfs-add-tag', text: 'Add tag', secondary: true, onClick: () => this.addTag() });
    const addComment = button({ id: 'kfs-add-comment', text: 'Add comment', secondary: true, onClick: () => this.addComment() });
    this.tagField.addEventListener('keydown', (e: KeyboardEvent) => e.key === 'Enter' && this.addTag());
    this.commentField.addEventListener('keydown', (e: KeyboardEvent) => e.key === 'Enter' && this.addComment());
    const close = button({ id: 'kfs-close-details', text: 'Close', secondary: true, onClick: () => cb.close() });
    const actions = el('div', { class: 'kfs-details-actions' }, this.podButton, this.containerButton, this.aroundField, around, close);
    const marks = el('div', { class: 'kfs-details-marks' }, this.starButton, this.presetBar, this.tagList, this.tagField, addTag);
    const notes = el('div', { class: 'kfs-details-notes' }, this.comments, el('div', { class: 'kfs-comment-row' }, this.commentField, addComment));
    this.root = el('aside', { class: 'kfs-details', attrs: { 'aria-label': 'Event details' } }, el('div', { class: 'kfs-details-head' }, this.title, this.when, actions, marks, notes), this.entryBox, this.json);
    this.entryBox.hidden = true;
    this.root.hidden = true;
  }

  get shown(): TimelineRow | undefined {
    return this.row;
  }

  aroundMinutes(): number {
    const n = Number((this.aroundField.value ?? '').trim());
    return Number.isFinite(n) && n > 0 && n <= 1440 ? n : 5;
  }

  /** `entry`: the whole text of the multi-line entry the row belongs to, when it belongs to one. */
  show(row: TimelineRow | undefined, mark: RowMark | undefined, zone: TimeZoneMode, message?: string, entry?: EntryText): void {
    this.row = row;
    this.root.hidden = false;
    this.title.textContent = row ? row.Summary || row.EventType : (message ?? '');
    const m = row ? timeMark(row.TimeSource) : undefined;
    this.when.textContent = row && m ? `${row.Time ? `${formatTime(row.Time, zone)} ${zoneLabel(zone, Date.parse(row.Time.slice(0, 23) + 'Z'))}` : 'No time'} · ${m.meaning}` : '';
    this.json.textContent = row ? JSON.stringify(row, null, 2) : '';
    this.showEntry(row ? entry : undefined);
    this.podButton.disabled = !row?.PodName;
    this.containerButton.disabled = !row?.ContainerName;
    this.setMark(mark);
  }

  private showEntry(entry: EntryText | undefined): void {
    this.entryBox.hidden = !entry;
    if (!entry) return;
    const shown = entry.lines - entry.omitted;
    // What is left out is said: the pane never shows part of an entry as if it were all of it.
    this.entryTitle.textContent = `Entry of ${entry.lines} lines` + (entry.omitted ? ` (the first ${shown} shown, ${entry.omitted} more in the evidence)` : '');
    this.entryText.textContent = entry.text;
  }

  setMark(mark: RowMark | undefined): void {
    this.mark = mark;
    const starred = !!mark?.starred;
    this.starButton.textContent = starred ? '★ Starred' : '☆ Star';
    this.starButton.setAttribute('aria-pressed', String(starred));
    const tags = mark?.tags ?? [];
    this.presetBar.replaceChildren(
      ...PRESET_TAGS.map((t) => {
        const on = tags.includes(t);
        const b = el('button', { class: `kfs-preset${on ? ' kfs-on' : ''}`, text: t, attrs: { type: 'button', 'aria-pressed': String(on), 'data-tag': t } });
        b.addEventListener('click', () => this.row && this.cb.mark(this.row, on ? { op: 'removeTag', tag: t } : { op: 'addTag', tag: t }));
        return b;
      }),
    );
    this.tagList.replaceChildren(...tags.filter((t) => !(PRESET_TAGS as readonly string[]).includes(t)).map((t) => this.tagChip(t)));
    this.comments.replaceChildren(...(mark?.comments ?? []).map((c) => el('li', {}, el('span', { class: 'kfs-comment-by', text: `${c.by} · ${c.at.slice(0, 16).replace('T', ' ')}Z: ` }), el('span', { class: 'kfs-comment-text', text: c.text }))));
  }

  private tagChip(tag: string): HTMLElement {
    const remove = el('button', { class: 'kfs-chip-remove', text: '×', attrs: { type: 'button', 'aria-label': `Remove tag ${tag}` } });
    remove.addEventListener('click', () => this.row && this.cb.mark(this.row, { op: 'removeTag', tag }));
    return el('span', { class: 'kfs-chip kfs-tag', attrs: { role: 'listitem' } }, el('span', { class: 'kfs-chip-label', text: tag }), remove);
  }

  private addTag(): void {
    const tag = (this.tagField.value ?? '').trim();
    if (!tag || !this.row) return;
    this.cb.mark(this.row, { op: 'addTag', tag: tag.slice(0, 100) });
    this.tagField.value = '';
  }

  private addComment(): void {
    const text = (this.commentField.value ?? '').trim();
    if (!text || !this.row) return;
    this.cb.mark(this.row, { op: 'comment', text: text.slice(0, 4000) });
    this.commentField.value = '';
  }

  hide(): void {
    this.row = undefined;
    this.root.hidden = true;
  }
}
