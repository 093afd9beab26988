// The evidence capture of Azure answers: each attempt of a retried request is its own index entry
// (attempt 1, 2, ...), the raw bytes are the ones the service sent (their SHA-256 matches, the JSON
// is not re-serialised), nothing of the Authorization header is kept, and a throttled source
// still derives its rows once the retry succeeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzureEmulator, demoAksTrail } from '../../../emulators/azure/index.js';
import { RawStore, readRawBody } from '../../../../src/core/evidence/raw.js';
import { readAcquisitionIndex } from '../../../../src/core/derive/index.js';
import { deriveAzureRows } from '../../../../src/core/derive/azure.js';
import { collectAzureSources } from '../../../../src/core/azure/sources/index.js';
import { emulatorConnection } from '../fixtures.js';

test('a throttled Activity Log page is retried: both attempts are recorded, the bytes are kept as served, no token is kept', async () => {
  const emu = await startAzureEmulator({ aks: demoAksTrail({ kubeServerUrl: 'https://127.0.0.1:6443' }) });
  const dir = await mkdtemp(join(tmpdir(), 'kfs-aks-cap-'));
  try {
    await mkdir(join(dir, 'raw'));
    emu.faults.add({ target: 'activityLog', kind: 'throttle', count: 1, retryAfterSeconds: 0 });
    const store = new RawStore(dir);
    const to = new Date();
    const coverage = await collectAzureSources({ conn: emulatorConnection(emu), server: 'https://127.0.0.1:6443', from: new Date(to.getTime() - 24 * 3600_000), to, signal: new AbortController().signal }, store);
    await store.seal();
    const entries = await readAcquisitionIndex(dir);
    const activity = entries.filter((e) => e.ref.kind === 'azure' && e.ref.source === 'activity').sort((a, b) => a.seq - b.seq);
    assert.equal(activity[0]!.status, 429);
    assert.equal(activity[0]!.attempt, 1);
    assert.equal(activity[1]!.status, 200);
    assert.equal(activity[1]!.attempt, 2, 'the retry is attempt 2 of the same request');
    assert.deepEqual(coverage.sources.find((s) => s.source === 'activity')!.gaps, []);
    for (const e of entries) {
      const body = await readRawBody(dir, e);
      assert.equal(createHash('sha256').update(body).digest('hex'), e.sha256);
      assert.equal(body.length, e.bytes);
    }
    // Sequence numbers are unique and start at 1: one counter for every request of the bundle.
    assert.deepEqual(entries.map((e) => e.seq).sort((a, b) => a - b), entries.map((_, i) => i + 1));
    const index = await readFile(join(dir, 'raw', 'index.jsonl'), 'utf8');
    assert.doesNotMatch(index, new RegExp(emu.endpoints.token));
    assert.doesNotMatch(index, /authorization|bearer/i);
    let derived = 0;
    for await (const d of deriveAzureRows(dir, entries)) if (d.table === 'azureactivity_CL') derived++;
    assert.ok(derived > 0, 'the rows come from the successful attempt');
  } finally {
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  }
});
