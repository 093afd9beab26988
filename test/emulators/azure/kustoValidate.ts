// Offline KQL validation with Microsoft's Kusto language service (@kusto/language-service-next):
// parses and type-checks a query against declared table schemas. It executes nothing.
import { createRequire } from 'node:module';

export interface DeclaredTable {
  name: string;
  columns: readonly { name: string; type: string }[];
}

export interface KqlDiagnostic {
  code: string;
  message: string;
  severity: string;
  start: number;
  length: number;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
let kusto: any;
function load(): any {
  if (!kusto) {
    // The Bridge.NET build defines globals (Bridge, System, Kusto) when required.
    const require = createRequire(import.meta.url);
    require('@kusto/language-service-next/bridge.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.js');
    kusto = (globalThis as any).Kusto.Language;
  }
  return kusto;
}

const cache = new Map<string, any>();

function globalsFor(tables: readonly DeclaredTable[]): any {
  const key = JSON.stringify(tables);
  let g = cache.get(key);
  if (!g) {
    const K = load();
    const Sym = K.Symbols;
    const symbols = tables.map((t) => new Sym.TableSymbol.$ctor7(t.name, `(${t.columns.map((c) => `['${c.name}']:${c.type === 'boolean' ? 'bool' : c.type}`).join(', ')})`, ''));
    const db = new Sym.DatabaseSymbol.ctor('workspace', symbols);
    g = K.GlobalState.Default.WithCluster(new Sym.ClusterSymbol.ctor('loganalytics', [db])).WithDatabase(db);
    cache.set(key, g);
  }
  return g;
}

/** Errors (not warnings) the language service finds in the query against these tables. */
export function validateKql(query: string, tables: readonly DeclaredTable[]): KqlDiagnostic[] {
  const K = load();
  const code = K.KustoCode.ParseAndAnalyze(query, globalsFor(tables));
  const diags = code.GetDiagnostics();
  const out: KqlDiagnostic[] = [];
  for (let i = 0; i < diags.Count; i++) {
    const d = diags.getItem(i);
    if (String(d.Severity) !== 'Error') continue;
    out.push({ code: String(d.Code), message: String(d.Message), severity: String(d.Severity), start: d.Start, length: d.Length });
  }
  return out;
}

/** The value of a KQL string literal as the language service decodes it. */
export function kqlLiteralValue(literal: string): string {
  return String(load().KustoFacts.GetStringLiteralValue(literal));
}
