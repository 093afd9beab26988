// `scan` over a mixed corpus (List export as YAML and JSON, chart templates with anchors and merge
// keys, YAML 1.1 booleans, literal blocks, RBAC across files, the demo scenario) gives byte for byte
// the output recorded before the fast YAML reader and the precompiled detections: the speed work
// changed no finding, no evidence, no line number. After an intended change to a rule's output,
// regenerate with KFS_UPDATE_GOLDEN=1 and review the diff.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { findingJson, scanPaths } from '../../../src/cli/scan.js';
import { corpusOutput, writeScanCorpus } from './scanCorpus.js';
import { tempDir } from '../../support/tempDir.js';

const GOLDEN = new URL('./fixtures/scan-corpus.golden.json', import.meta.url);
let dir = '';
after(async () => dir && rm(dir, { recursive: true, force: true }));

test('scan output over the mixed corpus is byte-identical to the recorded output', async () => {
  dir = await tempDir('kfs-scan-golden-');
  const root = await writeScanCorpus(dir);
  const r = await scanPaths([root], {}, { cwd: root, now: () => new Date('2026-11-27T03:00:00Z') });
  const out = corpusOutput({ ...r, findings: r.findings.map((f) => findingJson(f, root)) }, root);
  if (process.env.KFS_UPDATE_GOLDEN) await writeFile(GOLDEN, out);
  const golden = await readFile(GOLDEN, 'utf8');
  assert.ok(r.findings.length > 300 && r.files === 6, `${r.findings.length} findings over ${r.files} files`);
  if (out !== golden) {
    const a = out.split('\n');
    const b = golden.split('\n');
    const i = a.findIndex((l, j) => l !== b[j]);
    assert.fail(`scan output differs from the golden at line ${i + 1}:\n  now:    ${a[i]?.slice(0, 400)}\n  golden: ${b[i]?.slice(0, 400)}`);
  }
});
