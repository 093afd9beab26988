// The single-schema rule, enforced: no common or timeline column name is spelled as a string
// literal outside src/core/schema. Code names them through COMMON.X / TL.X (a typo does not
// compile) or reads them from the column lists. The scan parses every .ts file of src/ and
// webview/ with the TypeScript compiler and looks at string literals only (identifiers, property
// keys of typed rows and comments are not spellings that can drift).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { COMMON_COLUMNS } from '../../../src/core/schema/columns.js';
import { TIMELINE_COLUMNS } from '../../../src/core/schema/timeline.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SCANNED = ['src', 'webview'];
const SCHEMA = join('src', 'core', 'schema') + sep;

/** The names the rule covers: every table's common columns and the unified timeline's columns. */
export const COLUMN_NAMES: ReadonlySet<string> = new Set([...COMMON_COLUMNS.map((c) => c.name), ...TIMELINE_COLUMNS.map((c) => c.name)]);

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) tsFiles(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** `file:line: 'Name'` for each string literal in `text` that is exactly a column name. */
export function columnLiterals(file: string, text: string, names: ReadonlySet<string> = COLUMN_NAMES): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const hits: string[] = [];
  const visit = (n: ts.Node): void => {
    const literal = ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n);
    // Module specifiers are paths, not columns.
    if (literal && names.has(n.text) && !ts.isImportDeclaration(n.parent) && !ts.isExportDeclaration(n.parent)) {
      hits.push(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}: '${n.text}'`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return hits;
}

export function scanTree(root: string = ROOT): string[] {
  return SCANNED.flatMap((d) => tsFiles(join(root, d)))
    .map((abs) => relative(root, abs))
    .filter((rel) => !rel.startsWith(SCHEMA))
    .flatMap((rel) => columnLiterals(rel, readFileSync(join(root, rel), 'utf8')));
}

test('the scan finds a planted column literal, and only a literal (not a COMMON.X use, a type key or a comment)', () => {
  const planted = [
    "import { COMMON } from '../core/schema/columns.js';",
    '// PodName in a comment is prose.',
    "const a = row['PodName'];",
    'const b = row[COMMON.PodName];',
    'type R = { Namespace: string };',
    'const q = `where SnapshotId == x`;',
    'const c = `RecordId`;',
  ].join('\n');
  assert.deepEqual(columnLiterals('src/x.ts', planted), ["src/x.ts:3: 'PodName'", "src/x.ts:7: 'RecordId'"]);
});

/** Files allowed some literals while their owners rework them (`file` → count, which may only go down). None are left. */
const PENDING: Record<string, number> = {};

test('no common or timeline column is spelled as a string literal outside src/core/schema', () => {
  const byFile = new Map<string, string[]>();
  for (const hit of scanTree()) {
    const file = hit.slice(0, hit.indexOf(':'));
    byFile.set(file, [...(byFile.get(file) ?? []), hit]);
  }
  const over = [...byFile].filter(([file, hits]) => hits.length > (PENDING[file] ?? 0)).flatMap(([, hits]) => hits);
  assert.deepEqual(over, [], `name these through COMMON / TL (src/core/schema) instead:\n${over.join('\n')}`);
});
