// A searchable picker: a toolkit text field with a list of matching items under it (the
// toolkit has no combobox). Used for containers, pods, namespaces and event types.
import { el } from './dom.js';
import { textField, type TextFieldElement } from './toolkit.js';

export interface PickerItem<T> {
  /** What the user reads and searches. */
  label: string;
  detail?: string;
  /** A kind shown before the label (e.g. "workload"), so entries of different kinds are told apart. */
  kind?: string;
  value: T;
}

/** 0: a whole name segment equals the query; 1: a segment starts with it; 2: it is inside; -1: no match. */
export function matchRank(label: string, query: string): number {
  const l = label.toLowerCase();
  if (!query) return 2;
  if (!l.includes(query)) return -1;
  const segments = l.split(/[/ ]/);
  if (segments.includes(query)) return 0;
  return segments.some((s) => s.startsWith(query)) ? 1 : 2;
}

const MAX_SHOWN = 200;

export class Picker<T> {
  readonly root: HTMLElement;
  readonly field: TextFieldElement;
  private readonly list: HTMLElement;
  private items: PickerItem<T>[] = [];
  private shown: PickerItem<T>[] = [];
  private active = 0;

  constructor(
    private readonly opts: { id: string; placeholder: string; label: string; onPick: (value: T) => void },
  ) {
    this.field = textField({ id: opts.id, placeholder: opts.placeholder, label: opts.label });
    this.list = el('div', { class: 'kfs-picker-list', attrs: { role: 'listbox', id: `${opts.id}-list`, 'aria-label': opts.label } });
    this.list.hidden = true;
    this.root = el('div', { class: 'kfs-picker' }, this.field, this.list);
    this.field.setAttribute('aria-controls', `${opts.id}-list`);
    this.field.addEventListener('input', () => this.open());
    this.field.addEventListener('focusin', () => this.open());
    this.field.addEventListener('focusout', () => setTimeout(() => this.close(), 150));
    this.field.addEventListener('keydown', (e: KeyboardEvent) => this.onKey(e));
    // Keep the focus in the field while an item is clicked.
    this.list.addEventListener('pointerdown', (e) => e.preventDefault());
    this.list.addEventListener('click', (e) => {
      const item = (e.target as HTMLElement).closest<HTMLElement>('[data-k]');
      if (item) this.pick(Number(item.dataset.k));
    });
  }

  setItems(items: PickerItem<T>[]): void {
    this.items = items;
    if (!this.list.hidden) this.open();
  }

  private open(): void {
    const q = (this.field.value ?? '').toLowerCase();
    // Exact names first, so "nginx" + Enter picks the container called nginx.
    this.shown = this.items
      .map((item, k) => ({ item, k, rank: matchRank(item.label, q) }))
      .filter((x) => x.rank >= 0)
      .sort((a, b) => a.rank - b.rank || a.k - b.k)
      .map((x) => x.item);
    const more = this.shown.length - MAX_SHOWN;
    this.shown = this.shown.slice(0, MAX_SHOWN);
    this.active = 0;
    this.list.replaceChildren(
      ...this.shown.map((item, k) =>
        el('div', { class: 'kfs-picker-item', attrs: { role: 'option', 'data-k': String(k), ...(item.kind ? { 'data-kind': item.kind } : {}) } }, item.kind ? el('span', { class: 'kfs-picker-kind', text: item.kind }) : null, el('span', { class: 'kfs-picker-label', text: item.label }), item.detail ? el('span', { class: 'kfs-picker-detail', text: item.detail }) : null),
      ),
      ...(this.shown.length === 0 ? [el('div', { class: 'kfs-picker-none', text: 'No match' })] : []),
      ...(more > 0 ? [el('div', { class: 'kfs-picker-none', text: `${more} more: type to narrow` })] : []),
    );
    this.highlight();
    this.list.hidden = false;
  }

  private close(): void {
    this.list.hidden = true;
  }

  private highlight(): void {
    [...this.list.querySelectorAll<HTMLElement>('[data-k]')].forEach((n, k) => {
      n.classList.toggle('kfs-active', k === this.active);
      n.setAttribute('aria-selected', String(k === this.active));
      if (k === this.active) n.scrollIntoView?.({ block: 'nearest' });
    });
  }

  private pick(k: number): void {
    const item = this.shown[k];
    if (!item) return;
    this.field.value = '';
    this.close();
    this.opts.onPick(item.value);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (this.list.hidden) this.open();
      this.active = Math.max(0, Math.min(this.shown.length - 1, this.active + (e.key === 'ArrowDown' ? 1 : -1)));
      this.highlight();
      e.preventDefault();
    } else if (e.key === 'Enter') {
      if (!this.list.hidden) this.pick(this.active);
      e.preventDefault();
    } else if (e.key === 'Escape') {
      this.close();
    }
  }
}
