// `kubeforensys timeline BUNDLE` filter flags as a responder types them: free text reaches inside
// Details (an IOC in a command, a rule's explanation), a container keeps its pod's pod-level rows,
// --workload names a template's findings, --record narrows to the starred rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAzureCommands } from './run.js';
import { writeFixtureBundle } from '../extension/bundleFixture.js';

async function rows(...args: string[]): Promise<Record<string, unknown>[]> {
  const { out } = await runAzureCommands('timeline', ...args, '--format', 'jsonl');
  return out.trim() === '' ? [] : out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('timeline --text finds an IOC inside a command and words of an explanation, in any case', async () => {
  const { dir } = await writeFixtureBundle();
  const ioc = await rows(dir, '--text', '203.0.113.7');
  assert.deepEqual(ioc.map((r) => r.Summary), ['curl'], 'the IP is only in the Command column of Details');
  const explained = await rows(dir, '--text', 'XMRIG IMAGE');
  assert.equal(explained.length, 1);
  assert.equal((explained[0]!.Details as Record<string, unknown>).ResourceName, 'kube-metrics-sync');
});

test('timeline --container keeps the pod-level rows; --workload and --record select exactly', async () => {
  const { dir } = await writeFixtureBundle();
  const debugger_ = await rows(dir, '--container', 'default/node-debugger/debugger');
  const types = debugger_.map((r) => r.EventType);
  assert.ok(types.includes('Scheduled') && types.includes('PodCreated'), `pod-level rows kept: ${types.join(', ')}`);
  assert.ok(debugger_.some((r) => r.Summary === 'sleeping'), "the container's own log line");
  const cron = await rows(dir, '--workload', 'kube-system/CronJob/kube-metrics-sync');
  assert.deepEqual(cron.map((r) => (r.Details as Record<string, unknown>).ResourceName), ['kube-metrics-sync']);
  const [first] = await rows(dir, '--text', 'curl');
  assert.deepEqual((await rows(dir, '--record', String(first!.RecordId))).map((r) => r.RecordId), [first!.RecordId]);
});
