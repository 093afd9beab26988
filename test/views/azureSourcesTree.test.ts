// The tree's Azure sources node: shown under a snapshot whose manifest has a coverage report, one
// child per source with its status and rows; a source that is off or forbidden says why and what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACT_IDS } from '../../src/core/schema/artifacts.js';
import { ArtifactsTree } from '../../src/views/artifactsTree.js';
import { ExtensionState } from '../../src/host/state.js';
import { VIEW_ITEM, type TreeNode } from '../../src/host/treeNodes.js';
import { ADVICE, emptySource, type AzureCoverage } from '../../src/core/azure/sources/coverage.js';
import { MemoryStore } from '../extension/fakes.js';
import { writeFixtureBundle } from '../extension/bundleFixture.js';

function coverage(): AzureCoverage {
  const cluster = { ...emptySource('cluster'), enabled: true, reachable: true, where: ['/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks'] };
  const audit = { ...emptySource('audit'), enabled: false, reachable: null, gaps: [{ scope: 'kube-audit', status: 'skipped' as const, message: 'No diagnostic setting of the cluster sends kube-audit.', advice: ADVICE.auditOff }] };
  const activity = { ...emptySource('activity'), enabled: true, reachable: false, gaps: [{ scope: 'Activity Log', status: 'forbidden' as const, message: 'Azure refused to read the Activity Log: the signed-in identity needs the "Reader (Microsoft.Insights/eventtypes/values/read)" role.' }] };
  const alerts = { ...emptySource('alerts'), enabled: true, reachable: true, records: 2, tables: { securityalerts_CL: 2 } };
  return { identity: 'ir@contoso.example', cluster: { resourceId: cluster.where[0]!, matchedBy: 'fqdn', host: 'aks.hcp.westeurope.azmk8s.io' }, sources: [cluster, audit, activity, alerts] };
}

test('a snapshot with Azure sources shows them with status, rows, the gap and its advice', async () => {
  const state = new ExtensionState(new MemoryStore());
  const tree = new ArtifactsTree({ state, currentContext: async () => undefined, loadFindings: async () => ({ resources: [], subjects: [] }) as never, defaultArtifacts: () => ARTIFACT_IDS });
  const b = await writeFixtureBundle();
  await state.setBundle({ dir: b.dir, manifest: { ...b.manifest, azure: coverage() } });
  const [snapshot] = await tree.getChildren();
  const kids = await tree.getChildren(snapshot);
  const node = kids.find((n) => n.kind === 'azureSources') as TreeNode;
  const item = tree.getItem(node);
  assert.equal(item.label, 'Azure sources');
  assert.equal(item.contextValue, VIEW_ITEM.azureSources);
  assert.match(item.tooltip!, /Read as ir@contoso\.example/);
  const sources = await tree.getChildren(node);
  const items = sources.map((n) => tree.getItem(n));
  assert.deepEqual(items.map((i) => `${i.label}: ${i.description}`), [
    'AKS cluster configuration: ok',
    'Control-plane audit (kube-audit): off · 0 in kubeaudit_CL',
    'Azure Activity Log: forbidden · 0 in azureactivity_CL',
    'Defender for Cloud alerts: ok · 2 in securityalerts_CL',
  ]);
  assert.match(items[1]!.tooltip!, /What to do: kube-audit is not sent anywhere: enable diagnostic settings now/);
  assert.match(items[2]!.tooltip!, /eventtypes\/values\/read/);
  assert.equal(new Set(sources.map((n) => tree.id(n))).size, sources.length, 'ids are unique');
});

test('a snapshot without Azure sources has no Azure node', async () => {
  const state = new ExtensionState(new MemoryStore());
  const tree = new ArtifactsTree({ state, currentContext: async () => undefined, loadFindings: async () => ({ resources: [], subjects: [] }) as never, defaultArtifacts: () => ARTIFACT_IDS });
  const b = await writeFixtureBundle();
  await state.setBundle({ dir: b.dir, manifest: b.manifest });
  const [snapshot] = await tree.getChildren();
  assert.ok(!(await tree.getChildren(snapshot)).some((n) => n.kind === 'azureSources'));
});
