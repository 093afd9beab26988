// scripts/long-functions.mjs keeps "no function over ~80 lines without a reason" true: it runs in
// `npm run lint`; here it is checked to find what it must find, and src/ is checked against it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script without type declarations
import { longFunctions } from '../../scripts/long-functions.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const body = (n: number) => Array.from({ length: n }, (_, i) => `  step(${i});`).join('\n');

test('a function over the limit is listed with its name and length; a written reason is carried with it', () => {
  const text = [
    `export function planted(): void {\n${body(85)}\n}`,
    `// long-function: one table of cases, read top to bottom\nconst table = () => {\n${body(90)}\n};`,
    `class C {\n  short(): void {\n${body(10)}\n  }\n}`,
  ].join('\n');
  const found = longFunctions('src/x.ts', text, 80) as { name: string; length: number; reason?: string; line: number }[];
  assert.deepEqual(
    found.map((f) => [f.name, f.line, f.length, f.reason]),
    [
      ['planted', 1, 87, undefined],
      ['table', 89, 92, 'one table of cases, read top to bottom'],
    ],
  );
});

test('src/ has no function over 80 lines without a written reason', () => {
  const res = spawnSync(process.execPath, [join(ROOT, 'scripts', 'long-functions.mjs'), 'src'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(res.status, 0, res.stdout + res.stderr);
});
