// The webview is its own TypeScript program (webview/tsconfig.json: the DOM, no Node types):
// it type-checks on its own, and the only files outside webview/ it pulls in are the browser-safe
// core modules listed here. A new import of host code fails this test before it reaches the bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import ts from 'typescript';

/** Core modules the webview may import: the schema and the timeline's shared shapes and validators. */
const ALLOWED = [
  'src/core/schema/columns.ts',
  'src/core/schema/tables.ts',
  'src/core/schema/time.ts',
  'src/core/schema/timeline.ts',
  'src/core/timeline/filter.ts',
  'src/core/timeline/formats.ts',
  'src/core/timeline/marks.ts',
  'src/core/timeline/messages.ts',
  'src/core/timeline/source.ts',
];

function webviewProgram(): ts.Program {
  const file = ts.findConfigFile('webview', ts.sys.fileExists, 'tsconfig.json')!;
  const { config } = ts.readConfigFile(file, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, 'webview');
  assert.deepEqual(parsed.options.types, [], 'no ambient Node types in the webview program');
  assert.ok(parsed.options.lib?.some((l) => /dom/i.test(l)), 'the DOM library');
  return ts.createProgram(parsed.fileNames, parsed.options);
}

test('the webview type-checks on its own and imports only browser-safe core modules', () => {
  const program = webviewProgram();
  const own = program
    .getSourceFiles()
    .map((f) => relative(process.cwd(), f.fileName).replace(/\\/g, '/'))
    .filter((f) => !f.includes('node_modules/'));
  const outside = own.filter((f) => !f.startsWith('webview/')).sort();
  assert.ok(own.includes('webview/main.ts'));
  assert.deepEqual(outside.filter((f) => !ALLOWED.includes(f)), [], 'files outside webview/ that are not on the list');
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(diagnostics, []);
});
