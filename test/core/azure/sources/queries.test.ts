// What the sources ask: KQL that stays valid and keeps every hostile value a literal, OData filters
// with quotes doubled, which workspace table each diagnostic setting means, exact host matching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateKql, kqlLiteralValue } from '../../../emulators/azure/kustoValidate.js';
import { AKS_TABLES } from '../../../emulators/azure/auditWorkspace.js';
import { auditQuery, windows, FIRST_WINDOW_MS } from '../../../../src/core/azure/sources/audit.js';
import { activityFilter } from '../../../../src/core/azure/sources/activity.js';
import { auditDestinations } from '../../../../src/core/azure/sources/diagnostics.js';
import { hostMatch, serverHost } from '../../../../src/core/azure/sources/resolve.js';

const HOSTILE_IDS = ['/subscriptions/s/resourceGroups/rg"x/providers/Microsoft.ContainerService/managedClusters/a\nb | take 1', "/subscriptions/s/resourceGroups/it's/providers/Microsoft.ContainerService/managedClusters/c\\d", '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/\u2028x'];

test('audit queries are valid KQL for every table, and a hostile resource id stays one string literal', () => {
  const from = new Date('2026-12-01T10:00:00Z');
  const to = new Date('2026-12-01T11:00:00Z');
  for (const id of HOSTILE_IDS) {
    for (const d of [{ table: 'AKSAudit', category: 'kube-audit' }, { table: 'AKSAuditAdmin', category: 'kube-audit-admin' }, { table: 'AzureDiagnostics', category: 'kube-audit' }] as const) {
      const q = auditQuery(d, id, from, to);
      assert.deepEqual(validateKql(q, AKS_TABLES), [], q);
      const literal = /_ResourceId =~ (".*")$/m.exec(q)![1]!;
      assert.equal(kqlLiteralValue(literal), id);
      assert.equal(q.split('\n').length, d.table === 'AzureDiagnostics' ? 5 : 4, 'no value adds a line');
    }
  }
});

test('the since-window is asked for in windows of at most a day, half-open and without overlap', () => {
  const from = new Date('2026-11-28T06:30:00Z');
  const to = new Date('2026-12-01T06:00:00Z');
  const w = windows(from, to);
  assert.equal(w[0]!.from.getTime(), from.getTime());
  assert.equal(w.at(-1)!.to.getTime(), to.getTime());
  for (let i = 1; i < w.length; i++) assert.equal(w[i]!.from.getTime(), w[i - 1]!.to.getTime());
  assert.ok(w.every((x) => x.to.getTime() - x.from.getTime() <= FIRST_WINDOW_MS));
});

test('Activity Log filters double single quotes, as OData string literals do', () => {
  const f = activityFilter({ kind: 'node-resource-group', resourceGroup: "MC_it's_rg" }, new Date('2026-12-01T00:00:00Z'), new Date('2026-12-01T01:00:00Z'));
  assert.equal(f, "eventTimestamp ge '2026-12-01T00:00:00.000Z' and eventTimestamp le '2026-12-01T01:00:00.000Z' and resourceGroupName eq 'MC_it''s_rg'");
});

test('diagnostic settings: kube-audit is read when on (it holds the admin events too), category groups count, storage-only is named', () => {
  const ws = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law';
  const setting = (name: string, props: Record<string, unknown>) => ({ name, properties: props });
  const logs = (...cats: string[]) => cats.map((c) => ({ category: c, enabled: true }));
  assert.deepEqual(auditDestinations([setting('a', { workspaceId: ws, logAnalyticsDestinationType: 'Dedicated', logs: logs('kube-audit', 'kube-audit-admin') })]).destinations.map((d) => [d.table, d.category]), [['AKSAudit', 'kube-audit']]);
  assert.deepEqual(auditDestinations([setting('a', { workspaceId: ws, logAnalyticsDestinationType: 'Dedicated', logs: logs('kube-audit-admin') })]).destinations.map((d) => [d.table, d.category]), [['AKSAuditAdmin', 'kube-audit-admin']]);
  assert.deepEqual(auditDestinations([setting('a', { workspaceId: ws, logAnalyticsDestinationType: null, logs: [{ categoryGroup: 'audit', enabled: true }] })]).destinations.map((d) => [d.table, d.category]), [['AzureDiagnostics', 'kube-audit']]);
  assert.deepEqual(auditDestinations([setting('a', { workspaceId: ws, logs: [{ category: 'kube-audit', enabled: false }, { category: 'guard', enabled: true }] })]).destinations, []);
  const stored = auditDestinations([setting('arch', { storageAccountId: '/subscriptions/s/…/storageAccounts/x', logs: logs('kube-audit') })]);
  assert.deepEqual([stored.destinations, stored.elsewhere], [[], ['arch']]);
});

test('the cluster is matched by its exact host, case-insensitively, public or private; never by a suffix or prefix', () => {
  const c = { properties: { fqdn: 'aks-dns-1234.hcp.westeurope.azmk8s.io', privateFQDN: 'aks-dns-5678.privatelink.westeurope.azmk8s.io' } };
  assert.equal(hostMatch(c, serverHost('https://AKS-DNS-1234.hcp.westeurope.azmk8s.io:443')), 'fqdn');
  assert.equal(hostMatch(c, serverHost('https://aks-dns-5678.privatelink.westeurope.azmk8s.io')), 'private-fqdn');
  assert.equal(hostMatch(c, serverHost('https://x.aks-dns-1234.hcp.westeurope.azmk8s.io')), null);
  assert.equal(hostMatch(c, serverHost('https://aks-dns-1234.hcp.westeurope.azmk8s.io.evil.example')), null);
  assert.equal(hostMatch(c, serverHost('not a url')), null);
});
