// The AKS control-plane tables of a Log Analytics workspace, with the columns Azure Monitor
// documents (AKSAudit, AKSAuditAdmin, AKSControlPlane, and the legacy AzureDiagnostics), and the
// routing a cluster's diagnostic settings apply: kube-audit to AKSAudit, kube-audit-admin (every
// verb but get/list/watch) to AKSAuditAdmin, other categories to AKSControlPlane; without
// "Dedicated" everything lands in AzureDiagnostics with the event as JSON text in log_s.
import type { DeclaredTable } from './kustoValidate.js';
import type { ArmBody } from './aksState.js';

const col = (name: string, type: string) => ({ name, type });
const COMMON_TAIL = [col('SourceSystem', 'string'), col('TenantId', 'string'), col('Type', 'string'), col('_ResourceId', 'string'), col('_SubscriptionId', 'string')];

const AUDIT_COLUMNS = [
  col('TimeGenerated', 'datetime'), col('Level', 'string'), col('AuditId', 'string'), col('Stage', 'string'), col('RequestUri', 'string'),
  col('Verb', 'string'), col('User', 'dynamic'), col('ImpersonatedUser', 'dynamic'), col('SourceIps', 'dynamic'), col('UserAgent', 'string'),
  col('ObjectRef', 'dynamic'), col('ResponseStatus', 'dynamic'), col('RequestObject', 'dynamic'), col('ResponseObject', 'dynamic'),
  col('RequestReceivedTime', 'datetime'), col('StageReceivedTime', 'datetime'), col('Annotations', 'dynamic'), col('PodName', 'string'),
  ...COMMON_TAIL,
];

/** Azure's own tables, as a workspace declares them (only tables that hold rows are declared). */
export const AKS_TABLES: readonly DeclaredTable[] = [
  { name: 'AKSAudit', columns: AUDIT_COLUMNS },
  { name: 'AKSAuditAdmin', columns: AUDIT_COLUMNS },
  { name: 'AKSControlPlane', columns: [col('TimeGenerated', 'datetime'), col('Category', 'string'), col('Level', 'string'), col('Message', 'string'), col('PodName', 'string'), ...COMMON_TAIL] },
  {
    name: 'AzureDiagnostics',
    columns: [
      col('TimeGenerated', 'datetime'), col('Category', 'string'), col('ResourceId', 'string'), col('ResourceGroup', 'string'), col('SubscriptionId', 'string'),
      col('ResourceProvider', 'string'), col('Resource', 'string'), col('ResourceType', 'string'), col('OperationName', 'string'), col('log_s', 'string'),
      col('pod_s', 'string'), col('stream_s', 'string'), col('containerID_s', 'string'), ...COMMON_TAIL,
    ],
  },
];

/** A Kubernetes audit event (audit.k8s.io/v1 Event, camelCase as kube-apiserver writes it). */
// A type alias (not an interface) so it is assignable to shapes with an index signature.
export type AuditEvent = {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: 'Metadata' | 'Request' | 'RequestResponse';
  auditID: string;
  stage: 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';
  requestURI: string;
  verb: string;
  user: { username: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  impersonatedUser?: { username: string; groups?: string[] };
  sourceIPs: string[];
  userAgent: string;
  objectRef?: { resource?: string; namespace?: string; name?: string; apiGroup?: string; apiVersion?: string; subresource?: string; uid?: string };
  responseStatus?: { metadata: Record<string, unknown>; code: number; status?: string; message?: string; reason?: string };
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
};

/** Categories whose events a setting sends, by name or group ("audit" = kube-audit, kube-audit-admin, guard). */
function enabledCategories(setting: ArmBody): Set<string> {
  const logs = ((setting.properties as { logs?: { category?: string | null; categoryGroup?: string | null; enabled: boolean }[] }).logs ?? []).filter((l) => l.enabled);
  const out = new Set<string>();
  for (const l of logs) {
    if (l.category) out.add(l.category);
    if (l.categoryGroup === 'audit') ['kube-audit', 'kube-audit-admin', 'guard'].forEach((c) => out.add(c));
    if (l.categoryGroup === 'allLogs') ['kube-apiserver', 'kube-audit', 'kube-audit-admin', 'kube-controller-manager', 'kube-scheduler', 'guard'].forEach((c) => out.add(c));
  }
  return out;
}

const READ_VERBS = new Set(['get', 'list', 'watch']);
const APISERVER_POD = 'kube-apiserver-6c8f9d7b5d-q4m2n';

function auditRow(e: AuditEvent, clusterId: string, type: string, workspaceCustomerId: string): Record<string, unknown> {
  return {
    TimeGenerated: e.stageTimestamp, Level: e.level, AuditId: e.auditID, Stage: e.stage, RequestUri: e.requestURI, Verb: e.verb, User: e.user,
    ImpersonatedUser: e.impersonatedUser ?? null, SourceIps: e.sourceIPs, UserAgent: e.userAgent, ObjectRef: e.objectRef ?? null,
    ResponseStatus: e.responseStatus ?? null, RequestObject: e.requestObject ?? null, ResponseObject: e.responseObject ?? null,
    RequestReceivedTime: e.requestReceivedTimestamp, StageReceivedTime: e.stageTimestamp, Annotations: e.annotations ?? {}, PodName: APISERVER_POD,
    ...tail(type, clusterId, workspaceCustomerId),
  };
}

function tail(type: string, clusterId: string, workspaceCustomerId: string) {
  return { SourceSystem: 'Azure', TenantId: workspaceCustomerId, Type: type, _ResourceId: clusterId.toLowerCase(), _SubscriptionId: clusterId.split('/')[2] ?? '' };
}

/** The AzureDiagnostics row of one log line (an audit event as JSON text, or a component's line). */
function diagnosticsRow(category: string, time: string, log: string, clusterId: string, workspaceCustomerId: string): Record<string, unknown> {
  const parts = clusterId.split('/');
  return {
    TimeGenerated: time, Category: category, ResourceId: clusterId.toUpperCase(), ResourceGroup: (parts[4] ?? '').toUpperCase(), SubscriptionId: (parts[2] ?? '').toUpperCase(),
    ResourceProvider: 'MICROSOFT.CONTAINERSERVICE', Resource: (parts[8] ?? '').toUpperCase(), ResourceType: 'MANAGEDCLUSTERS',
    OperationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read', log_s: log, pod_s: APISERVER_POD, stream_s: 'stdout',
    containerID_s: 'f3b2a1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2', ...tail('AzureDiagnostics', clusterId, workspaceCustomerId),
  };
}

/** A control-plane component's log line (guard, kube-apiserver, ...). */
export interface ControlPlaneLine {
  category: string;
  time: string;
  level: 'info' | 'warning' | 'error';
  message: string;
}

/**
 * The rows each workspace receives from a cluster's audit events and control-plane lines, given
 * its diagnostic settings: Map<workspace resource id (lower-cased), Map<table, rows>>.
 */
export function routeToWorkspaces(
  clusterId: string,
  settings: readonly ArmBody[],
  events: readonly AuditEvent[],
  lines: readonly ControlPlaneLine[],
  customerIdOf: (workspaceId: string) => string,
): Map<string, Map<string, Record<string, unknown>[]>> {
  const out = new Map<string, Map<string, Record<string, unknown>[]>>();
  for (const s of settings) {
    const props = s.properties as { workspaceId?: string | null; logAnalyticsDestinationType?: string | null };
    if (!props.workspaceId) continue;
    const ws = props.workspaceId.toLowerCase();
    const cid = customerIdOf(props.workspaceId);
    const tables = out.get(ws) ?? new Map<string, Record<string, unknown>[]>();
    out.set(ws, tables);
    const push = (t: string, r: Record<string, unknown>) => tables.set(t, [...(tables.get(t) ?? []), r]);
    const cats = enabledCategories(s);
    const dedicated = props.logAnalyticsDestinationType === 'Dedicated';
    for (const e of events) {
      if (cats.has('kube-audit')) push(dedicated ? 'AKSAudit' : 'AzureDiagnostics', dedicated ? auditRow(e, clusterId, 'AKSAudit', cid) : diagnosticsRow('kube-audit', e.stageTimestamp, JSON.stringify(e), clusterId, cid));
      if (cats.has('kube-audit-admin') && !READ_VERBS.has(e.verb)) {
        push(dedicated ? 'AKSAuditAdmin' : 'AzureDiagnostics', dedicated ? auditRow(e, clusterId, 'AKSAuditAdmin', cid) : diagnosticsRow('kube-audit-admin', e.stageTimestamp, JSON.stringify(e), clusterId, cid));
      }
    }
    for (const l of lines) {
      if (!cats.has(l.category)) continue;
      if (dedicated) push('AKSControlPlane', { TimeGenerated: l.time, Category: l.category, Level: l.level, Message: l.message, PodName: `${l.category}-7d6c5b4a3-x9z8w`, ...tail('AKSControlPlane', clusterId, cid) });
      else push('AzureDiagnostics', diagnosticsRow(l.category, l.time, l.message, clusterId, cid));
    }
  }
  return out;
}
