import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, ARTIFACT_IDS } from '../../src/core/schema/artifacts.js';
import { suspiciousPods } from '../../src/core/schema/tables.js';
import { openBundle } from '../../src/core/evidence/reader.js';
import { ArtifactsTree } from '../../src/views/artifactsTree.js';
import { loadBundleFindings } from '../../src/core/evidence/findings.js';
import type { ContextInfo, TreeNode } from '../../src/host/treeNodes.js';
import { VIEW_ITEM } from '../../src/host/treeNodes.js';
import { ExtensionState } from '../../src/host/state.js';
import { CMD } from '../../src/host/ids.js';
import { MemoryStore } from '../extension/fakes.js';
import { FORBIDDEN_MESSAGE, writeFixtureBundle } from '../extension/bundleFixture.js';

function makeTree(store = new MemoryStore(), context: Omit<ContextInfo, 'explicit'> | undefined = { name: 'aks-prod-weu', cluster: 'aks-prod-weu', user: 'ir-user' }) {
  const state = new ExtensionState(store);
  let loads = 0;
  const tree = new ArtifactsTree({
    state,
    currentContext: async () => (context ? { ...context, explicit: state.selectedContext === context.name } : undefined),
    loadFindings: async (dir) => {
      loads++;
      return loadBundleFindings(await openBundle(dir));
    },
    defaultArtifacts: () => ARTIFACT_IDS,
  });
  return { tree, state, store, loads: () => loads };
}

const labels = (tree: ArtifactsTree, nodes: TreeNode[]) => nodes.map((n) => tree.getItem(n).label);

async function child(tree: ArtifactsTree, parent: TreeNode | undefined, label: string): Promise<TreeNode> {
  const kids = await tree.getChildren(parent);
  const found = kids.find((n) => tree.getItem(n).label === label);
  assert.ok(found, `no child "${label}" among ${JSON.stringify(labels(tree, kids))}`);
  return found;
}

test('before any choice the tree is empty, so the welcome view with the collect button shows', async () => {
  const { tree } = makeTree();
  assert.deepEqual(await tree.getChildren(), []);
});

test('after picking a context: every artifact is a checkbox under it, and unticking one persists', async () => {
  const store = new MemoryStore();
  const { tree, state } = makeTree(store);
  let changes = 0;
  tree.onDidChange(() => changes++);
  await state.selectContext('aks-prod-weu');
  assert.equal(changes, 1, 'the tree refreshes when the context changes');
  const [ctx] = await tree.getChildren();
  const ctxItem = tree.getItem(ctx!);
  assert.equal(ctxItem.label, 'aks-prod-weu');
  assert.equal(ctxItem.contextValue, VIEW_ITEM.context);
  const choices = await tree.getChildren(ctx);
  assert.deepEqual(labels(tree, choices), ARTIFACTS.map((a) => a.label));
  assert.ok(choices.every((n) => tree.getItem(n).checked === true), 'all ticked by default');
  assert.equal(tree.getItem(choices.find((n) => n.kind === 'artifactChoice' && n.artifact === 'commandHistory')!).description, 'uses exec');

  await state.setArtifactsChecked([{ artifact: 'containerLogs', checked: false }]);
  // A new tree over the same storage (a window reload) keeps the choice.
  const again = makeTree(store).tree;
  const [ctx2] = await again.getChildren();
  const states = Object.fromEntries((await again.getChildren(ctx2)).map((n) => [n.kind === 'artifactChoice' ? n.artifact : '', again.getItem(n).checked]));
  assert.equal(states.containerLogs, false);
  assert.equal(states.events, true);
  assert.deepEqual(new ExtensionState(store).selectedArtifacts(), ARTIFACT_IDS.filter((a) => a !== 'containerLogs'));
});

test('after a snapshot: each artifact shows its record count and status; a forbidden one says why', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const { tree, state } = makeTree();
  await state.setBundle({ dir, manifest });
  const roots = await tree.getChildren();
  assert.deepEqual(
    roots.map((r) => r.kind),
    ['snapshot', 'context'],
    'the snapshot first, the next collection\'s choices after it',
  );
  const snap = tree.getItem(roots[0]!);
  assert.equal(snap.label, 'Snapshot of aks-prod-weu');
  assert.match(snap.description!, /^partial · 15 records/);
  const results = await tree.getChildren(roots[0]);
  const byLabel = Object.fromEntries(results.map((n) => [tree.getItem(n).label, tree.getItem(n)]));
  assert.equal(byLabel['Container logs']!.description, '4 records');
  assert.equal(byLabel['Container logs']!.icon?.id, 'pass');
  const sa = byLabel['Service accounts']!;
  assert.equal(sa.description, `0 records · forbidden: ${FORBIDDEN_MESSAGE}`);
  assert.equal(sa.icon?.id, 'lock');
  assert.match(sa.tooltip!, /forbidden: serviceaccounts in all namespaces: serviceaccounts is forbidden/);
  assert.equal(sa.contextValue, 'kfs.artifact.forbidden');
  assert.match(byLabel['Command history']!.description!, /partial \(1 gap\)/);
  assert.equal(byLabel['Cron jobs']!.description, 'not collected');

  // A gap is an item of its own under the artifact, with the message in its tooltip.
  const gaps = await tree.getChildren(results.find((n) => tree.getItem(n).label === 'Service accounts'));
  assert.equal(gaps.length, 1);
  assert.equal(tree.getItem(gaps[0]!).label, 'serviceaccounts in all namespaces');
  assert.match(tree.getItem(gaps[0]!).tooltip!, /cannot list resource "serviceaccounts"/);
});

test('a suspicious pod drills down to its findings (severity, technique, explanation) and then its containers', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const { tree, state, loads } = makeTree();
  await state.setBundle({ dir, manifest });
  const [snapshot] = await tree.getChildren();
  const suspicious = await child(tree, snapshot, 'Suspicious pods');
  assert.equal(tree.getItem(suspicious).collapsible, 'expanded');
  const resources = await tree.getChildren(suspicious);
  assert.deepEqual(labels(tree, resources), ['default/node-debugger', 'kube-system/kube-metrics-sync'], 'pods first, then pod templates');
  const pod = resources[0]!;
  const podItem = tree.getItem(pod);
  assert.equal(podItem.contextValue, VIEW_ITEM.pod);
  assert.equal(podItem.icon?.id, 'error', 'the worst finding sets the icon');
  assert.equal(podItem.description, '2 high · 1 low', 'counts per severity, not a list of technique ids');
  assert.equal(tree.getItem(resources[1]!).contextValue, VIEW_ITEM.workload);

  // Most severe first, then by title.
  const kids = await tree.getChildren(pod);
  const items = kids.map((n) => tree.getItem(n));
  assert.deepEqual(
    items.map((i) => [i.label, i.contextValue]),
    [
      ['hostPath / mounted', 'kfs.finding'],
      ['Privileged container', 'kfs.finding'],
      ['Bare pod', 'kfs.finding'],
      ['debugger', 'kfs.container'],
    ],
  );
  const priv = items[1]!;
  assert.deepEqual(priv.icon, { id: 'error', color: 'problemsErrorIcon.foreground' });
  assert.equal(priv.description, 'MS-TA9013 · container debugger');
  assert.match(priv.tooltip!, /^Container debugger runs privileged: it has full access to the node\./);
  assert.match(priv.tooltip!, /Evidence spec\.containers\[0\]\.securityContext\.privileged = true/);
  assert.equal(items[2]!.icon?.id, 'info', 'low severity');

  assert.deepEqual(priv.command, { command: CMD.showInTimeline, title: 'Show in Timeline', arguments: [kids[1]] }, 'a click on a finding reveals it in the timeline');

  const container = items[3]!;
  assert.equal(container.command?.command, CMD.showInTimeline);
  assert.deepEqual(container.command?.arguments, [{ kind: 'container', namespace: 'default', pod: 'node-debugger', container: 'debugger' }]);
  assert.equal(loads(), 1, 'findings are read from the bundle once');
  await tree.getChildren(suspicious);
  assert.equal(loads(), 1);
});

test('the containers of a pod come from the inventory, including ones without findings', async () => {
  const { dir } = await writeFixtureBundle();
  const f = await loadBundleFindings(await openBundle(dir));
  assert.equal(f.resources.find((r) => r.name === 'web-frontend-7d9f8b6c5d-x2k9p'), undefined, 'a pod without findings is not suspicious');
  const dbg = f.resources.find((r) => r.name === 'node-debugger')!;
  assert.deepEqual(dbg.containers, ['debugger']);
});

test('RBAC findings drill down by subject; the severity filter hides what is not asked for', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const { tree, state } = makeTree();
  await state.setBundle({ dir, manifest });
  const [snapshot] = await tree.getChildren();
  const rbac = await child(tree, snapshot, 'RBAC');
  const [subject] = await tree.getChildren(rbac);
  const s = tree.getItem(subject!);
  assert.equal(s.label, 'default/default');
  assert.equal(s.description, 'ServiceAccount · 1 high');
  assert.equal(s.contextValue, VIEW_ITEM.subject);
  const [f] = await tree.getChildren(subject);
  assert.equal(tree.getItem(f!).label, 'cluster-admin bound to a service account');

  await state.setTreeSeverities(['low']);
  const pods = await tree.getChildren(await child(tree, snapshot, 'Suspicious pods'));
  assert.deepEqual(labels(tree, pods), ['default/node-debugger']);
  assert.deepEqual(labels(tree, (await tree.getChildren(pods[0])).filter((n) => n.kind === 'finding')), ['Bare pod']);
  assert.deepEqual(await tree.getChildren(rbac), [], 'no low RBAC finding');
});

test('no kubeconfig and no bundle: still the welcome view', async () => {
  const { tree, state } = makeTree(new MemoryStore(), undefined);
  await state.selectContext('gone');
  assert.deepEqual(await tree.getChildren(), []);
});

test('expected platform pods (every finding on the baseline) come after the real suspects', async () => {
  const f = (ns: string, pod: string, severity: string, baseline: boolean) => ({
    RecordId: `${pod}-${severity}`, Namespace: ns, PodName: pod, ContainerName: '', Severity: severity, TechniqueId: 'MS-TA9018', Summary: '',
    FindingTitle: 'Privileged container', TechniqueName: '', Explanation: '', RuleId: 'r', ResourceKind: 'Pod', ResourceName: pod, FieldPath: '', FieldValue: '', Baseline: baseline,
  });
  const rows: Record<string, unknown[]> = {
    [suspiciousPods.name]: [f('kube-system', 'kube-proxy-1', 'high', true), f('prod', 'web-1', 'medium', false), f('prod', 'api-1', 'high', false)],
  };
  const source = { readTable: (t: string) => (async function* () { yield* (rows[t] ?? []) as never[]; })() } as never;
  const found = await loadBundleFindings(source);
  assert.deepEqual(found.resources.map((r) => r.name), ['api-1', 'web-1', 'kube-proxy-1']);
  const { tree, state } = makeTree();
  await state.selectContext('aks-prod-weu');
  const item = tree.getItem({ kind: 'resource', resource: found.resources[2]! });
  assert.equal(item.description, 'baseline · 1 high', 'the baseline mark comes first, where a cut description still shows it');
  assert.deepEqual(item.icon, { id: 'shield' }, 'a neutral icon: neither the red one of a real suspect nor a green tick that reads as "clean"');
  const suspect = tree.getItem({ kind: 'resource', resource: found.resources[0]! });
  assert.doesNotMatch(suspect.description!, /baseline/);
  assert.equal(suspect.icon?.id, 'error');
});

test('findings are counted as findings per severity on their artifact, a severity filter says "filtered", and a gap shared with the artifact it belongs to is listed once', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  // The suspicious-pods scan met the same forbidden list as the Cron jobs artifact.
  const gap = { artifact: 'cronJobs' as const, scope: 'cronjobs in namespace prod-web', status: 'forbidden' as const, message: 'cronjobs.batch is forbidden' };
  manifest.artifacts.cronJobs = { status: 'forbidden', records: 0, bytes: 0, gaps: [gap] } as never;
  manifest.artifacts.suspiciousPods!.gaps = [...manifest.artifacts.suspiciousPods!.gaps, gap];
  const { tree, state } = makeTree();
  await state.setBundle({ dir, manifest });
  const [snapshot] = await tree.getChildren();
  const suspicious = await child(tree, snapshot, 'Suspicious pods');
  await tree.getChildren(suspicious);
  // Before the findings are read the artifact counts its records as findings; after, per severity.
  const desc = () => tree.getItem(suspicious).description!;
  assert.match(desc(), /^\d+ high · \d+ (medium · )?\d+ low/, desc());
  assert.doesNotMatch(desc(), /records?/);
  assert.equal((await tree.getChildren(suspicious)).filter((n) => n.kind === 'gap').length, 0, 'the cron-job gap is not repeated under Suspicious pods');
  const cron = await child(tree, snapshot, 'Cron jobs');
  assert.deepEqual(labels(tree, await tree.getChildren(cron)), ['cronjobs in namespace prod-web']);
  await state.setTreeSeverities(['low']);
  assert.equal(desc(), '1 low · filtered: low');
});
