// Content rules over shell history and log lines: each rule fires on a sample and stays silent on a
// near miss; then the demo scenario collected through the real client against the emulator puts
// the planted history and previous-log steps into suspiciouspods_CL, and nothing for the platform pods.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CONTENT_FINDINGS_PER_CONTAINER, CONTENT_RULES, ContainerContentScanner, contentFindings, contentHits, type ContentSource } from '../../../src/core/detections/index.js';
import { LOG_RULES } from '../../../src/core/detections/contentRules.js';
import { startKubeEmulator, type KubeEmulator } from '../../emulators/kube/index.js';
import { connectCluster } from '../../../src/core/cluster/connect.js';
import type { ClusterApi } from '../../../src/core/cluster/api.js';
import type { ArtifactId } from '../../../src/core/schema/artifacts.js';
import { commandHistory, suspiciousPods, type SuspiciousPodRow } from '../../../src/core/schema/tables.js';
import { deriveLogTable } from '../../../src/core/derive/index.js';
import { collectAndDerive } from '../../support/derived.js';
import { CONTENT_CASES } from './contentCases.js';
import { tempDir } from '../../support/tempDir.js';

const ids = (source: ContentSource, text: string) => contentHits(source, text).map((h) => h.rule.id).sort();

const CASES = CONTENT_CASES;

for (const [rule, source, fires, nearMiss] of CASES) {
  const id = CONTENT_RULES[rule].id;
  test(`${id} (${source}) fires on ${JSON.stringify(fires).slice(0, 60)}, not on its near miss`, () => {
    assert.ok(ids(source, fires).includes(id), `${id} on ${fires}: got ${ids(source, fires).join(', ')}`);
    assert.ok(!ids(source, nearMiss).includes(id), `${id} must not fire on ${nearMiss}`);
  });
}

test('every content rule has a firing case and a near miss', () => {
  // The cap's own finding is tested with the cap.
  const covered = new Set([...CASES.map(([rule]) => CONTENT_RULES[rule].id), CONTENT_RULES.capped.id]);
  assert.deepEqual(Object.values(CONTENT_RULES).map((r) => r.id).filter((id) => !covered.has(id)), []);
  assert.ok(LOG_RULES.includes(CONTENT_RULES.scanner) && LOG_RULES.includes(CONTENT_RULES.c2Beacon));
});

test('history-only rules do not run over logs: a client library naming the token path is not a finding', () => {
  assert.deepEqual(ids('log', 'loading in-cluster config from /var/run/secrets/kubernetes.io/serviceaccount/token'), []);
  assert.deepEqual(ids('history', 'uid=0(root) gid=0(root)'), [], 'output patterns only apply to logs');
});

test('a finding carries the technique, its origin, its own time, and bounded one-line evidence', () => {
  const text = `curl -k https://kubernetes.default.svc/api -H "Authorization: Bearer x"\n${'A'.repeat(5000)}`;
  const [f] = contentFindings('history', text, { namespace: 'prod', pod: 'web-1', container: 'nginx', fieldPath: 'history:/root/.bash_history#5', eventTime: '2026-11-27T02:08:00.0000000Z' });
  assert.ok(f);
  assert.equal(f.ruleId, 'CONTENT-API-SERVER-ACCESS');
  assert.equal(f.techniqueId, 'MS-TA9029');
  assert.equal(f.techniqueName, 'Access the Kubernetes API server');
  assert.deepEqual(f.resource, { kind: 'Pod', namespace: 'prod', name: 'web-1', container: 'nginx' });
  assert.equal(f.fieldPath, 'history:/root/.bash_history#5');
  assert.equal(f.eventTime, '2026-11-27T02:08:00.0000000Z');
  assert.ok(f.fieldValue.length <= 512 && !f.fieldValue.includes('\n'));
  assert.ok(!f.explanation.includes('\n'));
});

test('a noisy container yields at most the per-container cap of findings', () => {
  const s = new ContainerContentScanner('log', { namespace: 'x', pod: 'p', container: 'c' });
  let n = 0;
  for (let i = 0; i < 100; i++) n += s.check('uid=0(root) gid=0(root)', `log:line ${i}`, null).length;
  assert.equal(n, CONTENT_FINDINGS_PER_CONTAINER);
  assert.equal(s.dropped, 100 - CONTENT_FINDINGS_PER_CONTAINER);
  const capped = s.capFinding()!;
  assert.equal(capped.ruleId, 'CONTENT-FINDINGS-CAPPED');
  assert.equal(capped.severity, 'info');
  assert.equal(capped.fieldValue, `${100 - CONTENT_FINDINGS_PER_CONTAINER} more above the cap of ${CONTENT_FINDINGS_PER_CONTAINER}`);
  // Near miss: a container under the cap says nothing more.
  const quiet = new ContainerContentScanner('log', { namespace: 'x', pod: 'p', container: 'c' });
  quiet.check('uid=0(root) gid=0(root)', 'log:line 1', null);
  assert.equal(quiet.capFinding(), null);
});

// ---- the demo scenario through the real client and the emulator ----

let emu: KubeEmulator;
let api: ClusterApi;
let dir: string;
const signal = new AbortController().signal;

before(async () => {
  emu = await startKubeEmulator({ scenario: resolve('test/emulators/kube/scenarios/demo.yaml') });
  dir = await tempDir('kfs-content-');
  await emu.writeKubeconfig(join(dir, 'kubeconfig.yaml'));
  api = (await connectCluster({ kubeconfig: join(dir, 'kubeconfig.yaml'), signal })).api;
});

after(async () => {
  await emu?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Collects `artifact` into raw evidence and returns the findings derived from it, as a bundle holds them. */
async function findingsOf(artifact: ArtifactId): Promise<SuspiciousPodRow[]> {
  const r = await collectAndDerive(api, artifact, { execEnabled: true, concurrency: 4, sinceSeconds: 0 });
  assert.deepEqual(r.errors, []);
  return (r.rows.get(suspiciousPods.name) ?? []) as unknown as SuspiciousPodRow[];
}

const steps = (rows: SuspiciousPodRow[], pod: string) => new Set(rows.filter((r) => r.PodName === pod).map((r) => `${r.RuleId} ${r.TechniqueId}`));

test('demo: the attacker\'s shell history becomes findings with their techniques and command times', async () => {
  const rows = await findingsOf('commandHistory');
  const web = steps(rows, 'web-frontend-7d9f8b6c5d-x2k9p');
  for (const want of ['CONTENT-DOWNLOAD-EXECUTE MS-TA9007', 'CONTENT-SA-TOKEN-READ MS-TA9016', 'CONTENT-API-SERVER-ACCESS MS-TA9029']) assert.ok(web.has(want), want);
  const dbg = steps(rows, 'node-debugger');
  for (const want of ['CONTENT-HOST-BREAKOUT MS-TA9013', 'CONTENT-CLOUD-CREDENTIALS MS-TA9026']) assert.ok(dbg.has(want), want);

  const token = rows.find((r) => r.RuleId === 'CONTENT-SA-TOKEN-READ')!;
  // The citation: file and entry, and the commandhistory_CL record holding the command.
  assert.match(token.FieldPath, /^history:\/root\/\.bash_history#4, record [^/]+\/commandhistory_CL\/\d{9}$/);
  const histRun = await collectAndDerive(api, 'commandHistory', { execEnabled: true, concurrency: 4, sinceSeconds: 0 });
  const cited = (histRun.rows.get(commandHistory.name) ?? []).find((r) => r.RecordId === token.FieldPath.split(', record ')[1]!.replace(/^[^/]+/, String(r.SnapshotId)));
  assert.equal(cited?.Command, token.FieldValue, 'the record cited is the command the finding is about');
  assert.equal(token.FieldValue, 'cat /var/run/secrets/kubernetes.io/serviceaccount/token');
  assert.equal(token.ContainerName, 'nginx');
  assert.equal(token.EventType, 'Finding');
  assert.match(token.EventTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/, 'the command\'s own (HISTTIMEFORMAT) time');
  const dl = rows.find((r) => r.RuleId === 'CONTENT-DOWNLOAD-EXECUTE' && r.FieldPath.includes('#2, record '))!;
  assert.ok(Date.parse(dl.EventTime!) < Date.parse(token.EventTime!), 'each finding keeps its own command time');
  assert.ok(rows.every((r) => r.Namespace !== 'kube-system'), 'no content finding on kube-system pods');
});

test('demo: the restarted api-backend\'s PREVIOUS log shows the RCE; platform pods yield nothing', async () => {
  const rows = await findingsOf('containerLogs');
  const backend = rows.filter((r) => r.PodName.startsWith('api-backend-'));
  const got = new Set(backend.map((r) => `${r.RuleId} ${r.TechniqueId}`));
  for (const want of ['CONTENT-LOG-ROOT-ID MS-TA9009', 'CONTENT-LOG-RAW-IP-DOWNLOAD MS-TA9009', 'CONTENT-LOG-EXPLOIT-GADGET MS-TA9009']) assert.ok(got.has(want), want);
  assert.ok(backend.every((r) => r.FieldPath.startsWith('log(previous):line ')), 'the evidence is in the previous log');
  const root = backend.find((r) => r.RuleId === 'CONTENT-LOG-ROOT-ID')!;
  // The citation names the line and the kubelogs_CL record of that line.
  const [, line, record] = /^log\(previous\):line (\d+), record (\S+)$/.exec(root.FieldPath)!;
  const logRun = await collectAndDerive(api, 'containerLogs', { sinceSeconds: 0 });
  const logRows: Record<string, unknown>[] = [];
  for await (const r of deriveLogTable(logRun.input)) logRows.push(r);
  const cited = logRows.find((r) => String(r.RecordId).endsWith(record!.slice(record!.indexOf('/'))))!;
  assert.equal(cited.Message, root.FieldValue);
  assert.equal(cited.LineNumber, Number(line));
  assert.equal(root.FieldValue, 'uid=0(root) gid=0(root) groups=0(root)');
  assert.equal(root.ContainerName, 'api');
  // The miner job's own log is an attack step; every other kube-system pod is the platform's.
  const platform = rows.filter((r) => r.Namespace === 'kube-system' && !r.PodName.startsWith('kube-metrics-sync-'));
  assert.deepEqual(platform.map((r) => `${r.PodName}: ${r.FieldValue}`), []);
  assert.ok(rows.some((r) => r.PodName.startsWith('kube-metrics-sync-') && r.RuleId === 'CONTENT-CRYPTO-MINER'));
  const perContainer = new Map<string, number>();
  for (const r of rows) perContainer.set(`${r.PodName}/${r.ContainerName}`, (perContainer.get(`${r.PodName}/${r.ContainerName}`) ?? 0) + 1);
  assert.ok([...perContainer.values()].every((n) => n <= CONTENT_FINDINGS_PER_CONTAINER));
});
