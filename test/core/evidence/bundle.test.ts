import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, rm, stat, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
// A 0.1.0 (format 1) bundle: still opened, read and verified as it is.
import { BundleWriter, newSnapshotId } from '../../support/v1BundleWriter.js';
import { openBundle } from '../../../src/core/evidence/reader.js';
import { verifyBundle } from '../../../src/core/evidence/verify.js';
import { INGEST_CHECKPOINT_FILE, MANIFEST_FILE, tableFile } from '../../../src/core/evidence/manifest.js';
import { containerLogs, clusterEvents } from '../../../src/core/schema/tables.js';
import { tempDir } from '../../support/tempDir.js';

async function makeBundle(): Promise<string> {
  const parent = await tempDir('kfs-bundle-');
  const startedAt = new Date().toISOString();
  const w = await BundleWriter.create(parent, {
    snapshotId: newSnapshotId(new Date()),
    cluster: { context: 'ctx', cluster: '../evil/cluster', server: 'https://127.0.0.1:1', user: 'u', identity: null },
    startedAt,
    options: { artifacts: ['containerLogs'], sinceSeconds: 3600, excludeNamespaces: [], concurrency: 2, execEnabled: true },
    toolVersion: '0.0.0-test',
  });
  await w.write(containerLogs.name, {
    EventTime: '2026-01-01T00:00:00.0000000Z', EventType: 'LogLine', Namespace: 'ns', PodName: 'p', ContainerName: 'c',
    Summary: 'hello', Severity: '', TechniqueId: '', Message: 'hello', Previous: false, ContainerKind: 'container', Image: 'i',
    NodeName: 'n', LineNumber: 1, TimestampParsed: true, NonUtf8: false,
  });
  await w.write(containerLogs.name, { EventTime: null, Message: 'no ts' } as never);
  await w.logLine('info', 'collected\ntwo lines');
  await w.seal({ status: 'complete', endedAt: new Date().toISOString(), artifacts: {} });
  return w.dir;
}

test('a 0.1.0 bundle verifies, streams its rows back with the stamped columns, and keeps private modes', async () => {
  const dir = await makeBundle();
  assert.ok(!dir.includes('..'), 'the cluster name cannot walk out of the evidence folder');
  const report = await verifyBundle(dir);
  assert.deepEqual(report.problems, []);
  assert.equal(report.ok, true);
  assert.equal(report.checked, 2);
  const bundle = await openBundle(dir);
  const rows = [];
  for await (const r of bundle.readTable(containerLogs.name)) rows.push(r);
  assert.equal(rows.length, 2);
  assert.equal(rows[0]!.Message, 'hello');
  assert.equal(rows[0]!.SnapshotId, bundle.manifest.snapshotId);
  assert.match(rows[1]!.RecordId, /\/kubelogs_CL\/000000002$/);
  assert.equal(rows[1]!.PodName, '', 'absent string columns are empty strings');
  assert.equal(rows[1]!.LineNumber, null, 'absent non-string columns are null');
  assert.deepEqual(Object.keys(rows[0]!), containerLogs.columns.map((c) => c.name));
  assert.equal(bundle.manifest.tables.kubelogs_CL?.records, 2);
  const empty = [];
  for await (const r of bundle.readTable(clusterEvents.name)) empty.push(r);
  assert.equal(empty.length, 0);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  assert.equal((await stat(join(dir, tableFile(containerLogs.name)))).mode & 0o777, 0o600);
  assert.equal((await stat(join(dir, MANIFEST_FILE))).mode & 0o777, 0o600);
});

test('verify names a modified, a missing and an extra file, and an edited manifest', async () => {
  const dir = await makeBundle();
  const table = join(dir, tableFile(containerLogs.name));
  const bytes = await readFile(table);
  bytes[10] = bytes[10]! ^ 1;
  await writeFile(table, bytes);
  let report = await verifyBundle(dir);
  assert.equal(report.ok, false);
  assert.deepEqual(report.problems.map((p) => [p.kind, p.path]), [['modified', tableFile(containerLogs.name)]]);

  await rm(join(dir, 'collection.log'));
  await writeFile(join(dir, 'tables', 'planted.jsonl'), '{}\n');
  report = await verifyBundle(dir);
  assert.deepEqual(report.problems.map((p) => p.kind).sort(), ['extra', 'missing', 'modified']);

  const manifestPath = join(dir, MANIFEST_FILE);
  const m = JSON.parse(await readFile(manifestPath, 'utf8'));
  m.status = 'partial';
  await writeFile(manifestPath, JSON.stringify(m));
  report = await verifyBundle(dir);
  assert.ok(report.problems.some((p) => p.kind === 'manifest'));
});

test('the ingestion checkpoint is the one file that may appear after sealing', async () => {
  const dir = await makeBundle();
  await writeFile(join(dir, INGEST_CHECKPOINT_FILE), '{"accepted":{}}');
  assert.equal((await verifyBundle(dir)).ok, true);
  await appendFile(join(dir, tableFile(containerLogs.name)), '{"planted":true}\n');
  assert.equal((await verifyBundle(dir)).ok, false);
});

test('a folder without a manifest gets a clear error', async () => {
  const dir = await tempDir('kfs-notbundle-');
  await assert.rejects(verifyBundle(dir), /is not an evidence bundle: it has no manifest\.json/);
});

test('the manifest\'s counts must add up: per artifact over its tables, per table over the artifacts', async () => {
  const { checkCounts } = await import('../../../src/core/evidence/verify.js');
  const report = (records: number, tables: Record<string, number>) => ({ status: 'ok', records, bytes: 0, startedAt: null, endedAt: null, gaps: [], error: null, tables });
  const m = {
    artifacts: { containerLogs: report(60, { kubelogs_CL: 53, suspiciouspods_CL: 7 }), suspiciousPods: report(89, { suspiciouspods_CL: 89 }) },
    tables: { kubelogs_CL: { records: 53 }, suspiciouspods_CL: { records: 96 } },
  } as never;
  assert.deepEqual(checkCounts(m), [], 'content findings stored in suspiciouspods_CL reconcile');
  const off = { artifacts: { containerLogs: report(61, { kubelogs_CL: 53, suspiciouspods_CL: 7 }) }, tables: { kubelogs_CL: { records: 50 }, suspiciouspods_CL: { records: 7 } } } as never;
  assert.deepEqual(
    checkCounts(off).map((p) => p.detail),
    ['artifact containerLogs counts 61 rows but its rows per table add up to 60', 'table kubelogs_CL counts 50 rows but the artifacts stored 53 there'],
  );
});
