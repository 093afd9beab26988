// The packaged extension in a real VS Code (code-server), used through headless Chromium the way an
// analyst would: palette, activity bar, tree, notifications, the timeline webview. The cluster is
// the Kubernetes API emulator (demo scenario, and a large generated one); Log Analytics is the
// Azure emulator, reached through the test-only endpoints variable. The tests run in order and
// share one workbench: each scenario starts where the previous one left the window.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Frame } from 'playwright-core';
import { ARTIFACTS } from '../../src/core/schema/artifacts.js';
import { TABLES, suspiciousPods } from '../../src/core/schema/tables.js';
import type { TimelineRow } from '../../src/core/schema/timeline.js';
import { openBundle } from '../../src/core/evidence/reader.js';
import { MANIFEST_FILE, type Manifest } from '../../src/core/evidence/manifest.js';
import { verifyBundle } from '../../src/core/evidence/verify.js';
import { emptyFilter, type TimelineFilter } from '../../src/core/timeline/filter.js';
import { matchesFilter, toTimelineRow } from '../../src/core/timeline/rows.js';
import { generateLargeScenario, startKubeEmulator, type KubeEmulator } from '../emulators/kube/index.js';
import { startAzureEmulator, type AzureEmulator } from '../emulators/azure/server.js';
import { CodeServer, Workbench, launchChromium, until } from './harness.js';
import { pick, renderedRows, timelineFrame, waitStatus } from './timelineFrame.js';

const DEMO = 'test/emulators/kube/scenarios/demo.yaml';
const PRIVILEGED = { namespace: 'default', pod: 'node-debugger', container: 'node-debugger' };
const WEB = { namespace: 'prod-web', pod: 'web-frontend-7d9f8b6c5d-x2k9p', container: 'nginx' };
const HOSTILE = '<img src=x onerror="window.__kfsPwned=1"></script><script>window.__kfsPwned=1</script>';
const STEP = { timeout: 240_000 };
/** Scenario 6: how long ingested rows stay unqueryable (minutes on Azure); long enough for a slow machine to open the panel first. */
const AZURE_INGESTION_DELAY_MS = 45_000;

let demo: KubeEmulator;
let large: KubeEmulator;
let azure: AzureEmulator;
let cs: CodeServer;
let browser: Browser;
let wb: Workbench;
let files: string;
let kubeconfigs: { demo: string; large: string };
/** The bundle the demo collection wrote (scenario 2), used by the later scenarios. */
let demoBundle: string | undefined;

before(async () => {
  demo = await startKubeEmulator({ scenario: DEMO });
  // The forbidden artifact of scenario 2: a collector without RBAC to list cron jobs.
  demo.faults.forbid('cronjobs', { group: 'batch' });
  // Keeps the collection running long enough for the progress notification to be seen.
  demo.faults.add({ type: 'delay', ms: 3000, path: '/apis/networking.k8s.io/v1/networkpolicies' });
  // Scenario 3: enough containers that the collection is still running when Cancel is pressed.
  large = await startKubeEmulator({ scenario: generateLargeScenario({ pods: 200, containersPerPod: 2, linesPerContainer: 200, namespaces: 4 }) });
  large.faults.add({ type: 'delay', ms: 150, path: '^/api/v1/namespaces/[^/]+/pods/[^/]+/log' });
  azure = await startAzureEmulator();

  // Kubeconfigs and the endpoints file live outside code-server's folders, written before it starts.
  files = await mkdtemp(join(tmpdir(), 'kfs-e2e-files-'));
  kubeconfigs = { demo: join(files, 'demo.kubeconfig'), large: join(files, 'large.kubeconfig') };
  await demo.writeKubeconfig(kubeconfigs.demo);
  await large.writeKubeconfig(kubeconfigs.large);
  const endpoints = join(files, 'azure-endpoints.json');
  await azure.writeEndpointsFile(endpoints);
  // The extension host inherits code-server's environment: the endpoints variable is the
  // test-only credential the extension accepts.
  cs = await CodeServer.start({
    env: { KUBEFORENSYS_TEST_AZURE_ENDPOINTS: endpoints },
    settings: { 'kubeforensys.kubeconfig': kubeconfigs.demo, 'kubeforensys.azure.resourceGroup': 'rg-incident', 'kubeforensys.azure.location': 'westeurope' },
  });
  browser = await launchChromium();
  wb = await Workbench.open(browser, cs);
});

after(async () => {
  await wb?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await cs?.close().catch(() => undefined);
  await Promise.all([demo?.close(), large?.close(), azure?.close()].map((p) => p?.catch(() => undefined)));
  if (files) await rm(files, { recursive: true, force: true });
});

/** Bundles in the evidence folder, newest first. */
async function bundles(): Promise<string[]> {
  const names = await readdir(cs.evidenceDir).catch(() => [] as string[]);
  const dirs = await Promise.all(
    names.map(async (n) => {
      const dir = join(cs.evidenceDir, n);
      const st = await stat(join(dir, MANIFEST_FILE)).catch(() => undefined);
      return st ? { dir, at: st.mtimeMs } : undefined;
    }),
  );
  return dirs
    .filter((d): d is { dir: string; at: number } => !!d)
    .sort((a, b) => b.at - a.at)
    .map((d) => d.dir);
}

/** Every timeline row of a bundle, converted by core's own rules (independent of the webview). */
async function bundleRows(dir: string): Promise<TimelineRow[]> {
  const b = await openBundle(dir);
  const out: TimelineRow[] = [];
  for (const t of TABLES) for await (const r of b.readTable(t.name)) out.push(toTimelineRow(t.name, r as unknown as Record<string, unknown>));
  return out;
}

const only = (rows: TimelineRow[], f: Partial<TimelineFilter>) => rows.filter((r) => matchesFilter(r, { ...emptyFilter(), ...f }));
const records = (n: number) => new RegExp(`^${n.toLocaleString('en-US')} records?\\b`);
/**
 * A scenario as a test; when it fails, the window is saved as a screenshot and the extension's own
 * log is appended to the error, so a CI failure can be read without rerunning.
 */
function scenario(name: string, fn: () => Promise<void>): void {
  test(name, STEP, async () => {
    try {
      await fn();
    } catch (err) {
      const shot = join(tmpdir(), `kfs-e2e-failure-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}.png`);
      await wb?.page.screenshot({ path: shot }).catch(() => undefined);
      const log = (await cs?.extensionLog().catch(() => '')) ?? '';
      const e = err instanceof Error ? err : new Error(String(err));
      e.message += `\n--- screenshot: ${shot}\n--- KubeForenSys log (last lines):\n${log.split('\n').slice(-25).join('\n')}`;
      throw e;
    }
  });
}

const cspErrors = () => wb.consoleErrors.filter((e) => /Content Security Policy|Refused to (execute|load|apply)/i.test(e));

scenario('1. fresh install: nothing runs until the view is opened; then the view container and its welcome view show', async () => {
  const page = wb.page;
  // Installed (the .vsix went through --install-extension) but not activated by the workbench start.
  assert.ok((await readdir(cs.extensionsDir)).some((n) => n.startsWith('kubeforensys.kubeforensys-')), 'the .vsix is installed');
  await page.locator('.statusbar').waitFor();
  assert.doesNotMatch(cs.extensionHostLog(), /_doActivateExtension kubeforensys\.kubeforensys/, 'not activated at startup');
  assert.equal(await page.locator('.statusbar-item', { hasText: 'aks-prod-weu' }).count(), 0, 'no status bar item before activation');

  const pane = await wb.openKubeForenSys();
  const welcome = pane.locator('.welcome-view-content');
  await welcome.waitFor();
  assert.match((await welcome.textContent()) ?? '', /collects forensic evidence from a Kubernetes \(AKS\) cluster/);
  for (const button of ['Collect Forensic Snapshot', 'Select Cluster Context', 'Open Evidence Bundle']) {
    await welcome.locator('.monaco-button', { hasText: button }).waitFor();
  }
  const line = await until('the activation in the extension host log', () => /_doActivateExtension kubeforensys\.kubeforensys.*activationEvent: '([^']+)'/.exec(cs.extensionHostLog()));
  assert.equal(line[1], 'onView:kubeforensys.artifacts', 'opening the view is what activated it');
  // Activation read the kubeforensys.kubeconfig setting: the context shows in the status bar.
  await page.locator('.statusbar-item', { hasText: 'aks-prod-weu' }).waitFor();
});

scenario('2. Collect Forensic Snapshot from the palette: progress, completion, every artifact with its count, the forbidden one with its reason', async () => {
  const progress = wb.notification('KubeForenSys: collecting from aks-prod-weu');
  const progressSeen = progress.waitFor({ timeout: 60_000 });
  await wb.runCommand('KubeForenSys: Collect Forensic Snapshot');
  await progressSeen;
  await progress.locator('.monaco-button', { hasText: 'Cancel' }).waitFor();

  const summary = wb.notification(/KubeForenSys: Snapshot (complete|partial)/);
  await summary.waitFor({ timeout: 120_000 });
  await progress.waitFor({ state: 'hidden' });
  assert.match((await summary.textContent()) ?? '', /Cron jobs forbidden/);
  for (const b of ['Open Timeline', 'Reveal Bundle', 'Show Log']) await summary.locator('.monaco-button', { hasText: b }).waitFor();
  await wb.dismissNotifications();

  demoBundle = (await bundles())[0];
  assert.ok(demoBundle, 'a bundle was written to the evidence folder');
  const manifest: Manifest = (await openBundle(demoBundle)).manifest;
  assert.equal(manifest.status, 'partial');

  const snapshot = wb.treeItem('Snapshot of aks-prod-weu');
  await snapshot.waitFor();
  assert.match(await wb.treeDescription(snapshot), /^partial · /);
  // Suspicious pods opens expanded; fold it so every artifact row is on screen at once.
  const suspicious = wb.treeItem(/^Suspicious pods$/);
  await suspicious.waitFor();
  if ((await suspicious.getAttribute('aria-expanded')) === 'true') await suspicious.locator('.monaco-tl-twistie').click();
  for (const a of ARTIFACTS) {
    const report = manifest.artifacts[a.id];
    assert.ok(report, `the manifest reports ${a.id}`);
    const row = wb.treeItem(new RegExp(`^${a.label}$`));
    await row.waitFor();
    const description = await wb.treeDescription(row);
    if (a.id === 'suspiciousPods') {
      // Findings are counted as findings, per severity: "3 high · 5 medium · 2 low".
      // (Until the findings are read, the total: "88 findings".)
      const counts = [...description.matchAll(/([\d,]+) (high|medium|low|info|findings)\b/g)].map((m) => Number(m[1]!.replace(/,/g, '')));
      // Every finding row of the table (content findings from logs included), not the artifact's object count.
      const findings: number = (await bundleRows(demoBundle!)).filter((r) => r.SourceTable === suspiciousPods.name).length;
      assert.equal(counts.reduce((x, y) => x + y, 0), findings, `${a.label} counts its findings: ${description}`);
    } else assert.match(description, records(report.records), `${a.label} shows its record count`);
  }
  assert.ok(manifest.artifacts.containerLogs!.records > 0 && manifest.artifacts.suspiciousPods!.records > 0);

  const cron = wb.treeItem(/^Cron jobs$/);
  assert.equal(manifest.artifacts.cronJobs!.status, 'forbidden');
  const description = await wb.treeDescription(cron);
  assert.match(description, /forbidden: .*403 Forbidden: cronjobs\.batch is forbidden: User "[^"]+" cannot list resource "cronjobs"/);
  await wb.expand(cron);
  const gap = wb.treeItem('cronjobs in namespace prod-web');
  await gap.waitFor();
  assert.equal(await wb.treeDescription(gap), 'forbidden');
  await cron.locator('.monaco-tl-twistie').click();
});

scenario('4. tree drill-down: Suspicious pods → the privileged pod → its finding with the technique id → its container → Show in Timeline', async () => {
  assert.ok(demoBundle, 'needs the bundle of scenario 2');
  await wb.expand(wb.treeItem(/^Suspicious pods$/));
  const pod = wb.treeItem(`${PRIVILEGED.namespace}/${PRIVILEGED.pod}`);
  await wb.expand(pod);
  assert.match(await wb.treeDescription(pod), /^\d+ high\b/, 'counts per severity');
  const finding = wb.treeItem(/^Privileged container$/);
  await finding.waitFor();
  assert.match(await wb.treeDescription(finding), /^MS-TA9018\b.*container node-debugger/);
  const container = wb.treeItem(new RegExp(`^${PRIVILEGED.container}$`));
  await container.waitFor();
  assert.equal(await wb.treeDescription(container), 'container');
  await wb.widenSideBar(460);
  await wb.screenshot('tree-dark', wb.sideBar());
  await container.hover();
  await container.locator('.action-label[aria-label="Show in Timeline"]').click();
  await timelineFrame(wb.page, /^Bundle: aks-prod-weu/);
});

scenario('5. timeline: filtered to that container; another container; cleared; the hostile log line is inert text', async () => {
  assert.ok(demoBundle, 'needs the bundle of scenario 2');
  const all = await bundleRows(demoBundle);
  const frame = await timelineFrame(wb.page, /^Bundle: aks-prod-weu/);
  const chip = (c: typeof PRIVILEGED) => frame.locator(`[data-chip="container:${c.namespace}/${c.pod}/${c.container}"]`);
  const expectOnly = async (c: typeof PRIVILEGED) => {
    const n = only(all, { containers: [c] }).length;
    assert.ok(n > 0, `the bundle has rows of ${c.container}`);
    await waitStatus(frame, { shown: n, total: all.length });
    const rows = await renderedRows(frame);
    assert.ok(rows.length > 0);
    // The container's rows and its pod's pod-level rows (the pod's findings, its Scheduled event).
    for (const r of rows) assert.ok(r.namespace === c.namespace && r.pod === c.pod && (r.container === c.container || r.container === ''), JSON.stringify(r));
  };

  // The side bar back at a usual width (scenario 4 widened it for the tree's screenshot).
  await wb.resizeSideBar(300);
  // Opened by Show in Timeline: exactly the privileged pod's container.
  await chip(PRIVILEGED).waitFor();
  await expectOnly(PRIVILEGED);
  // The screenshot as it opens: the Summary must be readable.
  const summary = (await frame.locator('.kfs-header [data-col="summary"]').boundingBox())!;
  assert.ok(summary.width >= 318, `the Summary column is readable without resizing anything (${summary.width}px)`);
  await wb.screenshot('timeline-dark');

  // Another container from the container picker ("nginx" + Enter: the real container): it replaces the first.
  const input = frame.locator('#kfs-container-picker input');
  await input.click();
  await input.fill('nginx');
  await frame.locator('#kfs-container-picker-list .kfs-picker-item').first().waitFor();
  await input.press('Enter');
  await chip(WEB).waitFor();
  await chip(PRIVILEGED).waitFor({ state: 'detached' });
  await expectOnly(WEB);

  // Clear: everything again.
  await frame.locator('#kfs-clear').click();
  await waitStatus(frame, { shown: all.length, total: all.length });
  assert.equal(await frame.locator('.kfs-chip').count(), 0);

  // The exploit request's log line: shown, as text, and nothing in it ran.
  await frame.evaluate(() => {
    const w = window as unknown as { __kfsCsp: string[] };
    w.__kfsCsp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__kfsCsp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await frame.locator('#kfs-text input').fill('__kfsPwned');
  const hostile = only(all, { text: '__kfsPwned' });
  assert.ok(hostile.length >= 1, 'the demo bundle holds the hostile line');
  await waitStatus(frame, { shown: hostile.length });
  const rows = await renderedRows(frame);
  assert.ok(rows.some((r) => r.summary.includes(HOSTILE)), 'the markup is shown literally');
  await frame.locator('.kfs-data-row', { hasText: 'onerror' }).first().click();
  await frame.locator('.kfs-json', { hasText: '__kfsPwned' }).waitFor();
  const state = await frame.evaluate(() => ({
    pwned: (window as unknown as { __kfsPwned?: unknown }).__kfsPwned,
    injected: document.querySelectorAll('.kfs-app img, .kfs-app script').length,
    violations: (window as unknown as { __kfsCsp: string[] }).__kfsCsp,
  }));
  assert.equal(state.pwned, undefined, 'no script from the log line ran');
  assert.equal(state.injected, 0, 'no element was made from the log line');
  assert.deepEqual(state.violations, [], 'nothing the CSP had to block');
  assert.deepEqual(cspErrors(), [], 'no CSP errors on the console');
  await frame.getByRole('button', { name: 'Close' }).click();
  await frame.locator('#kfs-clear').click();
  await waitStatus(frame, { shown: all.length });
});

scenario('5b. Show in Timeline on a finding: its row selected among what happened around it; a star kept in the case file and shown again in a new panel', async () => {
  assert.ok(demoBundle, 'needs the bundle of scenario 2');
  const finding = wb.treeItem(/^Privileged container$/);
  await finding.waitFor();
  await finding.click();
  const frame = await timelineFrame(wb.page, /^Bundle: aks-prod-weu/);
  await frame.locator('[data-chip="time"]').waitFor();
  const selected = frame.locator('.kfs-data-row.kfs-selected');
  await selected.waitFor();
  assert.equal((await renderedRows(frame)).filter((r) => r.selected).length, 1);
  // The selected row's Details: the finding on the privileged pod.
  await frame.locator('.kfs-json', { hasText: '"EventType": "Finding"' }).waitFor();
  const shown = JSON.parse((await frame.locator('.kfs-json').textContent())!) as TimelineRow;
  assert.deepEqual([shown.EventType, shown.Namespace, shown.PodName], ['Finding', PRIVILEGED.namespace, PRIVILEGED.pod]);
  assert.match(shown.Summary, /Privileged container/);
  assert.match((await selected.textContent())!, /Privileged container/, 'the selected grid row is that finding');
  // Around the finding: the exploit request in the web frontend's log, minutes before the pod was made.
  const around = await renderedRows(frame);
  assert.ok(around.length > 0);
  await frame.locator('#kfs-text input').fill('__kfsPwned');
  await frame.locator('.kfs-data-row', { hasText: 'onerror' }).first().waitFor();
  await frame.locator('.kfs-data-row', { hasText: 'onerror' }).first().locator('.kfs-star').click();
  await frame.locator('.kfs-data-row.kfs-starred', { hasText: 'onerror' }).waitFor();
  const caseFile = `${demoBundle}.case.json`;
  const saved = await until('the case file beside the bundle', async () => (await readFile(caseFile, 'utf8').catch(() => '')) || undefined);
  const starredIds = Object.entries((JSON.parse(saved) as { marks: Record<string, { starred: boolean }> }).marks).filter(([, m]) => m.starred);
  assert.equal(starredIds.length, 1);
  assert.equal((await verifyBundle(demoBundle)).ok, true, 'the sealed bundle is untouched by the marks');
  // Close the panel (its webview state goes with it) and open the timeline again: the star is read back.
  await wb.runCommand('View: Close All Editors');
  await wb.runCommand('KubeForenSys: Open Timeline');
  const again = await timelineFrame(wb.page, /^Bundle: aks-prod-weu/);
  await again.locator('#kfs-marks-dropdown').click();
  await again.locator('#kfs-marks-dropdown vscode-option', { hasText: 'Starred (1)' }).click();
  await waitStatus(again, { shown: 1 });
  await again.locator('.kfs-data-row.kfs-starred', { hasText: 'onerror' }).waitFor();
  await again.locator('#kfs-clear').click();
});

scenario('screenshots: the tree and the timeline in the light theme', async () => {
  assert.ok(demoBundle, 'needs the bundle of scenario 2');
  await cs.updateSettings({ 'workbench.colorTheme': 'Default Light Modern' });
  await wb.page.locator('.monaco-workbench.vs:not(.vs-dark)').waitFor();
  const frame = await timelineFrame(wb.page, /^Bundle: aks-prod-weu/);
  // The webview follows the theme through VS Code's body classes.
  await until('the webview in the light theme', () => frame.evaluate(() => document.body.classList.contains('vscode-light')));
  await pick(frame, 'container', 'node-debugger', `${PRIVILEGED.namespace}/${PRIVILEGED.pod}/${PRIVILEGED.container}`);
  await waitStatus(frame, { shown: only(await bundleRows(demoBundle), { containers: [PRIVILEGED] }).length });
  await wb.widenSideBar(460);
  await wb.screenshot('tree-light', wb.sideBar());
  await wb.resizeSideBar(300);
  await wb.screenshot('timeline-light');
  await cs.updateSettings({ 'workbench.colorTheme': 'Default Dark Modern' });
  await wb.page.locator('.monaco-workbench.vs-dark').waitFor();
});

scenario('6. Log Analytics: provision and ingest against the Azure emulator; the workspace timeline says what has arrived, and after Refresh shows the same rows as the local one', async () => {
  assert.ok(demoBundle, 'needs the bundle of scenario 2');
  const local = await bundleRows(demoBundle);

  await wb.runCommand('KubeForenSys: Provision Log Analytics Resources');
  const ready = wb.notification(/KubeForenSys: Log Analytics ready: workspace KubeForenSys-LAW in rg-incident/);
  await ready.waitFor({ timeout: 120_000 });
  await wb.dismissNotifications();

  // Ingested rows become queryable only after a while, as on Azure: the timeline must say so.
  azure.limits.ingestionDelayMs = AZURE_INGESTION_DELAY_MS;
  await wb.runCommand('KubeForenSys: Ingest Snapshot into Log Analytics');
  const done = wb.notification(/Open Workspace Timeline/);
  await done.waitFor({ timeout: 120_000 });
  const ingestedAt = Date.now();
  assert.match((await done.textContent()) ?? '', new RegExp(local.length.toLocaleString('en-US')), 'every row was sent');
  await done.locator('.monaco-button', { hasText: 'Open Workspace Timeline' }).click();

  // The rows are not queryable yet: the timeline says how many have arrived and offers Refresh
  // rather than passing an empty timeline off as the answer.
  const arriving = wb.notification(new RegExp(`ingested ${local.length.toLocaleString('en-US')} rows at .*; the workspace shows [\\d,]+ so far`));
  await arriving.waitFor({ timeout: AZURE_INGESTION_DELAY_MS });
  await until('the ingestion delay to pass', () => Date.now() - ingestedAt > AZURE_INGESTION_DELAY_MS + 500, AZURE_INGESTION_DELAY_MS + 10_000);
  await arriving.locator('.monaco-button', { hasText: 'Refresh' }).click();
  azure.limits.ingestionDelayMs = 0;

  // Refresh reloads the panel's page: the frame found first may be the one being replaced.
  const workspace = await until(
    'the refreshed workspace timeline',
    async () => {
      const f = await timelineFrame(wb.page, /^Workspace: Log Analytics · KubeForenSys-LAW/);
      return waitStatus(f, { shown: local.length, total: local.length }).then(() => f, () => null);
    },
    90_000,
  );
  const fromWorkspace = await renderedRows(workspace);

  // The local timeline of the same bundle. With a workspace provisioned, Open Timeline asks for
  // the source: the open snapshot is offered first.
  await wb.runCommand('KubeForenSys: Open Timeline');
  await wb.chooseQuickPick(/aks-prod-weu snapshot/);
  const bundle: Frame = await timelineFrame(wb.page, /^Bundle: aks-prod-weu/);
  await waitStatus(bundle, { shown: local.length, total: local.length });
  const fromBundle = await renderedRows(bundle);
  assert.ok(fromWorkspace.length >= 10, 'rows are rendered');
  const strip = (rs: typeof fromBundle) => rs.slice(0, 20).map(({ index: _i, ...r }) => r);
  assert.deepEqual(strip(fromWorkspace), strip(fromBundle));
  assert.deepEqual(cspErrors(), []);
});

scenario('3. cancellation on a large cluster: the bundle on disk verifies and is marked cancelled', async () => {
  await wb.dismissNotifications();
  await cs.updateSettings({ 'kubeforensys.kubeconfig': kubeconfigs.large });
  await wb.page.locator('.statusbar-item', { hasText: 'bench-cluster' }).waitFor();
  const before = new Set(await bundles());

  const progress = wb.notification('KubeForenSys: collecting from bench-cluster');
  const seen = progress.waitFor({ timeout: 60_000 });
  await wb.runCommand('KubeForenSys: Collect Forensic Snapshot');
  await seen;
  // Wait until the container logs are being read, so the cancel lands mid-collection.
  await progress.locator('.notification-list-item-message', { hasText: /Container logs \(\d+\/\d+\): [\d,]+\/[\d,]+/ }).waitFor({ timeout: 60_000 });
  await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();

  const summary = wb.notification(/Collection cancelled; the bundle holds what was collected/);
  await summary.waitFor({ timeout: 120_000 });
  const dir = await until('the cancelled bundle', async () => (await bundles()).find((d) => !before.has(d)));
  const manifest = (await openBundle(dir)).manifest;
  assert.equal(manifest.status, 'cancelled');
  const report = await verifyBundle(dir);
  assert.deepEqual(report.problems, []);
  assert.equal(report.ok, true);
  const logs = manifest.artifacts.containerLogs;
  assert.ok(logs && logs.records < 200 * 2 * 200, 'the collection stopped before reading every log');
  await wb.treeItem('Snapshot of bench-cluster').waitFor();
  assert.match(await wb.treeDescription(wb.treeItem('Snapshot of bench-cluster')), /^cancelled · /);
});
