// `kubeforensys timeline BUNDLE --format timesketch --out FILE`: the same export module as the
// extension, with the case file's marks and the provenance record beside the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { runAzureCommands } from './run.js';
import { applyMarkEdit, emptyCase, loadCase, parseCase, saveCase, serializeCase } from '../../src/core/timeline/caseFile.js';
import { registerCaseCommand } from '../../src/cli/case.js';
import { writeFixtureBundle, MALICIOUS } from '../extension/bundleFixture.js';
import { tempDir } from '../support/tempDir.js';

const run = runAzureCommands;

test('timeline --format timesketch prints Timesketch JSONL with the case file\'s tags; --out writes the file and its provenance', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const printed = await run('timeline', dir, '--format', 'timesketch', '--text', 'onerror');
  const [line] = printed.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(line!.message, MALICIOUS);
  assert.match(String(line!.datetime), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
  assert.equal(typeof line!.timestamp_desc, 'string');
  assert.deepEqual(line!.tag, []);

  await saveCase(dir, applyMarkEdit((await loadCase(dir, manifest)).case, String(line!.RecordId), { op: 'addTag', tag: 'evidence' }, 'cli'));
  const out = join(await tempDir('kfs-cli-ts-'), 'exploit.jsonl');
  const written = await run('timeline', dir, '--format', 'timesketch', '--text', 'onerror', '--out', out);
  assert.equal(written.out, '', 'nothing on stdout with --out');
  const text = await readFile(out, 'utf8');
  assert.deepEqual((JSON.parse(text.trim()) as { tag: string[] }).tag, ['evidence']);
  const prov = JSON.parse(await readFile(`${out}.provenance.json`, 'utf8')) as { sha256: string; rows: number; filterDescription: string; source: { snapshotId: string } };
  assert.equal(prov.sha256, createHash('sha256').update(text).digest('hex'));
  assert.equal(prov.rows, 1);
  assert.equal(prov.filterDescription, 'text "onerror"');
  assert.equal(prov.source.snapshotId, manifest.snapshotId);
  assert.match(written.err, new RegExp(`Wrote 1 rows .* sha256 ${prov.sha256}`));
});

test('case merge unites two analysts\' case files of one bundle and refuses files of different bundles', async () => {
  const dir = await tempDir('kfs-cli-case-');
  const a = applyMarkEdit(emptyCase('snap', 'dig'), 'r1', { op: 'star', starred: true }, 'alice');
  const b = applyMarkEdit(emptyCase('snap', 'dig'), 'r1', { op: 'addTag', tag: 'evidence' }, 'bob');
  await writeFile(join(dir, 'a.json'), serializeCase(a));
  await writeFile(join(dir, 'b.json'), serializeCase(b));
  await writeFile(join(dir, 'other.json'), serializeCase(emptyCase('other-snap', 'dig')));
  const runCase = async (...args: string[]) => {
    let out = '';
    const program = new Command('kubeforensys').exitOverride();
    registerCaseCommand(program, { stdout: new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) }), stderr: new Writable({ write: (_c, _e, cb) => cb() }) });
    await program.parseAsync(['node', 'kubeforensys', 'case', 'merge', ...args]);
    return out;
  };
  const out = await runCase(join(dir, 'a.json'), join(dir, 'b.json'), '--out', join(dir, 'm.json'));
  const merged = parseCase(await readFile(join(dir, 'm.json'), 'utf8'));
  assert.equal(merged.digestOk, true);
  assert.deepEqual(merged.case.marks.r1, { starred: true, tags: ['evidence'], comments: [] });
  assert.match(out, /^Merged 1 marked rows and 0 views into .*m\.json \(sha256 [0-9a-f]{64}\)\.\n$/);
  await assert.rejects(runCase(join(dir, 'a.json'), join(dir, 'other.json'), '--out', join(dir, 'x.json')), { name: 'CaseFileError', message: /different bundles/ });
});
