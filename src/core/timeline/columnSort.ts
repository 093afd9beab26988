// Sorting by a column: the matches ordered by the column's value, ties in timeline order.
// Interned columns sort by counting (their values are ranked once, the order of all rows kept
// and filtered by each new match set); the text columns (Summary, RecordId) by an order refined
// as the grid reads it (stringOrder.ts), so the first window of a million rows costs one pass
// over the column's lead keys (leadKeys.ts: its first characters, read once in load order and
// kept) instead of one over the strings in timeline order.
import { TL, type SortColumn } from '../schema/timeline.js';
import type { TimelineSort } from './source.js';
import { matchAt, matchCount, type Matches, type SortedMatches } from './positions.js';
import { rankOf } from './order.js';
import { LOG, recordIdAt, summaryAt, type Store } from './store.js';
import { Concat, LazyStringOrder, ListOrder, Reversed, type Ordered } from './stringOrder.js';
import { textColumnOf, type Recorded, type TextColumn as ColumnText, type TextPart } from './leadKeys.js';
import { keptU32 } from './keptArrays.js';

type TextColumn = typeof TL.Summary | typeof TL.RecordId;
type IdColumn = Exclude<SortColumn, typeof TL.Time | TextColumn>;

/** A column's lead keys are built for a sort of at least this share of the rows (a smaller match set reads its few strings directly). */
const LEAD_SHARE = 1 / 8;
/** Where a generic row's RecordId falls against the log rows' prefix P. */
const BEFORE_LOGS = 0;
const AFTER_LOGS = 1;
/** Starts with P (not an id this tool writes for another table): ordered id by id with the log rows. */
const LIKE_LOGS = 2;

export class ColumnOrders {
  private readonly orders = new Map<IdColumn, Uint32Array>();
  /** The text orders of all rows, kept while they are refined (sorting the whole timeline again reuses them). */
  private readonly allRows = new Map<TextColumn, Ordered>();
  private readonly texts = new Map<TextColumn, ColumnText>();
  /** Each generic row's RecordId against the log prefix (BEFORE_LOGS, AFTER_LOGS, LIKE_LOGS), by generic index. */
  private idSides: Uint8Array | undefined;
  constructor(private readonly s: Store) {}

  /** The matches in the sort's order; descending is the exact reverse of ascending. */
  sorted(m: Matches, sort: TimelineSort): SortedMatches {
    const total = matchCount(m);
    if (sort.column === TL.Time) return sort.descending ? { kind: 'list', pos: reversed(m, total) } : m;
    if (sort.column === TL.Summary || sort.column === TL.RecordId) {
      const all = total === this.s.cols.n;
      let order = all ? this.allRows.get(sort.column) : undefined;
      if (!order) order = sort.column === TL.Summary ? new LazyStringOrder(positionsOf(m), (p) => summaryAt(this.s, p), this.textOf(TL.Summary, total), all) : this.recordIdOrder(m, all);
      if (all) this.allRows.set(sort.column, order);
      return { kind: 'ordered', order: sort.descending ? new Reversed(order) : order };
    }
    const order = this.order(sort.column);
    // Every row matched, ascending: the column's order is the answer (read only), no copy of it.
    if (total === this.s.cols.n && !sort.descending) return { kind: 'list', pos: order };
    const inMatch = new Uint8Array(this.s.cols.n);
    for (let k = 0; k < total; k++) inMatch[matchAt(m, k)] = 1;
    const out = new Uint32Array(total);
    let o = 0;
    for (let i = 0; i < order.length; i++) if (inMatch[order[i]!]) out[o++] = order[i]!;
    if (sort.descending) out.reverse();
    return { kind: 'list', pos: out };
  }

  private order(column: IdColumn): Uint32Array {
    let o = this.orders.get(column);
    if (!o) this.orders.set(column, (o = this.compute(column)));
    return o;
  }

  private compute(column: IdColumn): Uint32Array {
    const { cols: c, dicts: d } = this.s;
    const byValue: Record<IdColumn, () => Uint32Array> = {
      TimeSource: () => countingSort(c.timeSource, rankOf(d.timeSource.values)),
      SourceTable: () => countingSort(c.table, rankOf(d.table.values)),
      EventType: () => countingSort(c.eventType, rankOf(d.eventType.values)),
      Cluster: () => countingSort(c.cluster, rankOf(d.cluster.values)),
      Namespace: () => countingSort(c.ns, rankOf(d.ns.values)),
      PodName: () => countingSort(c.pod, rankOf(d.pod.parts.map((p) => p[1]!))),
      ContainerName: () => countingSort(c.container, rankOf(d.container.parts.map((p) => p[2]!))),
      Severity: () => countingSort(c.severity, rankOf(d.severity.values)),
      TechniqueId: () => countingSort(c.technique, rankOf(d.technique.values)),
    };
    return byValue[column]();
  }

  /** The column's strings in load order and lead keys, built once when a sort covers most rows. */
  private textOf(column: TextColumn, matched: number): ColumnText | undefined {
    let text = this.texts.get(column);
    if (!text && matched >= this.s.cols.n * LEAD_SHARE) this.texts.set(column, (text = textColumnOf(this.textParts(column), this.s.cols.n, column === TL.RecordId, this.recorded(column))));
    return text;
  }

  /** The column's strings in load order with their positions: Summary of every row, RecordId of the generic rows (log rows order by their index). */
  private textParts(column: TextColumn): TextPart[] {
    const { generic, logs, positions } = this.s;
    const values = column === TL.Summary ? generic.summary : generic.recordId;
    const parts: TextPart[] = [{ length: values.length, text: (i) => values[i]!, position: positions.generic }];
    if (column === TL.Summary) parts.push({ length: logs.length, text: (i) => logs.summary(i), position: positions.log });
    return parts;
  }

  /** The column's lead keys recorded at load (Summary only). */
  private recorded(column: TextColumn): Recorded | undefined {
    return column === TL.Summary ? { lead: this.s.summaryLead, at: (p) => summaryAt(this.s, p) } : undefined;
  }

  /**
   * RecordId order of the matches. Log rows all share one prefix and number in 9 digits (their
   * own order), so only the other rows' ids are ordered as strings; an id that does not start
   * with the log prefix P compares with every P+digits as it does with P itself, so the log rows
   * go in one block between the ids below P and the others (no id string built per log row).
   * Which side of P each generic id falls is found once, in load order (sides()).
   */
  private recordIdOrder(m: Matches, kept: boolean): Ordered {
    const s = this.s;
    const total = matchCount(m);
    const text = (p: number) => recordIdAt(s, p);
    // No log row at all: the matches are one order of ids.
    if (s.logs.length === 0) return new LazyStringOrder(positionsOf(m), text, this.textOf(TL.RecordId, total), kept);
    const { kind, ref } = s.cols;
    const side = this.sides();
    const inMatch = new Uint8Array(s.cols.n);
    const before = new Uint32Array(total);
    const after = new Uint32Array(total);
    let [nb, na, clash] = [0, 0, false];
    for (let k = 0; k < total; k++) {
      const p = matchAt(m, k);
      if (kind[p] === LOG) {
        inMatch[p] = 1;
        continue;
      }
      const c = side[ref[p]!]!;
      if (c === BEFORE_LOGS) before[nb++] = p;
      else {
        clash ||= c === LIKE_LOGS;
        after[na++] = p;
      }
    }
    const logs = this.logsInIdOrder(inMatch);
    const lead = this.textOf(TL.RecordId, total);
    // With no log row matched, the two blocks are the whole order even when an id starts like a log row's.
    if (!clash || logs.length === 0) return new Concat([new LazyStringOrder(before.slice(0, nb), text, lead, kept), new ListOrder(logs), new LazyStringOrder(after.slice(0, na), text, lead, kept)]);
    // Another row's id starts like a log row's (not one this tool writes): merge the two orders id by id.
    const generic = new LazyStringOrder(Uint32Array.from([...before.subarray(0, nb), ...after.subarray(0, na)].sort((a, b) => a - b)), text, lead, kept);
    return new ListOrder(mergeById(s, generic, logs));
  }

  private sides(): Uint8Array {
    if (!this.idSides) {
      const ids = this.s.generic.recordId;
      const prefix = this.s.logs.prefix;
      const side = new Uint8Array(ids.length);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        side[i] = id < prefix ? BEFORE_LOGS : id.startsWith(prefix) ? LIKE_LOGS : AFTER_LOGS;
      }
      this.idSides = side;
    }
    return this.idSides;
  }

  /** The matched log rows by their index, which is their RecordId order. */
  private logsInIdOrder(inMatch: Uint8Array): Uint32Array {
    const out: number[] = [];
    for (const p of this.s.positions.log) if (inMatch[p]) out.push(p);
    return Uint32Array.from(out);
  }
}

function reversed(m: Matches, total: number): Uint32Array {
  const out = new Uint32Array(total);
  for (let k = 0; k < total; k++) out[total - 1 - k] = matchAt(m, k);
  return out;
}

/** Positions by the rank of their value id, stable (equal values keep timeline order). Ranks of equal strings are distinct ids only when the strings differ. */
function countingSort(ids: Uint32Array, rank: Uint32Array): Uint32Array {
  const start = new Uint32Array(rank.length + 1);
  for (let i = 0; i < ids.length; i++) start[rank[ids[i]!]! + 1]!++;
  for (let k = 0; k < rank.length; k++) start[k + 1]! += start[k]!;
  const out = keptU32(ids.length);
  for (let i = 0; i < ids.length; i++) out[start[rank[ids[i]!]!]!++] = i;
  return out;
}

/** Merges the generic rows' RecordId order with the log rows' (ties: the earlier position first). */
function mergeById(s: Store, generic: Ordered, logs: Uint32Array): Uint32Array {
  const out = new Uint32Array(generic.length + logs.length);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < generic.length && j < logs.length) {
    const gp = generic.at(i);
    const a = recordIdAt(s, gp);
    const b = recordIdAt(s, logs[j]!);
    out[o++] = a < b || (a === b && gp < logs[j]!) ? (i++, gp) : logs[j++]!;
  }
  while (i < generic.length) out[o++] = generic.at(i++);
  while (j < logs.length) out[o++] = logs[j++]!;
  return out;
}

/** Every position 0…n-1, shared by the orders of all rows (read only). */
let identity: Uint32Array = keptU32(0);

/** The matched positions as an ascending array. */
function positionsOf(m: Matches): Uint32Array {
  if (m.kind === 'list') return m.pos;
  if (m.lo === 0) {
    if (identity.length < m.hi) {
      identity = keptU32(m.hi);
      for (let k = 0; k < m.hi; k++) identity[k] = k;
    }
    return identity.subarray(0, m.hi);
  }
  const out = new Uint32Array(m.hi - m.lo);
  for (let k = 0; k < out.length; k++) out[k] = m.lo + k;
  return out;
}
