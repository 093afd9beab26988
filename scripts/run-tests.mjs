#!/usr/bin/env node
// Runs every *.test.ts under test/ (or under the folders given) with Node's test runner and tsx.
// Node 20's runner has no glob support, so the files are found here.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { missingChromium } from './chromium.mjs';

const args = process.argv.slice(2);
const roots = args.filter((a) => !a.startsWith('--'));
const passThrough = args.filter((a) => a.startsWith('--'));
const exclude = roots.length ? [] : ['test/e2e'];

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || exclude.some((e) => relative(e, p) === '')) continue;
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = (roots.length ? roots : ['test']).flatMap((r) => (statSync(r).isDirectory() ? walk(r, []) : [r])).sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Tests that drive a browser fail at once, in one sentence, when there is none (instead of each
// failing on launch and the run waiting on what they left open).
const BROWSER_TESTS = ['test/webview', 'test/e2e'];
if (files.some((f) => BROWSER_TESTS.some((d) => !relative(d, f).startsWith('..')))) {
  const missing = missingChromium();
  if (missing) {
    console.error(missing);
    process.exit(1);
  }
}
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...passThrough, ...files],
  { stdio: 'inherit' },
);
process.exit(res.status ?? 1);
