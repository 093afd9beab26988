#!/usr/bin/env node
// Lists the functions in src/ longer than a limit (80 lines by default), with the TypeScript
// compiler's parser: function declarations, methods, accessors, constructors, and function or
// arrow expressions with a block body. A function may stay long when the line above it (or its
// own first line) carries `long-function: <reason>`; the reason is printed with it.
// Exit status 1 when an unexplained one is found, so `npm run lint` keeps the rule true.
//   node scripts/long-functions.mjs [--max 80] [--all] [paths...]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const maxAt = args.indexOf('--max');
const MAX = maxAt >= 0 ? Number(args[maxAt + 1]) : 80;
const showAll = args.includes('--all');
const roots = args.filter((a, i) => !a.startsWith('--') && !(maxAt >= 0 && i === maxAt + 1));
const REASON = /long-function:\s*(.+)/;

/**
 * Long functions tolerated at their present length while their owners split them (`file:name` →
 * lines; an entry may only shrink). None are left: every long function was split.
 */
const PENDING = {};

function files(p, out = []) {
  if (statSync(p).isDirectory()) {
    for (const name of readdirSync(p)) if (name !== 'node_modules') files(join(p, name), out);
  } else if (/\.(ts|mts)$/.test(p) && !p.endsWith('.d.ts')) out.push(p);
  return out;
}

function nameOf(node, sf) {
  if (node.name) return node.name.getText(sf);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p)) return p.name.getText(sf);
  if (p && ts.isPropertyAssignment(p)) return p.name.getText(sf);
  if (p && ts.isPropertyDeclaration(p)) return p.name.getText(sf);
  return '(anonymous)';
}

/** The reason written on the line above the function (or its statement), or on its first line. */
function reasonFor(node, sf, lines) {
  let anchor = node;
  while (anchor.parent && !ts.isSourceFile(anchor.parent) && !ts.isBlock(anchor.parent) && !ts.isClassLike(anchor.parent) && !ts.isObjectLiteralExpression(anchor.parent)) anchor = anchor.parent;
  const first = sf.getLineAndCharacterOfPosition(anchor.getStart(sf)).line;
  for (const l of [first, first - 1, first - 2]) {
    const m = l >= 0 ? REASON.exec(lines[l] ?? '') : null;
    if (m) return m[1].trim();
  }
  return undefined;
}

export function longFunctions(file, text, max = MAX) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lines = text.split('\n');
  const found = [];
  const visit = (node) => {
    const isFn =
      ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node) ||
      ts.isFunctionExpression(node) || (ts.isArrowFunction(node) && ts.isBlock(node.body));
    if (isFn && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.end).line;
      const length = end - start + 1;
      if (length > max) found.push({ file, line: start + 1, name: nameOf(node, sf), length, reason: reasonFor(node, sf, lines) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const targets = (roots.length ? roots : ['src']).flatMap((r) => files(r));
  const all = targets.flatMap((f) => longFunctions(relative(process.cwd(), f), readFileSync(f, 'utf8')));
  for (const f of all) {
    const allowed = PENDING[`${f.file}:${f.name}`];
    if (!f.reason && allowed !== undefined && f.length <= allowed) f.reason = `pending: its owner splits it (at most ${allowed} lines until then)`;
  }
  const unexplained = all.filter((f) => !f.reason);
  for (const f of showAll ? all : unexplained) console.log(`${f.file}:${f.line}: ${f.name} is ${f.length} lines${f.reason ? ` (long-function: ${f.reason})` : ''}`);
  if (unexplained.length) {
    console.error(`${unexplained.length} function(s) over ${MAX} lines without a reason: split them into steps, or write "long-function: <why>" above one.`);
    process.exit(1);
  }
  console.log(`no unexplained function over ${MAX} lines in ${roots.length ? roots.join(' ') : 'src'} (${all.length} with a written reason or pending for their owner)`);
}
