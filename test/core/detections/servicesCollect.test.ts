// Services and Ingresses collected through the real client against the emulator: recorded as raw
// list pages, derived into kubeservices_CL, and the exposure findings into suspiciouspods_CL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startKubeEmulator, type KubeEmulator } from '../../emulators/kube/index.js';
import { connectCluster } from '../../../src/core/cluster/connect.js';
import type { ClusterApi } from '../../../src/core/cluster/api.js';
import { services, suspiciousPods, type ServiceRow, type SuspiciousPodRow } from '../../../src/core/schema/tables.js';
import { collectAndDerive } from '../../support/derived.js';
import { tempDir } from '../../support/tempDir.js';

const SCENARIO = `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: prod, uid: "n1", creationTimestamp: "2026-11-01T00:00:00Z"}}
- {apiVersion: v1, kind: Namespace, metadata: {name: kubernetes-dashboard, uid: "n2", creationTimestamp: "2026-11-01T00:00:00Z"}}
- apiVersion: v1
  kind: Service
  metadata: {name: jump, namespace: prod, uid: "s1", creationTimestamp: "2026-11-27T02:30:00Z"}
  spec: {type: LoadBalancer, clusterIP: 10.0.1.5, selector: {app: jump}, ports: [{name: ssh, port: 22, targetPort: 22, nodePort: 31022, protocol: TCP}]}
  status: {loadBalancer: {ingress: [{ip: 20.50.60.70}]}}
- apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: prod, uid: "s2", creationTimestamp: "2026-11-01T00:00:00Z"}
  spec: {type: LoadBalancer, clusterIP: 10.0.1.6, selector: {app: web}, ports: [{name: https, port: 443, targetPort: 8443, protocol: TCP}]}
- apiVersion: v1
  kind: Service
  metadata: {name: db, namespace: prod, uid: "s3", creationTimestamp: "2026-11-01T00:00:00Z"}
  spec: {type: ClusterIP, clusterIP: 10.0.1.7, ports: [{port: 5432}]}
- apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata: {name: console, namespace: kubernetes-dashboard, uid: "i1", creationTimestamp: "2026-11-27T02:40:00Z"}
  spec:
    ingressClassName: nginx
    rules: [{host: console.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: kubernetes-dashboard, port: {number: 443}}}}]}}]
`;

let emu: KubeEmulator;
let api: ClusterApi;
let dir = '';

before(async () => {
  dir = await tempDir('kfs-services-');
  await writeFile(join(dir, 'scenario.yaml'), SCENARIO);
  emu = await startKubeEmulator({ scenario: join(dir, 'scenario.yaml') });
  await emu.writeKubeconfig(join(dir, 'kubeconfig.yaml'));
  api = (await connectCluster({ kubeconfig: join(dir, 'kubeconfig.yaml'), signal: AbortSignal.timeout(30_000) })).api;
});

after(async () => {
  await emu?.close();
  await rm(dir, { recursive: true, force: true });
});

test('Services and Ingresses become rows of their own table, derived from the raw list pages', async () => {
  const run = await collectAndDerive(api, 'services');
  const lists = run.entries.filter((e) => e.ref.kind === 'list').map((e) => (e.ref as { listKind: string }).listKind).sort();
  assert.deepEqual(lists, ['ingresses', 'services'], 'each list page is recorded in raw/');
  const rows = (run.rows.get(services.name) ?? []) as unknown as ServiceRow[];
  assert.deepEqual(rows.map((r) => `${r.ObjectKind} ${r.Namespace}/${r.ObjectName}`).sort(), ['Ingress kubernetes-dashboard/console', 'Service prod/db', 'Service prod/jump', 'Service prod/web']);
  const jump = rows.find((r) => r.ObjectName === 'jump')!;
  assert.equal(jump.ServiceType, 'LoadBalancer');
  assert.deepEqual(jump.ExternalAddresses, ['20.50.60.70']);
  assert.equal(jump.EventTime, '2026-11-27T02:30:00.0000000Z');
  assert.match(jump.Summary, /LoadBalancer 22:31022\/TCP on 20\.50\.60\.70/);
  const ing = rows.find((r) => r.ObjectKind === 'Ingress')!;
  assert.equal(ing.IngressClass, 'nginx');
  assert.equal((ing.Rules as { rules: unknown[] }).rules.length, 1);
});

test('the exposed SSH port and the dashboard Ingress are findings in suspiciouspods_CL; the web and ClusterIP services are not', async () => {
  const run = await collectAndDerive(api, 'services');
  const fs = (run.rows.get(suspiciousPods.name) ?? []) as unknown as SuspiciousPodRow[];
  assert.deepEqual(fs.map((f) => `${f.RuleId} ${f.ResourceKind} ${f.ResourceName}`).sort(), ['EXPOSED-DASHBOARD Ingress console', 'EXPOSED-SENSITIVE-PORT Service jump']);
  assert.ok(fs.every((f) => f.TechniqueId === 'MS-TA9005' && f.Severity === 'high' && !f.Baseline));
});
