// A small KQL evaluator for the subset this project generates (the emulator's query engine):
// union, where, extend, project, order/sort by, take/limit, top, count, summarize; timespans
// (1h, ago(), bin()), datetime arithmetic; expressions with
// and/or/not, == != < <= > >=, in/!in, contains/!contains, has/!has, between, =~, + -,
// member access and indexing, and the functions the timeline builder uses. Queries are
// validated by the Kusto language service before they get here, so errors are blunt.

import {
  KDate, KSpan, KqlEvalError, cmpValues, dateMs, equal, kdateFromMs, kustoDatetimeText, spanUnitMs, toJson, toKqlString, truthy,
  type Column, type Result, type Row, type Source, type Value,
} from './kqlValues.js';
import { summarize } from './kqlSummarize.js';

export { KDate, KSpan, KqlEvalError, kustoDatetimeText, toJson, toKqlString, type Column, type Result, type Row, type Source, type Value };

// ---------------------------------------------------------------- tokens
type Tok = { k: 'id' | 'str' | 'num' | 'span' | 'op' | 'raw' | 'eof'; v: string };

function decodeString(body: string, quote: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const n = body[++i]!;
    if (n === 'n') out += '\n';
    else if (n === 'r') out += '\r';
    else if (n === 't') out += '\t';
    else if (n === 'u') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (n === 'x') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n === '\\' || n === '"' || n === "'" || n === quote) out += n;
    else throw new KqlEvalError(`unknown escape \\${n}`);
  }
  return out;
}

function tokenize(q: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const ops = ['!contains', '!has', '!in', '==', '!=', '<=', '>=', '=~', '!~', '|', ',', '(', ')', '[', ']', '=', '<', '>', '.', '+', '-', '*', '/'];
  while (i < q.length) {
    const ch = q[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (q.startsWith('//', i)) {
      while (i < q.length && q[i] !== '\n') i++;
      continue;
    }
    if (ch === '@' && (q[i + 1] === '"' || q[i + 1] === "'")) {
      const quote = q[i + 1]!;
      let j = i + 2;
      let s = '';
      for (;;) {
        if (j >= q.length) throw new KqlEvalError('unterminated string');
        if (q[j] === quote) {
          if (q[j + 1] === quote) {
            s += quote;
            j += 2;
            continue;
          }
          break;
        }
        s += q[j++];
      }
      toks.push({ k: 'str', v: s });
      i = j + 1;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < q.length && q[j] !== ch) j += q[j] === '\\' ? 2 : 1;
      if (j >= q.length) throw new KqlEvalError('unterminated string');
      toks.push({ k: 'str', v: decodeString(q.slice(i + 1, j), ch) });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(ch)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(q.slice(i))!;
      i += m[0].length;
      // A timespan literal: a number with its unit attached (1h, 30m, 2d, 500ms).
      const unit = /^[A-Za-z]+/.exec(q.slice(i))?.[0];
      const unitMs = unit === undefined ? undefined : spanUnitMs(unit);
      if (unit !== undefined && unitMs !== undefined) {
        toks.push({ k: 'span', v: String(Number(m[0]) * unitMs) });
        i += unit.length;
      } else toks.push({ k: 'num', v: m[0] });
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(q.slice(i))!;
      i += m[0].length;
      toks.push({ k: 'id', v: m[0] });
      // datetime(...) holds raw text, not an expression.
      if (m[0] === 'datetime' && q[i] === '(') {
        const end = q.indexOf(')', i);
        toks.push({ k: 'raw', v: q.slice(i + 1, end).trim() });
        i = end + 1;
      }
      continue;
    }
    const op = ops.find((o) => q.startsWith(o, i) && !(/^!(in|has|contains)$/.test(o) && /[A-Za-z0-9_]/.test(q[i + o.length] ?? '')));
    if (!op) throw new KqlEvalError(`unexpected character ${ch}`);
    toks.push({ k: 'op', v: op });
    i += op.length;
  }
  toks.push({ k: 'eof', v: '' });
  return toks;
}

// ---------------------------------------------------------------- expressions
type Expr = (row: Row) => Value;
interface TypedExpr {
  ev: Expr;
  type: (cols: Map<string, string>) => string;
  /** The column a bare reference names (for project without a new name). */
  name?: string;
}

function hasTerm(hay: string, term: string): boolean {
  const h = hay.toLowerCase();
  const t = term.toLowerCase();
  let at = h.indexOf(t);
  while (at >= 0) {
    const before = at === 0 ? '' : h[at - 1]!;
    const after = h[at + t.length] ?? '';
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
    at = h.indexOf(t, at + 1);
  }
  return false;
}

function normalizeIso(raw: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?)?Z?$/.exec(raw);
  if (!m) throw new KqlEvalError(`bad datetime ${raw}`);
  const clock = (m[2] ?? '00:00:00').padEnd(8, ':00').slice(0, 8);
  return `${m[1]}T${clock}.${((m[3] ?? '') + '0000000').slice(0, 7)}Z`;
}

const FUNCTIONS: Record<string, { type: (args: TypedExpr[], cols: Map<string, string>) => string; fn: (args: Value[]) => Value }> = {
  bag_pack: { type: () => 'dynamic', fn: (a) => Object.fromEntries(pairs(a)) },
  pack: { type: () => 'dynamic', fn: (a) => Object.fromEntries(pairs(a)) },
  tostring: { type: () => 'string', fn: (a) => toKqlString(a[0] ?? null) },
  strcat: { type: () => 'string', fn: (a) => a.map(toKqlString).join('') },
  iff: { type: (a, c) => a[1]!.type(c), fn: (a) => (truthy(a[0]!) ? a[1]! : a[2]!) },
  isempty: { type: () => 'bool', fn: (a) => a[0] === null || a[0] === '' },
  isnotempty: { type: () => 'bool', fn: (a) => !(a[0] === null || a[0] === '') },
  isnull: { type: () => 'bool', fn: (a) => a[0] === null },
  isnotnull: { type: () => 'bool', fn: (a) => a[0] !== null },
  not: { type: () => 'bool', fn: (a) => (a[0] === null ? null : !truthy(a[0]!)) },
  tolower: { type: () => 'string', fn: (a) => toKqlString(a[0]!).toLowerCase() },
  split: { type: () => 'dynamic', fn: (a) => toKqlString(a[0]!).split(toKqlString(a[1]!)) },
  ago: { type: () => 'datetime', fn: (a) => (a[0] instanceof KSpan ? kdateFromMs(Date.now() - a[0].ms) : null) },
  now: { type: () => 'datetime', fn: () => kdateFromMs(Date.now()) },
  todatetime: { type: () => 'datetime', fn: (a) => toDate(a[0] ?? null) },
  bin: { type: (a, c) => a[0]!.type(c), fn: (a) => bin(a[0] ?? null, a[1] ?? null) },
  floor: { type: (a, c) => a[0]!.type(c), fn: (a) => bin(a[0] ?? null, a[1] ?? null) },
  parse_json: { type: () => 'dynamic', fn: (a) => parseJson(a[0] ?? null) },
  todynamic: { type: () => 'dynamic', fn: (a) => parseJson(a[0] ?? null) },
  tolong: { type: () => 'long', fn: (a) => toNumber(a[0] ?? null) },
  toint: { type: () => 'int', fn: (a) => toNumber(a[0] ?? null) },
  strlen: { type: () => 'long', fn: (a) => toKqlString(a[0] ?? null).length },
  extract: {
    type: () => 'string',
    fn: (a) => {
      let pattern = toKqlString(a[0]!);
      let flags = '';
      if (pattern.startsWith('(?i)')) {
        pattern = pattern.slice(4);
        flags = 'i';
      }
      const m = new RegExp(pattern, flags).exec(toKqlString(a[2]!));
      return m ? (m[Number(a[1])] ?? '') : '';
    },
  },
};

function toDate(v: Value): Value {
  if (v instanceof KDate || v === null) return v;
  const ms = Date.parse(toKqlString(v));
  return Number.isNaN(ms) ? null : kdateFromMs(ms);
}

function toNumber(v: Value): Value {
  const n = typeof v === 'number' ? v : Number(toKqlString(v));
  return v === null || v === '' || Number.isNaN(n) ? null : Math.trunc(n);
}

function parseJson(v: Value): Value {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as Value;
  } catch {
    return v;
  }
}

/** bin(value, size): datetimes by a timespan from the epoch, numbers by a number. */
function bin(v: Value, size: Value): Value {
  if (v instanceof KDate && size instanceof KSpan && size.ms > 0) return kdateFromMs(Math.floor(dateMs(v) / size.ms) * size.ms);
  if (v instanceof KSpan && size instanceof KSpan && size.ms > 0) return new KSpan(Math.floor(v.ms / size.ms) * size.ms);
  if (typeof v === 'number' && typeof size === 'number' && size > 0) return Math.floor(v / size) * size;
  return null;
}

/** + and - over numbers, datetimes and timespans, as Kusto types them. */
function arith(op: string, x: Value, y: Value): Value {
  const sign = op === '+' ? 1 : -1;
  if (typeof x === 'number' && typeof y === 'number') return x + sign * y;
  if (x instanceof KDate && y instanceof KSpan) return kdateFromMs(dateMs(x) + sign * y.ms);
  if (x instanceof KSpan && y instanceof KSpan) return new KSpan(x.ms + sign * y.ms);
  if (op === '-' && x instanceof KDate && y instanceof KDate) return new KSpan(dateMs(x) - dateMs(y));
  if (op === '+' && x instanceof KSpan && y instanceof KDate) return kdateFromMs(dateMs(y) + x.ms);
  return null;
}

function pairs(a: Value[]): [string, Value][] {
  const out: [string, Value][] = [];
  for (let i = 0; i + 1 < a.length; i += 2) out.push([toKqlString(a[i]!), a[i + 1]!]);
  return out;
}

class Parser {
  private p = 0;
  /** Inside `union isfuzzy=true`: a missing table is an empty one. */
  private fuzzy = 0;
  constructor(private readonly t: Tok[]) {}

  peek(o = 0): Tok {
    return this.t[this.p + o]!;
  }
  next(): Tok {
    return this.t[this.p++]!;
  }
  isOp(v: string): boolean {
    return this.peek().k === 'op' && this.peek().v === v;
  }
  isId(v: string): boolean {
    return this.peek().k === 'id' && this.peek().v === v;
  }
  expectOp(v: string): void {
    if (!this.isOp(v)) throw new KqlEvalError(`expected ${v}, found ${this.peek().v || 'end of query'}`);
    this.p++;
  }
  expectId(v: string): void {
    if (!this.isId(v)) throw new KqlEvalError(`expected ${v}, found ${this.peek().v || 'end of query'}`);
    this.p++;
  }

  /** An identifier: bare, or ['quoted']. */
  name(): string {
    if (this.isOp('[') && this.peek(1).k === 'str') {
      this.p++;
      const v = this.next().v;
      this.expectOp(']');
      return v;
    }
    const t = this.next();
    if (t.k !== 'id') throw new KqlEvalError(`expected a name, found ${t.v}`);
    return t.v;
  }

  // -------- tabular
  tabular(src: Source): Result {
    let res = this.sourceExpr(src);
    while (this.isOp('|')) {
      this.p++;
      res = this.operator(res, src);
    }
    return res;
  }

  sourceExpr(src: Source): Result {
    if (this.isId('union')) {
      this.p++;
      let fuzzy = false;
      while (this.peek().k === 'id' && this.peek(1).k === 'op' && this.peek(1).v === '=') {
        const opt = this.next().v;
        this.p++;
        const v = this.next().v;
        if (opt === 'isfuzzy') fuzzy = v === 'true';
      }
      if (fuzzy) this.fuzzy++;
      const parts: Result[] = [];
      do {
        if (this.isOp('(')) {
          this.p++;
          parts.push(this.tabular(src));
          this.expectOp(')');
        } else parts.push(this.tableRef(src));
      } while (this.isOp(',') && ++this.p);
      if (fuzzy) this.fuzzy--;
      const columns: Column[] = [];
      for (const part of parts) for (const c of part.columns) if (!columns.some((x) => x.name === c.name)) columns.push(c);
      return { columns, rows: parts.flatMap((x) => x.rows) };
    }
    if (this.isOp('(')) {
      this.p++;
      const r = this.tabular(src);
      this.expectOp(')');
      return r;
    }
    return this.tableRef(src);
  }

  tableRef(src: Source): Result {
    const name = this.name();
    const t = src.table(name) ?? (this.fuzzy ? { columns: [], rows: [] } : undefined);
    if (!t) throw new KqlEvalError(`unknown table ${name}`);
    return t;
  }

  operator(input: Result, _src: Source): Result {
    const op = this.name();
    const types = new Map(input.columns.map((c) => [c.name, c.type]));
    switch (op) {
      case 'where': {
        const e = this.expr();
        return { columns: input.columns, rows: input.rows.filter((r) => truthy(e.ev(r))) };
      }
      case 'extend':
      case 'project': {
        const items: { name: string; e: TypedExpr }[] = [];
        do {
          let name: string | undefined;
          if ((this.peek().k === 'id' || this.isOp('[')) && this.peekAssign()) {
            name = this.name();
            this.expectOp('=');
          }
          const e = this.expr();
          name ??= e.name ?? `Column${items.length + 1}`;
          items.push({ name, e });
        } while (this.isOp(',') && ++this.p);
        const newCols = items.map((i) => ({ name: i.name, type: i.e.type(types) }));
        const columns = op === 'project' ? newCols : [...input.columns.filter((c) => !items.some((i) => i.name === c.name)), ...newCols];
        const rows = input.rows.map((r) => {
          const out: Row = op === 'project' ? {} : { ...r };
          for (const i of items) out[i.name] = i.e.ev(r);
          return out;
        });
        return { columns, rows };
      }
      case 'order':
      case 'sort': {
        this.expectId('by');
        const keys: { e: TypedExpr; desc: boolean; nullsFirst: boolean }[] = [];
        do {
          const e = this.expr();
          let desc = true; // Kusto's default sort order is descending.
          if (this.isId('asc') || this.isId('desc')) desc = this.next().v === 'desc';
          let nullsFirst = !desc;
          if (this.isId('nulls')) {
            this.p++;
            nullsFirst = this.next().v === 'first';
          }
          keys.push({ e, desc, nullsFirst });
        } while (this.isOp(',') && ++this.p);
        const rows = [...input.rows].sort((a, b) => {
          for (const k of keys) {
            const x = k.e.ev(a);
            const y = k.e.ev(b);
            if (x === null || y === null) {
              if (x === y) continue;
              return (x === null) === k.nullsFirst ? -1 : 1;
            }
            const c = cmpValues(x, y) ?? 0;
            if (c !== 0) return k.desc ? -c : c;
          }
          return 0;
        });
        return { columns: input.columns, rows };
      }
      case 'take':
      case 'limit': {
        const n = Number(this.next().v);
        return { columns: input.columns, rows: input.rows.slice(0, n) };
      }
      case 'distinct': {
        const cols: string[] = [];
        do cols.push(this.name());
        while (this.isOp(',') && ++this.p);
        const seen = new Set<string>();
        const rows: Row[] = [];
        for (const r of input.rows) {
          const key = JSON.stringify(cols.map((c) => toJson(r[c] ?? null)));
          if (seen.has(key)) continue;
          seen.add(key);
          rows.push(Object.fromEntries(cols.map((c) => [c, r[c] ?? null])));
        }
        return { columns: cols.map((c) => ({ name: c, type: types.get(c) ?? 'string' })), rows };
      }
      case 'summarize':
        return summarize(this, input, types);
      case 'top': {
        const n = Number(this.next().v);
        this.expectId('by');
        const e = this.expr();
        let desc = true;
        if (this.isId('asc') || this.isId('desc')) desc = this.next().v === 'desc';
        const rows = [...input.rows].sort((a, b) => {
          const c = cmpValues(e.ev(a), e.ev(b));
          return c === null ? 0 : desc ? -c : c;
        });
        return { columns: input.columns, rows: rows.slice(0, n) };
      }
      case 'count':
        return { columns: [{ name: 'Count', type: 'long' }], rows: [{ Count: input.rows.length }] };
      default:
        throw new KqlEvalError(`the emulator does not evaluate the ${op} operator`);
    }
  }

  peekAssign(): boolean {
    if (this.isOp('[')) return this.peek(3).k === 'op' && this.peek(3).v === '=';
    return this.peek(1).k === 'op' && this.peek(1).v === '=';
  }

  // -------- scalar
  expr(): TypedExpr {
    return this.orExpr();
  }

  orExpr(): TypedExpr {
    let left = this.andExpr();
    while (this.isId('or')) {
      this.p++;
      const l = left;
      const r = this.andExpr();
      left = { ev: (row) => truthy(l.ev(row)) || truthy(r.ev(row)), type: () => 'bool' };
    }
    return left;
  }

  andExpr(): TypedExpr {
    let left = this.cmpExpr();
    while (this.isId('and')) {
      this.p++;
      const l = left;
      const r = this.cmpExpr();
      left = { ev: (row) => truthy(l.ev(row)) && truthy(r.ev(row)), type: () => 'bool' };
    }
    return left;
  }

  cmpExpr(): TypedExpr {
    const left = this.addExpr();
    const t = this.peek();
    const b = (ev: Expr): TypedExpr => ({ ev, type: () => 'bool' });
    if (t.k === 'op' && ['==', '!=', '<', '<=', '>', '>=', '=~', '!~'].includes(t.v)) {
      this.p++;
      const r = this.addExpr();
      return b((row) => {
        const x = left.ev(row);
        const y = r.ev(row);
        if (t.v === '=~' || t.v === '!~') {
          if (x === null || y === null) return null;
          const eq = toKqlString(x).toLowerCase() === toKqlString(y).toLowerCase();
          return t.v === '=~' ? eq : !eq;
        }
        if (t.v === '==') return equal(x, y);
        if (t.v === '!=') {
          const e = equal(x, y);
          return e === null ? null : !e;
        }
        const c = cmpValues(x, y);
        if (c === null) return null;
        return t.v === '<' ? c < 0 : t.v === '<=' ? c <= 0 : t.v === '>' ? c > 0 : c >= 0;
      });
    }
    if ((t.k === 'op' && t.v === '!in') || (t.k === 'id' && t.v === 'in')) {
      this.p++;
      this.expectOp('(');
      const list: TypedExpr[] = [];
      do list.push(this.expr());
      while (this.isOp(',') && ++this.p);
      this.expectOp(')');
      const neg = t.v === '!in';
      return b((row) => {
        const x = left.ev(row);
        if (x === null) return neg;
        const found = list.some((e) => equal(x, e.ev(row)) === true);
        return neg ? !found : found;
      });
    }
    if ((t.k === 'id' && ['contains', 'has', 'contains_cs', 'startswith'].includes(t.v)) || (t.k === 'op' && ['!contains', '!has'].includes(t.v))) {
      this.p++;
      const r = this.addExpr();
      return b((row) => {
        const x = toKqlString(left.ev(row));
        const y = toKqlString(r.ev(row));
        switch (t.v) {
          case 'contains':
            return x.toLowerCase().includes(y.toLowerCase());
          case '!contains':
            return !x.toLowerCase().includes(y.toLowerCase());
          case 'contains_cs':
            return x.includes(y);
          case 'startswith':
            return x.toLowerCase().startsWith(y.toLowerCase());
          case 'has':
            return hasTerm(x, y);
          default:
            return !hasTerm(x, y);
        }
      });
    }
    if (t.k === 'id' && t.v === 'between') {
      this.p++;
      this.expectOp('(');
      const lo = this.addExpr();
      this.expectOp('.');
      this.expectOp('.');
      const hi = this.addExpr();
      this.expectOp(')');
      return b((row) => {
        const x = left.ev(row);
        const a = cmpValues(x, lo.ev(row));
        const c = cmpValues(x, hi.ev(row));
        return a === null || c === null ? null : a >= 0 && c <= 0;
      });
    }
    return left;
  }

  addExpr(): TypedExpr {
    let left = this.postfix();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().v;
      const l = left;
      const r = this.postfix();
      left = {
        ev: (row) => arith(op, l.ev(row), r.ev(row)),
        type: (c) => {
          const a = l.type(c);
          const b = r.type(c);
          if (a === 'datetime' && b === 'datetime') return 'timespan';
          return a === 'timespan' && b === 'datetime' ? 'datetime' : a;
        },
      };
    }
    return left;
  }

  postfix(): TypedExpr {
    let e = this.primary();
    for (;;) {
      if (this.isOp('.') && this.peek(1).k === 'id') {
        this.p++;
        const key = this.next().v;
        const base = e;
        e = { ev: (row) => member(base.ev(row), key), type: () => 'dynamic' };
      } else if (this.isOp('[')) {
        this.p++;
        const idx = this.expr();
        this.expectOp(']');
        const base = e;
        e = { ev: (row) => member(base.ev(row), idx.ev(row)), type: () => 'dynamic' };
      } else return e;
    }
  }

  primary(): TypedExpr {
    const t = this.peek();
    if (t.k === 'str') {
      this.p++;
      return { ev: () => t.v, type: () => 'string' };
    }
    if (t.k === 'span') {
      this.p++;
      const span = new KSpan(Number(t.v));
      return { ev: () => span, type: () => 'timespan' };
    }
    if (t.k === 'num') {
      this.p++;
      return { ev: () => Number(t.v), type: () => (t.v.includes('.') ? 'real' : 'long') };
    }
    if (this.isOp('-') && this.peek(1).k === 'num') {
      this.p++;
      const n = -Number(this.next().v);
      return { ev: () => n, type: () => 'long' };
    }
    if (this.isOp('(')) {
      this.p++;
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    if (t.k === 'id' && t.v === 'datetime' && this.peek(1).k === 'raw') {
      this.p += 2;
      const d = new KDate(normalizeIso(this.t[this.p - 1]!.v));
      return { ev: () => d, type: () => 'datetime' };
    }
    if (t.k === 'id' && (t.v === 'true' || t.v === 'false')) {
      this.p++;
      return { ev: () => t.v === 'true', type: () => 'bool' };
    }
    if (t.k === 'id' && this.peek(1).k === 'op' && this.peek(1).v === '(') {
      const fn = FUNCTIONS[t.v];
      if (!fn) throw new KqlEvalError(`the emulator does not evaluate the function ${t.v}`);
      this.p += 2;
      const args: TypedExpr[] = [];
      if (!this.isOp(')')) {
        do args.push(this.expr());
        while (this.isOp(',') && ++this.p);
      }
      this.expectOp(')');
      return { ev: (row) => fn.fn(args.map((a) => a.ev(row))), type: (c) => fn.type(args, c) };
    }
    const name = this.name();
    return { ev: (row) => (name in row ? row[name]! : null), type: (c) => c.get(name) ?? 'string', name };
  }
}

function member(base: Value, key: Value): Value {
  if (base === null || typeof base !== 'object' || base instanceof KDate) return null;
  if (Array.isArray(base)) {
    if (typeof key !== 'number') return null;
    const i = key < 0 ? base.length + key : key;
    return base[i] ?? null;
  }
  return (base as Record<string, Value>)[toKqlString(key)] ?? null;
}

/** Evaluates a query against the source. Throws KqlEvalError on anything outside the subset. */
export function evaluate(query: string, src: Source): Result {
  const p = new Parser(tokenize(query));
  const res = p.tabular(src);
  if (p.peek().k !== 'eof') throw new KqlEvalError(`unexpected ${p.peek().v} after the query`);
  return res;
}
