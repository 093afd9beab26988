// Timeline rows for the webview tests: a few pods and containers over an hour, plus the
// hostile strings a compromised workload can put in its logs.
import type { TableName } from '../../src/core/schema/tables.js';
import { clusterEvents, containerLogs, rbacBindings, suspiciousPods } from '../../src/core/schema/tables.js';
import type { TimelineRow } from '../../src/core/schema/timeline.js';

export const XSS_IMG = '<img src=x onerror="window.__kfsPwned=1">';
export const LONG_POD = 'payments-api-canary-7d9f8b6c5d-x2k9p-zq';
export const XSS_SCRIPT = '</script><script>window.__kfsPwned=1</script>';

export function row(i: number, over: Partial<TimelineRow> = {}): TimelineRow {
  const base = Date.parse('2026-03-01T10:00:00Z');
  const time = new Date(base + i * 7_000).toISOString().replace('Z', '0000Z');
  return {
    Time: time,
    TimeSource: 'event',
    SourceTable: containerLogs.name,
    EventType: 'LogLine',
    Cluster: 'aks-prod',
    Namespace: 'prod',
    PodName: 'web-1',
    ContainerName: 'app',
    Summary: `GET /index.html ${i}`,
    Severity: '',
    TechniqueId: '',
    RecordId: `r${String(i).padStart(7, '0')}`,
    Details: { Message: `GET /index.html ${i}`, LineNumber: i },
    ...over,
  };
}

/** 500 rows over ~1 hour: 3 pods, 2 containers on web-1, events and findings; two hostile log lines. */
export function smallTimeline(): TimelineRow[] {
  const pods: [string, string, string][] = [
    ['prod', 'web-1', 'app'],
    ['prod', 'web-1', 'sidecar'],
    ['prod', 'db-0', 'postgres'],
    ['kube-system', 'coredns-7d', 'coredns'],
  ];
  const rows: TimelineRow[] = [];
  for (let i = 0; i < 500; i++) {
    const [Namespace, PodName, ContainerName] = pods[i % pods.length];
    let table: TableName = containerLogs.name;
    let extra: Partial<TimelineRow> = {};
    if (i % 25 === 0) {
      table = clusterEvents.name;
      extra = { EventType: 'Warning', ContainerName: '', Summary: `BackOff restarting failed container ${i}` };
    } else if (i % 97 === 0) {
      table = suspiciousPods.name;
      extra = { EventType: 'Finding', Severity: 'high', TechniqueId: 'MS-TA9013', Summary: `Privileged container ${i}` };
    }
    rows.push(row(i, { Namespace, PodName, ContainerName, SourceTable: table, ...extra }));
  }
  rows.push(row(250.5, { RecordId: 'xss-img', Summary: XSS_IMG, Details: { Message: XSS_IMG } }));
  rows.push(row(251.5, { RecordId: 'xss-script', Summary: XSS_SCRIPT, PodName: '<b>evil</b>', ContainerName: XSS_SCRIPT, Details: { Message: XSS_SCRIPT } }));
  // A Deployment template's finding: a container name but no pod (not a container one can pick).
  rows.push(row(120.5, { RecordId: 'tpl-1', SourceTable: suspiciousPods.name, EventType: 'Finding', Severity: 'high', PodName: '', ContainerName: 'sidecar', TimeSource: 'creation', Summary: 'Template runs privileged', Details: { ResourceKind: 'Deployment', ResourceName: 'web', Baseline: false } }));
  // An expected platform finding (baseline) and a long pod name that differs only at its end.
  rows.push(row(130.5, { RecordId: 'base-1', SourceTable: suspiciousPods.name, EventType: 'Finding', Severity: 'high', Namespace: 'kube-system', PodName: 'kube-proxy-x1', ContainerName: 'kube-proxy', Summary: 'kube-proxy runs privileged (expected)', Details: { ResourceKind: 'Pod', ResourceName: 'kube-proxy-x1', Baseline: true } }));
  rows.push(row(140.5, { RecordId: 'long-1', Namespace: 'prod', PodName: LONG_POD, ContainerName: 'app', Summary: 'long pod line' }));
  // A month-old RBAC binding: state at collection, dated by its creation.
  rows.push(row(-370_000, { RecordId: 'rbac-old', SourceTable: rbacBindings.name, EventType: 'RoleBinding', Namespace: 'prod', PodName: '', ContainerName: '', TimeSource: 'creation', Summary: 'binding view to default', Details: {} }));
  return rows;
}
