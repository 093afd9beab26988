// `summarize` for the emulator's KQL evaluator: aggregations (count, countif, dcount, min, max,
// sum, make_set) optionally by grouping expressions (bin(TimeGenerated, 1h), Category, ...): what
// a client sends to size a query before paging it by time windows.
import { KqlEvalError, cmpValues, toJson, truthy, type Column, type Result, type Row, type Value } from './kqlValues.js';

export interface TypedExprLike {
  ev: (row: Row) => Value;
  type: (cols: Map<string, string>) => string;
  name?: string;
}

/** The parser operations summarize needs (the evaluator's Parser provides them). */
export interface SummarizeParser {
  peek(o?: number): { k: string; v: string };
  next(): { k: string; v: string };
  isOp(v: string): boolean;
  isId(v: string): boolean;
  expectOp(v: string): void;
  expr(): TypedExprLike;
  name(): string;
  peekAssign(): boolean;
}

type Agg = { init: () => unknown; add: (acc: unknown, args: Value[]) => unknown; done: (acc: unknown) => Value; type: (args: TypedExprLike[], c: Map<string, string>) => string };

const pick = (better: (c: number) => boolean): Agg => ({
  init: () => null,
  add: (acc, [v]) => (v === null || v === undefined ? acc : acc === null || better(cmpValues(v, acc as Value) ?? 0) ? v : acc),
  done: (acc) => acc as Value,
  type: (a, c) => a[0]!.type(c),
});

const AGGS: Record<string, Agg> = {
  count: { init: () => 0, add: (n) => (n as number) + 1, done: (n) => n as number, type: () => 'long' },
  countif: { init: () => 0, add: (n, [p]) => (n as number) + (truthy(p!) ? 1 : 0), done: (n) => n as number, type: () => 'long' },
  dcount: { init: () => new Set<string>(), add: (s, [v]) => (v === null ? s : (s as Set<string>).add(JSON.stringify(toJson(v!)))), done: (s) => (s as Set<string>).size, type: () => 'long' },
  sum: { init: () => 0, add: (n, [v]) => (n as number) + (typeof v === 'number' ? v : 0), done: (n) => n as number, type: (a, c) => a[0]!.type(c) },
  min: pick((c) => c < 0),
  max: pick((c) => c > 0),
  make_set: { init: () => new Map<string, Value>(), add: (m, [v]) => (v === null ? m : (m as Map<string, Value>).set(JSON.stringify(toJson(v!)), v!)), done: (m) => [...(m as Map<string, Value>).values()], type: () => 'dynamic' },
};

interface Item {
  name: string;
  agg: Agg;
  args: TypedExprLike[];
}

function aggItem(p: SummarizeParser, index: number): Item {
  let name: string | undefined;
  if (p.peekAssign()) {
    name = p.name();
    p.expectOp('=');
  }
  const fn = p.next();
  const agg = AGGS[fn.v];
  if (fn.k !== 'id' || !agg) throw new KqlEvalError(`the emulator does not evaluate the aggregation ${fn.v}`);
  p.expectOp('(');
  const args: TypedExprLike[] = [];
  if (!p.isOp(')')) {
    do args.push(p.expr());
    while (p.isOp(',') && p.next());
  }
  p.expectOp(')');
  const firstArg = args[0]?.name;
  return { name: name ?? (fn.v === 'count' ? 'count_' : `${fn.v}_${firstArg ?? index}`), agg, args };
}

/** Parses and evaluates `summarize agg, ... [by key, ...]` over the input. */
export function summarize(p: SummarizeParser, input: Result, types: Map<string, string>): Result {
  const items: Item[] = [];
  do items.push(aggItem(p, items.length));
  while (p.isOp(',') && p.next());
  const keys: { name: string; e: TypedExprLike }[] = [];
  if (p.isId('by')) {
    p.next();
    do {
      let name: string | undefined;
      if (p.peekAssign()) {
        name = p.name();
        p.expectOp('=');
      }
      const e = p.expr();
      keys.push({ name: name ?? e.name ?? `Column${keys.length + 1}`, e });
    } while (p.isOp(',') && p.next());
  }
  const groups = new Map<string, { key: Value[]; accs: unknown[] }>();
  for (const row of input.rows) {
    const key = keys.map((k) => k.e.ev(row));
    const id = JSON.stringify(key.map((v) => toJson(v)));
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, accs: items.map((i) => i.agg.init()) }));
    items.forEach((it, n) => (g!.accs[n] = it.agg.add(g!.accs[n], it.args.map((a) => a.ev(row)))));
  }
  // Without "by", Kusto answers one row even for no input.
  if (!keys.length && !groups.size) groups.set('[]', { key: [], accs: items.map((i) => i.agg.init()) });
  const columns: Column[] = [...keys.map((k) => ({ name: k.name, type: k.e.type(types) })), ...items.map((i) => ({ name: i.name, type: i.agg.type(i.args, types) }))];
  const rows: Row[] = [...groups.values()].map((g) => {
    const r: Row = {};
    keys.forEach((k, n) => (r[k.name] = g.key[n] ?? null));
    items.forEach((it, n) => (r[it.name] = it.agg.done(g.accs[n])));
    return r;
  });
  return { columns, rows };
}
