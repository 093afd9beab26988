// Small popovers: the row's context menu (copy, star, around), the column chooser (show, hide,
// move) and the saved views. Built from DOM nodes and text only; Escape or a click elsewhere closes.
import { el } from './dom.js';
import { COLUMN_DEFS, columnDef, moveColumn, normalizeLayout, setHidden, type ColumnLayout } from './columns.js';
import type { SavedView } from '../src/core/timeline/marks.js';

export interface MenuItem {
  label: string;
  run: () => void;
  disabled?: boolean;
  id?: string;
}

export class Popover {
  readonly root: HTMLElement;
  private onClose: (() => void) | undefined;

  constructor(id: string, label: string) {
    this.root = el('div', { class: 'kfs-popover', attrs: { id, role: 'menu', 'aria-label': label } });
    this.root.hidden = true;
    this.root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') this.moveFocus(e.key === 'ArrowDown' ? 1 : -1, e);
    });
    document.addEventListener('pointerdown', (e) => {
      if (!this.root.hidden && !this.root.contains(e.target as Node)) this.close();
    });
  }

  get open(): boolean {
    return !this.root.hidden;
  }

  show(children: Node[], at: { x: number; y: number }, onClose?: () => void): void {
    this.root.replaceChildren(...children);
    this.root.hidden = false;
    this.onClose = onClose;
    // Kept inside the window: a menu opened near the right or bottom edge opens the other way.
    const r = this.root.getBoundingClientRect();
    this.root.style.left = `${Math.max(0, Math.min(at.x, window.innerWidth - r.width - 4))}px`;
    this.root.style.top = `${Math.max(0, Math.min(at.y, window.innerHeight - r.height - 4))}px`;
    this.root.querySelector<HTMLElement>('button:not([disabled])')?.focus();
  }

  close(): void {
    if (this.root.hidden) return;
    this.root.hidden = true;
    this.onClose?.();
  }

  private moveFocus(by: number, e: KeyboardEvent): void {
    const items = [...this.root.querySelectorAll<HTMLElement>('button:not([disabled])')];
    const i = items.indexOf(document.activeElement as HTMLElement);
    items[(i + by + items.length) % items.length]?.focus();
    e.preventDefault();
  }
}

export function menuButton(item: MenuItem, close: () => void): HTMLElement {
  const b = el('button', { class: 'kfs-menu-item', text: item.label, attrs: { type: 'button', role: 'menuitem', ...(item.id ? { id: item.id } : {}) } });
  b.disabled = !!item.disabled;
  b.addEventListener('click', () => {
    close();
    item.run();
  });
  return b;
}

/** The column chooser's rows: a checkbox to show or hide, and buttons to move left or right. */
export function columnMenu(layout: ColumnLayout[], change: (next: ColumnLayout[]) => void): Node[] {
  const rows = layout.map((c, i) => {
    const def = columnDef(c.key);
    const box = el('input', { attrs: { type: 'checkbox', id: `kfs-col-${c.key}`, 'data-col': c.key } });
    box.checked = !c.hidden || c.key === 'summary';
    box.disabled = c.key === 'summary';
    box.addEventListener('change', () => change(setHidden(layout, c.key, !box.checked)));
    const left = el('button', { class: 'kfs-icon-button', text: '↑', attrs: { type: 'button', 'aria-label': `Move ${def.title} left`, 'data-move': `${c.key}:-1` } });
    const right = el('button', { class: 'kfs-icon-button', text: '↓', attrs: { type: 'button', 'aria-label': `Move ${def.title} right`, 'data-move': `${c.key}:1` } });
    left.disabled = i === 0;
    right.disabled = i === layout.length - 1;
    left.addEventListener('click', () => change(moveColumn(layout, c.key, -1)));
    right.addEventListener('click', () => change(moveColumn(layout, c.key, 1)));
    const name = c.key === 'mark' ? 'Marks (★)' : def.title;
    return el('div', { class: 'kfs-col-choice' }, box, el('label', { text: name, attrs: { for: `kfs-col-${c.key}` } }), left, right);
  });
  const reset = el('button', { class: 'kfs-menu-item', text: 'Reset columns', attrs: { type: 'button', id: 'kfs-columns-reset' } });
  reset.addEventListener('click', () => change(normalizeLayout(undefined)));
  return [el('div', { class: 'kfs-menu-title', text: `Columns (${COLUMN_DEFS.length})` }), ...rows, reset];
}

/** The views popover: each saved view (apply, delete) and a field to save the current one. */
export function viewsMenu(views: SavedView[], cb: { apply(v: SavedView): void; remove(v: SavedView): void; save(name: string): void }, close: () => void): Node[] {
  const items = views.map((v) => {
    const apply = el('button', { class: 'kfs-menu-item', text: v.name, title: `Saved by ${v.by} at ${v.at}`, attrs: { type: 'button', 'data-view': v.name } });
    apply.addEventListener('click', () => {
      close();
      cb.apply(v);
    });
    const del = el('button', { class: 'kfs-icon-button', text: '×', attrs: { type: 'button', 'aria-label': `Delete view ${v.name}` } });
    del.addEventListener('click', () => cb.remove(v));
    return el('div', { class: 'kfs-view-choice' }, apply, del);
  });
  const name = el('input', { attrs: { type: 'text', id: 'kfs-view-name', placeholder: 'Name of this view', 'aria-label': 'Name of the view to save', maxlength: '100' } });
  const save = el('button', { class: 'kfs-menu-item', text: 'Save current view', attrs: { type: 'button', id: 'kfs-view-save' } });
  const doSave = () => {
    const n = name.value.trim();
    if (!n) return;
    close();
    cb.save(n);
  };
  save.addEventListener('click', doSave);
  name.addEventListener('keydown', (e) => e.key === 'Enter' && doSave());
  return [el('div', { class: 'kfs-menu-title', text: views.length ? 'Saved views (filter and columns)' : 'No saved views yet' }), ...items, el('div', { class: 'kfs-view-save' }, name, save)];
}
