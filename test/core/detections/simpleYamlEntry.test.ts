// readSimpleEntry (a List entry read in place, in the text of the whole List) against readSimpleYaml
// over the entry's own copy with its `-` made a space (what the List reader did before): on random
// entries, intact and damaged, next to other entries (so that what follows an entry's end is real
// text, not the end of a string), the in-place answer is the copy's or NOT_SIMPLE, never another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KUBE_IMPLICIT } from '../../../src/core/detections/manifests.js';
import { inSubsetChars, NOT_SIMPLE, readSimpleEntry, readSimpleYaml } from '../../../src/core/detections/simpleYaml.js';
import { damage } from './damage.js';
import { mulberry32 } from '../../support/random.js';

const SCALARS = ['web', 'yes', '"quoted: x"', "'it''s'", '8080', '0x1F', '~', 'null', '-1.5', 'a b', '*alias', '&anc v', '|', '{a: 1, b: [x, "y"]}', '[1, 2]', '[]', '{}', '"\\u00e9"', 'on', '<<', 'x # c'];
const KEYS = ['name', 'image', 'yes', '8080', 'a-b', 'k'];

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** A block mapping's lines at `indent` (nested mappings, sequences, literal blocks, flow values). */
function mappingLines(r: () => number, indent: number, depth: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    // Distinct keys, now and then quoted (or the merge key, which needs a mapping: mostly left to js-yaml).
    const plain = pick(r, KEYS) + (i ? String(i) : '');
    const key = r() < 0.1 ? `"${plain} q"` : r() < 0.03 ? '<<' : plain;
    const k = r();
    if (depth < 3 && k < 0.2) out.push(`${pad}${key}:`, ...mappingLines(r, indent + 2, depth + 1));
    else if (depth < 3 && k < 0.35) {
      out.push(`${pad}${key}:`);
      for (let j = 0; j < 1 + Math.floor(r() * 3); j++) {
        const [first, ...rest] = mappingLines(r, indent + 2, depth + 1);
        out.push(`${pad}- ${first!.trimStart()}`, ...rest);
      }
    } else if (k < 0.42) out.push(`${pad}${key}: |`, `${pad}  line one`, '', `${pad}  line two`);
    else if (k < 0.47) out.push(`${pad}# a comment`, `${pad}${key}: v`);
    else out.push(`${pad}${key}: ${pick(r, SCALARS)}`);
  }
  return out;
}

/** One entry of a List: `- ` and a mapping, now and then another first line. */
function entryText(r: () => number, pad: string): string {
  const lines = mappingLines(r, pad.length + 2, 0);
  const k = r();
  if (k < 0.05) return `${pad}-\n${lines.join('\n')}`;
  if (k < 0.1) return `${pad}- # first\n${lines.join('\n')}`;
  if (k < 0.13) return `${pad}- - nested\n${lines.join('\n')}`;
  return [`${pad}- ${lines[0]!.trimStart()}`, ...lines.slice(1)].join('\n');
}

/** Entries joined into one text, with where each starts and ends (the last one with or without a final line feed). */
function listOf(entries: string[], finalNewline: boolean): { text: string; spans: [number, number][] } {
  const spans: [number, number][] = [];
  let text = '';
  entries.forEach((e, i) => {
    const start = text.length;
    text += e + (i < entries.length - 1 || finalNewline ? '\n' : '');
    spans.push([start, text.length]);
  });
  return { text, spans };
}

/** Checks every entry of the text; counts those read in place, and those whose copy the fast reader reads. */
function checkEntries(text: string, spans: [number, number][], indent: number, where: string, count = { inPlace: 0, copies: 0 }): typeof count {
  if (!inSubsetChars(text)) return count;
  for (const [start, end] of spans) {
    const entry = text.slice(start, end);
    if (entry[indent] !== '-') continue;
    const got = readSimpleEntry(text, start, end, start + indent, KUBE_IMPLICIT);
    const copied = readSimpleYaml(`${entry.slice(0, indent)} ${entry.slice(indent + 1)}`, KUBE_IMPLICIT);
    if (copied !== NOT_SIMPLE && /^ *- [^ #%-]/.test(entry)) count.copies++;
    if (got === NOT_SIMPLE) continue;
    count.inPlace++;
    assert.deepStrictEqual(got, copied, `${where}: ${JSON.stringify(entry)}`);
  }
  return count;
}

test('List entries read in place give the result of reading their copy, or give up', () => {
  const r = mulberry32(20261201);
  const count = { inPlace: 0, copies: 0 };
  for (let n = 0; n < 1500; n++) {
    const pad = r() < 0.3 ? '  ' : '';
    const entries = Array.from({ length: 1 + Math.floor(r() * 4) }, () => entryText(r, pad));
    const { text, spans } = listOf(entries, r() < 0.8);
    checkEntries(text, spans, pad.length, `list ${n}`, count);
  }
  // Every entry of the shape `- key` whose copy the fast reader reads is read in place too.
  assert.ok(count.copies > 1000, `only ${count.copies} entries were read by the fast reader`);
  assert.equal(count.inPlace, count.copies);
});

test('damaged List entries read in place never differ from their copy', () => {
  const r = mulberry32(7);
  for (let n = 0; n < 1500; n++) {
    const pad = r() < 0.3 ? '  ' : '';
    const entries = Array.from({ length: 2 + Math.floor(r() * 3) }, () => entryText(r, pad));
    const k = Math.floor(r() * entries.length);
    entries[k] = damage(entries[k]!, r);
    const { text, spans } = listOf(entries, r() < 0.5);
    checkEntries(text, spans, pad.length, `damaged list ${n}`);
  }
});

test('an entry whose first line holds no key is left to the copy', () => {
  for (const first of ['-', '- # note', '- - x', '- %x: 1']) {
    const text = `${first}\n  a: 1\n- b: 2\n`;
    assert.equal(readSimpleEntry(text, 0, text.indexOf('- b'), 0, KUBE_IMPLICIT), NOT_SIMPLE, first);
  }
  const text = '- a: 1\n  b: [x]\n- c: 2';
  assert.deepStrictEqual(readSimpleEntry(text, 0, 16, 0, KUBE_IMPLICIT), { a: 1, b: ['x'] });
  assert.deepStrictEqual(readSimpleEntry(text, 16, text.length, 16, KUBE_IMPLICIT), { c: 2 });
});
