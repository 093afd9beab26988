import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { registerAzureCommands } from '../../src/cli/azure.js';
import { startAzureEmulator, type AzureEmulator } from '../emulators/azure/server.js';
import { TEST_ENDPOINTS_ENV } from '../../src/core/azure/testEndpoints.js';
import { makeHostileBundle } from '../core/azure/fixtures.js';

let emu: AzureEmulator;
let dir: string;

before(async () => {
  emu = await startAzureEmulator();
  dir = await mkdtemp(join(tmpdir(), 'kfs-cli-azure-'));
  await emu.writeEndpointsFile(join(dir, 'endpoints.json'));
  process.env[TEST_ENDPOINTS_ENV] = join(dir, 'endpoints.json');
});
after(async () => {
  delete process.env[TEST_ENDPOINTS_ENV];
  await emu.close();
});

async function run(...args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => new Writable({ write: (c, _e, cb) => (append(String(c)), cb()) });
  const program = new Command('kubeforensys').exitOverride();
  registerAzureCommands(program, { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) });
  await program.parseAsync(['node', 'kubeforensys', ...args]);
  return { out, err };
}

test('provision, ingest, then `timeline --workspace` prints the same rows as `timeline BUNDLE` (jsonl and csv)', async () => {
  const plan = await run('provision', '--plan', '--resource-group', 'rg-cli');
  assert.match(plan.out, /would create workspace KubeForenSys-LAW/);
  assert.equal(emu.stats.armWrites, 0);
  const first = await run('provision', '--resource-group', 'rg-cli');
  // Against the emulator the ids go beside its endpoints file, never into the user's home.
  assert.ok(first.out.includes(`Provisioned. Ids saved to ${join(dir, 'endpoints.json')}.azure-state.json`), first.out);
  const second = await run('provision', '--resource-group', 'rg-cli');
  assert.match(second.out, /Nothing changed: everything was already in place/);
  const bundle = await makeHostileBundle();
  const ingest = await run('ingest', bundle);
  assert.match(ingest.out, /kubelogs_CL\s+11\s+11\s+0/);
  for (const format of ['jsonl', 'csv']) {
    for (const filter of [[], ['--namespace', 'kube-system', '--text', 'LINE']]) {
      const local = await run('timeline', bundle, '--format', format, ...filter);
      const remote = await run('timeline', '--workspace', '--format', format, ...filter);
      assert.ok(local.out.length > 100);
      assert.equal(remote.out, local.out);
    }
  }
});

test('`kql` prints a query with the hostile values escaped', async () => {
  const { out } = await run('kql', '--pod', 'prod/evil"pod', '--text', 'a\\b');
  assert.match(out, /PodName == "evil\\"pod"/);
  assert.match(out, /contains "a\\\\b"/);
});

test('csv output defuses spreadsheet formulas from cluster text', async () => {
  const { writeTimeline } = await import('../../src/cli/azure.js');
  let out = '';
  await writeTimeline([{ Time: '', TimeSource: 'none', SourceTable: 'kubelogs_CL', EventType: 'LogLine', Cluster: 'c', Namespace: 'n', PodName: '=HYPERLINK("http://x")', ContainerName: '', Summary: '', Severity: '', TechniqueId: '', RecordId: 'r', Details: {} }], 'csv', new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) }));
  assert.match(out, /"'=HYPERLINK\(""http:\/\/x""\)"/);
});
