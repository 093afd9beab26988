// The case file: analyst marks beside the sealed bundle, hashed on save, merged across analysts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyMarkEdit, caseFilePath, emptyCase, loadCase, mergeCases, parseCase, saveCase, saveView, CaseFileError } from '../../../src/core/timeline/caseFile.js';
import { emptyFilter } from '../../../src/core/timeline/filter.js';
import { verifyBundle } from '../../../src/core/evidence/verify.js';
import { writeFixtureBundle } from '../../extension/bundleFixture.js';

const T1 = new Date('2026-12-01T10:00:00Z');
const T2 = new Date('2026-12-01T11:00:00Z');

test('marks are saved beside the bundle, not inside it: the bundle still verifies, and a reload finds them', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const before = await readdir(dir, { recursive: true });
  let c = (await loadCase(dir, manifest)).case;
  c = applyMarkEdit(c, 'rec-1', { op: 'star', starred: true }, 'alice', T1);
  c = applyMarkEdit(c, 'rec-1', { op: 'addTag', tag: 'evidence' }, 'alice', T1);
  c = applyMarkEdit(c, 'rec-2', { op: 'comment', text: 'attacker shell' }, 'alice', T1);
  const saved = await saveCase(dir, c);
  assert.equal(saved.path, join(dirname(dir), `${basename(dir)}.case.json`));
  assert.equal(caseFilePath(dir + '/'), saved.path, 'a trailing slash names the same file');
  assert.deepEqual(await readdir(dir, { recursive: true }), before, 'nothing was added to the bundle');
  assert.equal((await verifyBundle(dir)).ok, true);

  const again = await loadCase(dir, manifest);
  assert.equal(again.exists, true);
  assert.equal(again.digestOk, true);
  assert.deepEqual(again.case.marks['rec-1'], { starred: true, tags: ['evidence'], comments: [] });
  assert.deepEqual(again.case.marks['rec-2']?.comments, [{ text: 'attacker shell', by: 'alice', at: T1.toISOString() }]);
});

test('an edit outside the tool is noticed by the digest; another bundle\'s case is refused', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const c = applyMarkEdit(emptyCase(manifest.snapshotId, manifest.manifestDigest, T1), 'rec-1', { op: 'star', starred: true }, 'alice', T1);
  const { path } = await saveCase(dir, c);
  const text = await readFile(path, 'utf8');
  assert.equal(parseCase(text).digestOk, true);
  await writeFile(path, text.replace('"starred": true', '"starred": false'));
  assert.equal((await loadCase(dir, manifest)).digestOk, false, 'the changed star no longer matches the saved digest');
  await assert.rejects(loadCase(dir, { snapshotId: 'other', manifestDigest: manifest.manifestDigest }), CaseFileError);
  assert.throws(() => parseCase(text.replace('"version": 1', '"version": 2')), /version 2 is not supported/);
});

test('unstarring the only mark of a row removes the row from the case', () => {
  let c = emptyCase('s', 'd', T1);
  c = applyMarkEdit(c, 'r', { op: 'star', starred: true }, 'a', T1);
  c = applyMarkEdit(c, 'r', { op: 'star', starred: false }, 'a', T1);
  assert.deepEqual(c.marks, {});
});

test('two analysts\' cases merge: stars OR, tags and comments united, the later view of a name wins', () => {
  let a = emptyCase('s', 'd', T1);
  let b = emptyCase('s', 'd', T1);
  a = applyMarkEdit(a, 'r1', { op: 'star', starred: true }, 'alice', T1);
  a = applyMarkEdit(a, 'r1', { op: 'addTag', tag: 'evidence' }, 'alice', T1);
  a = applyMarkEdit(a, 'r2', { op: 'comment', text: 'mine' }, 'alice', T2);
  b = applyMarkEdit(b, 'r1', { op: 'addTag', tag: 'follow-up' }, 'bob', T1);
  b = applyMarkEdit(b, 'r2', { op: 'comment', text: 'his' }, 'bob', T1);
  a = saveView(a, { name: 'attack', filter: emptyFilter(), by: 'alice', at: T1.toISOString() });
  b = saveView(b, { name: 'attack', filter: { ...emptyFilter(), text: 'xmrig' }, by: 'bob', at: T2.toISOString() });
  const m = mergeCases(a, b);
  assert.deepEqual(m.marks.r1, { starred: true, tags: ['evidence', 'follow-up'], comments: [] });
  assert.deepEqual(m.marks.r2?.comments.map((c) => `${c.by}:${c.text}`), ['bob:his', 'alice:mine'], 'in time order');
  assert.deepEqual(mergeCases(m, m).marks, m.marks, 'merging twice adds nothing');
  assert.equal(m.views.length, 1);
  assert.equal(m.views[0]?.filter.text, 'xmrig');
  assert.throws(() => mergeCases(a, emptyCase('other', 'd')), /different bundles/);
});

test('a FIFO where the case file goes is one sentence naming it, never waited on', { timeout: 20_000 }, async () => {
  const { dir, manifest } = await writeFixtureBundle();
  assert.equal(spawnSync('mkfifo', [caseFilePath(dir)]).status, 0);
  await assert.rejects(loadCase(dir, manifest), { name: 'CaseFileError', message: `the case file ${caseFilePath(dir)} cannot be read: it is a FIFO, not a regular file` });
});
