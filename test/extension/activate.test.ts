// Activates the real src/extension.ts, bundled by esbuild as the build does, with the `vscode`
// module replaced by test/extension/fakeVscode.ts: every contribution gets its registration, and
// the tree adapter turns the model into real-shaped TreeItems with checkboxes and theme icons.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { CMD, DOCUMENT_SCHEME, TIMELINE_VIEW_TYPE, VIEW_ID } from '../../src/host/ids.js';
import { extensionContext, recorder, TreeItemCheckboxState, type TreeItem } from './fakeVscode.js';
import { writeFixtureBundle } from './bundleFixture.js';
import { TWO_CONTEXTS, writeKubeconfig } from './kubeconfigFixture.js';
import { tempDir } from '../support/tempDir.js';

let ext: { activate(ctx: unknown): void };
let ctx: ReturnType<typeof extensionContext>;

before(async () => {
  const out = await tempDir('kfs-activate-');
  const outfile = join(out, 'extension.cjs');
  await esbuild.build({
    entryPoints: ['src/extension.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    mainFields: ['module', 'main'],
    alias: { vscode: resolve('test/extension/fakeVscode.ts') },
    // The Azure SDKs (CommonJS-capable) load from node_modules to keep the build quick;
    // @kubernetes/client-node is ESM-only and must be bundled, as the real build does.
    external: ['@azure/*'],
    logLevel: 'error',
  });
  recorder.settings['kubeforensys.kubeconfig'] = await writeKubeconfig('config', TWO_CONTEXTS);
  ext = createRequire(import.meta.url)(outfile) as typeof ext;
  ctx = extensionContext(resolve('.'), join(out, 'storage'));
  ext.activate(ctx);
});

const settle = () => new Promise((r) => setTimeout(r, 50));

test('activation registers every contributed command, the tree view, the serializer, the document scheme and a log channel', async () => {
  const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { contributes: { commands: { command: string }[] } };
  assert.deepEqual([...recorder.commands.keys()].sort(), pkg.contributes.commands.map((c) => c.command).sort());
  assert.deepEqual(recorder.treeViews.map((t) => t.id), [VIEW_ID]);
  assert.equal(recorder.treeViews[0]!.options.manageCheckboxStateManually, true);
  assert.deepEqual(recorder.serializers, [TIMELINE_VIEW_TYPE]);
  assert.ok(recorder.schemes.has(DOCUMENT_SCHEME));
  assert.deepEqual(recorder.channels.map((c) => [c.name, c.options]), [['KubeForenSys', { log: true }]]);
  assert.ok(ctx.subscriptions.length > 20, 'everything is disposed with the extension');
});

test('the view description and the status bar show the kubeconfig\'s current context', async () => {
  await settle();
  const view = recorder.treeViews[0]!.view;
  assert.equal(view.description, 'kind-lab');
  const item = recorder.statusItems[0];
  assert.match(item.text, /kind-lab/);
  assert.equal(item.command, CMD.selectContext);
  assert.ok(item.shown);
});

test('opening a bundle fills the tree with real TreeItems; ticking a checkbox is remembered', async () => {
  const { dir } = await writeFixtureBundle();
  await recorder.commands.get(CMD.openBundle)!(dir);
  assert.equal(recorder.contextKeys.get('kubeforensys.bundleOpen'), true);
  const provider = recorder.treeViews[0]!.options.treeDataProvider;
  const roots = await provider.getChildren(undefined);
  const snapshot = provider.getTreeItem(roots[0]) as TreeItem;
  assert.equal(snapshot.label, 'Snapshot of aks-prod-weu');
  const artifacts = await provider.getChildren(roots[0]);
  const forbidden = artifacts.map((n: unknown) => provider.getTreeItem(n) as TreeItem).find((i: TreeItem) => i.label === 'Service accounts')!;
  assert.equal(forbidden.iconPath?.id, 'lock');
  assert.equal(forbidden.iconPath?.color?.id, 'problemsErrorIcon.foreground');
  assert.equal(typeof forbidden.tooltip, 'string', 'plain text tooltips, never Markdown');

  const choices = await provider.getChildren(roots[1]);
  const logs = choices.find((n: { artifact?: string }) => n.artifact === 'containerLogs');
  assert.equal((provider.getTreeItem(logs) as TreeItem).checkboxState, TreeItemCheckboxState.Checked);
  recorder.treeViews[0]!.checkbox.fire({ items: [[logs, TreeItemCheckboxState.Unchecked]] });
  await settle();
  assert.equal((provider.getTreeItem(logs) as TreeItem).checkboxState, TreeItemCheckboxState.Unchecked);
  assert.deepEqual(ctx.globalState.get('kubeforensys.selectedArtifacts'), ['events', 'podInventory', 'commandHistory', 'serviceAccounts', 'suspiciousPods', 'rbac', 'cronJobs', 'networkPolicies', 'services']);
});

test('Show Logs resolves through the registered kubeforensys: provider', async () => {
  const { dir } = await writeFixtureBundle();
  await recorder.commands.get(CMD.openBundle)!(dir);
  const { evidenceUri } = await import('../../src/host/evidenceDocuments.js');
  const { Uri } = await import('./fakeVscode.js');
  const uri = Uri.parse(evidenceUri({ kind: 'logs', bundleDir: dir, namespace: 'default', pod: 'node-debugger', container: 'debugger' }));
  const text = await recorder.schemes.get(DOCUMENT_SCHEME).provideTextDocumentContent(uri, { onCancellationRequested: () => ({ dispose() {} }) });
  assert.match(text, /^# Container log of default\/node-debugger\/debugger/);
  assert.match(text, /2026-11-27T01:25:00.0000000Z sleeping/);
});

test('text in notifications cannot become a command link', async () => {
  const { mkdir } = await import('node:fs/promises');
  const dir = join(await tempDir('kfs-activate-'), '[click](command:workbench.action.terminal.new)');
  await mkdir(dir);
  recorder.messages.length = 0;
  await recorder.commands.get(CMD.openBundle)!(dir);
  assert.equal(recorder.messages.length, 1);
  assert.match(recorder.messages[0]!, /is not an evidence bundle/);
  assert.ok(!recorder.messages[0]!.includes('](command:'), recorder.messages[0]);
  assert.ok(recorder.messages[0]!.includes('[click] (command:'));
});
