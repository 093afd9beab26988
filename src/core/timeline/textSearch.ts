// Free text over the store, with rows.ts matchesText's meaning: a case-insensitive substring of
// any text column or any text value in Details. Interned columns are tested once per distinct
// value; per-row strings are lowercased once and kept (as a few long strings, lowerText.ts),
// because typing asks again and again, and each query scans them once into a flag per row.
import { tableByName } from '../schema/tables.js';
import { LowerText } from './lowerText.js';
import { TEXT_SEARCH_COLUMNS, detailText, textDetailColumns } from './rows.js';
import { LOG, type Store } from './store.js';
import { NON_UTF8, SUMMARY_DIFFERS, type LogTextColumn } from './logRows.js';

type TextColumn = (typeof TEXT_SEARCH_COLUMNS)[number];
type RowTest = (p: number) => boolean;

/** Lowercased copies of per-row text, built on the first search that needs them. */
export class TextCaches {
  genericSummary?: LowerText;
  genericDetails?: LowerText;
  genericTables?: string[];
  logMessage?: LowerText;
}

const FIELD_SEPARATOR = '\u0000';

/** A test of rows for the text; `asked`: how many rows it will be asked about, at most (a filter's candidates). */
export function textMatcher(s: Store, caches: TextCaches, text: string, asked: number): RowTest {
  const needle = text.toLowerCase();
  // A column none of whose values holds the text is left out (the usual case for interned ones).
  const columns = TEXT_SEARCH_COLUMNS.map((c) => COLUMN_TESTS[c](s, caches, needle, asked)).filter((t): t is RowTest => t !== null);
  const generic = genericDetailsTest(s, caches, needle, asked);
  const log = logDetailsTest(s, needle);
  const { kind, ref } = s.cols;
  return (p) => {
    for (const t of columns) if (t(p)) return true;
    return kind[p] === LOG ? log(ref[p]!) : generic(ref[p]!);
  };
}

const flagsOf = (values: readonly string[], needle: string) => Uint8Array.from(values, (v) => (v.toLowerCase().includes(needle) ? 1 : 0));

function interned(values: (s: Store) => readonly string[], ids: (s: Store) => Uint32Array) {
  return (s: Store, _c: TextCaches, needle: string): RowTest | null => {
    const flags = flagsOf(values(s), needle);
    if (!flags.includes(1)) return null;
    const col = ids(s);
    return (p) => flags[col[p]!] === 1;
  };
}

// Every text column has its test; the Record type makes a new one in the schema fail to compile here.
const COLUMN_TESTS: Record<TextColumn, (s: Store, c: TextCaches, needle: string, asked: number) => RowTest | null> = {
  SourceTable: interned((s) => s.dicts.table.values, (s) => s.cols.table),
  EventType: interned((s) => s.dicts.eventType.values, (s) => s.cols.eventType),
  Cluster: interned((s) => s.dicts.cluster.values, (s) => s.cols.cluster),
  Namespace: interned((s) => s.dicts.ns.values, (s) => s.cols.ns),
  PodName: interned((s) => s.dicts.pod.parts.map((p) => p[1]!), (s) => s.cols.pod),
  ContainerName: interned((s) => s.dicts.container.parts.map((p) => p[2]!), (s) => s.cols.container),
  Severity: interned((s) => s.dicts.severity.values, (s) => s.cols.severity),
  TechniqueId: interned((s) => s.dicts.technique.values, (s) => s.cols.technique),
  Summary: summaryTest,
};

function summaryTest(s: Store, caches: TextCaches, needle: string, asked: number): RowTest {
  const summaries = s.generic.summary;
  const generic = (caches.genericSummary ??= new LowerText(summaries.length, (r) => summaries[r]!)).tester(needle, asked);
  const messages = (caches.logMessage ??= new LowerText(s.logs.length, (r) => s.logs.message(r))).tester(needle, asked);
  const { kind, ref } = s.cols;
  return (p) => {
    const r = ref[p]!;
    if (kind[p] !== LOG) return generic(r);
    // A summary is its message unless the message held tabs or was cut (SUMMARY_DIFFERS).
    return messages(r) || ((s.logs.flags(r) & SUMMARY_DIFFERS) !== 0 && s.logs.summary(r).toLowerCase().includes(needle));
  };
}

/** Details of generic rows: every text value of the row, lowercased and joined once. */
function genericDetailsTest(s: Store, caches: TextCaches, needle: string, asked: number): (ref: number) => boolean {
  const tables = (caches.genericTables ??= detailTables(s));
  if (needle.includes(FIELD_SEPARATOR)) return (r) => detailValues(s, tables[r]!, r).some((v) => v.toLowerCase().includes(needle));
  const joined = (caches.genericDetails ??= new LowerText(tables.length, (r) => detailValues(s, tables[r]!, r).join(FIELD_SEPARATOR)));
  return joined.tester(needle, asked);
}

/** The source table of each generic row, by its ref. */
function detailTables(s: Store): string[] {
  const out = new Array<string>(s.generic.details.length);
  const { kind, ref, table } = s.cols;
  for (let p = 0; p < s.cols.n; p++) if (kind[p] !== LOG) out[ref[p]!] = s.dicts.table.values[table[p]!]!;
  return out;
}

function detailValues(s: Store, table: string, r: number): string[] {
  const def = tableByName(table);
  const d = s.generic.details[r]!;
  const out: string[] = [];
  for (const c of def ? textDetailColumns(def) : []) {
    const v = detailText(d[c.name]);
    if (v !== null) out.push(v);
  }
  return out;
}

/**
 * Details of log rows: the container's values once per stream, the exact bytes only on rows that
 * are not UTF-8. The Message is the Summary test's (a log row's Summary is built from it).
 */
function logDetailsTest(s: Store, needle: string): (ref: number) => boolean {
  const streams = s.logs.streams;
  const perStream = (get: (i: number) => string) => flagsOf(streams.map((_, i) => get(i)), needle);
  const tests: Record<LogTextColumn, ((r: number) => boolean) | 'summary' | null> = {
    Message: 'summary',
    ContainerKind: streamFlag(s, perStream((i) => streams[i]!.info.kind)),
    Image: streamFlag(s, perStream((i) => streams[i]!.info.image)),
    NodeName: streamFlag(s, perStream((i) => streams[i]!.info.node)),
    MessageBase64: (r) => (s.logs.flags(r) & NON_UTF8) !== 0 && (s.logs.base64.get(r) ?? '').toLowerCase().includes(needle),
  };
  const list = Object.values(tests).filter((t): t is (r: number) => boolean => typeof t === 'function');
  return (r) => {
    for (const t of list) if (t(r)) return true;
    return false;
  };
}

function streamFlag(s: Store, flags: Uint8Array): ((r: number) => boolean) | null {
  return flags.includes(1) ? (r) => flags[s.logs.streamIndex(r)] === 1 : null;
}
