// Multi-line entries among container log rows that arrived as timeline rows (a workspace query
// result, or rows given directly): the same rule (entries.ts) over the same values, per stream
// (a container's current or previous log) in line order, so a workspace timeline groups its
// stack traces as the bundle's does.
import type { ContainerLogRow } from '../schema/tables.js';
import type { CommonRow } from '../schema/columns.js';
import { EntryGrouper } from './entries.js';
import { GENERIC, type GenericRows, type RowColumns } from './store.js';

type LogDetails = Partial<Omit<ContainerLogRow, keyof CommonRow>>;

/** Entry heads (by position) of the generic rows of table id `logsTable`, written into `head` where an entry has two or more lines. */
export function groupGenericLogRows(cols: RowColumns, generic: GenericRows, logsTable: number, head: Int32Array, lines: Uint32Array): void {
  const streams = new Map<number, number[]>();
  for (let p = 0; p < cols.n; p++) {
    if (cols.kind[p] !== GENERIC || cols.table[p] !== logsTable) continue;
    const d = generic.details[cols.ref[p]!] as LogDetails;
    const key = cols.container[p]! * 2 + (d.Previous === true ? 1 : 0);
    const list = streams.get(key);
    if (list) list.push(p);
    else streams.set(key, [p]);
  }
  const grouper = new EntryGrouper();
  const detailsAt = (p: number) => generic.details[cols.ref[p]!] as LogDetails;
  const lineOf = (p: number) => (typeof detailsAt(p).LineNumber === 'number' ? detailsAt(p).LineNumber! : Number.MAX_SAFE_INTEGER);
  for (const list of streams.values()) {
    // Line order within the stream; positions (timeline order) break ties.
    list.sort((a, b) => lineOf(a) - lineOf(b) || a - b);
    grouper.reset();
    const heads = list.map((p) => {
      const d = detailsAt(p);
      const message = typeof d.Message === 'string' ? d.Message : generic.summary[cols.ref[p]!]!;
      const part = typeof d.LinePart === 'number' ? d.LinePart : 0;
      return grouper.next(p, message, cols.ms[p]!, d.TimestampParsed !== false, part);
    });
    const size = new Map<number, number>();
    for (const h of heads) size.set(h, (size.get(h) ?? 0) + 1);
    list.forEach((p, i) => {
      const h = heads[i]!;
      if (size.get(h)! < 2) return;
      head[p] = h;
      lines[h] = size.get(h)!;
    });
  }
}
