// One audit event, Activity Log entry or Defender alert → its schema row. Pure functions of the
// served JSON (attacker-influenced text: every Summary is one line, every value type-checked).
import type { CollectedRow } from '../model.js';
import type { ActivityLogEvent, AuditEvent, SecurityAlert } from '../detections/azure/shapes.js';
import { oneLine } from '../detections/types.js';
import { normalizeTime } from '../schema/time.js';
import type { azureActivity, kubeAudit, securityAlerts } from '../schema/tables.js';

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
const time = (v: unknown): string | null => (typeof v === 'string' ? normalizeTime(v) : null);
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const orNull = (v: unknown) => (v === undefined ? null : v);

/** The container a pods/exec, attach or log request names in its query (?container=). */
export function containerOfUri(uri: string): string {
  const q = uri.indexOf('?');
  if (q === -1) return '';
  try {
    return new URLSearchParams(uri.slice(q + 1)).get('container') ?? '';
  } catch {
    return '';
  }
}

export const AUDIT_EVENT_TYPE = 'KubeAudit';
export const ACTIVITY_EVENT_TYPE = 'AzureActivity';
export const ALERT_EVENT_TYPE = 'SecurityAlert';

export function auditRow(e: AuditEvent, where: { category: string; table: string; workspaceId: string }): CollectedRow<typeof kubeAudit.name> {
  const ref = e.objectRef ?? {};
  const who = text(e.user?.username);
  const ip = text(e.sourceIPs?.[0]);
  const resource = text(ref.resource);
  const sub = text(ref.subresource);
  const ns = text(ref.namespace);
  const name = text(ref.name);
  const code = typeof e.responseStatus?.code === 'number' ? e.responseStatus.code : null;
  const uri = text(e.requestURI);
  const what = `${resource}${sub ? `/${sub}` : ''}${ns || name ? ` ${ns ? `${ns}/` : ''}${name}` : ''}` || uri;
  const imp = text(e.impersonatedUser?.username);
  return {
    EventTime: time(e.requestReceivedTimestamp) ?? time(e.stageTimestamp),
    EventType: AUDIT_EVENT_TYPE,
    Namespace: ns,
    PodName: resource === 'pods' ? name : '',
    ContainerName: resource === 'pods' ? containerOfUri(uri) : '',
    Summary: oneLine(cut(`${who || '(no user)'}${imp ? ` as ${imp}` : ''} ${text(e.verb)} ${what}${ip ? ` from ${ip}` : ''} → ${code ?? '?'}${e.userAgent ? ` (${cut(text(e.userAgent), 80)})` : ''}`, 400)),
    Severity: '',
    TechniqueId: '',
    Identity: who,
    SourceIp: ip,
    AuditId: text(e.auditID),
    Stage: text(e.stage),
    Level: text(e.level),
    Verb: text(e.verb),
    RequestUri: uri,
    UserGroups: orNull(e.user?.groups),
    UserExtra: orNull(e.user?.extra),
    ImpersonatedUser: imp,
    SourceIps: orNull(e.sourceIPs),
    UserAgent: text(e.userAgent),
    ObjectResource: resource,
    ObjectSubresource: sub,
    ObjectApiGroup: text(ref.apiGroup),
    ObjectName: name,
    ResponseCode: code,
    ResponseStatus: orNull(e.responseStatus),
    RequestReceivedTime: time(e.requestReceivedTimestamp),
    StageTime: time(e.stageTimestamp),
    Annotations: orNull(e.annotations),
    RequestObject: orNull(e.requestObject),
    ResponseObject: orNull(e.responseObject),
    AuditCategory: where.category,
    WorkspaceTable: where.table,
    WorkspaceId: where.workspaceId,
  };
}

const lastSegment = (id: string) => id.split('/').filter(Boolean).pop() ?? '';

export function activityRow(e: ActivityLogEvent, scope: string): CollectedRow<typeof azureActivity.name> {
  const who = text(e.caller);
  const ip = text(e.httpRequest?.clientIpAddress) || text(e.claims?.ipaddr);
  const op = text(e.operationName?.value);
  const status = text(e.status?.value);
  return {
    EventTime: time(e.eventTimestamp),
    EventType: ACTIVITY_EVENT_TYPE,
    Namespace: '',
    PodName: '',
    ContainerName: '',
    Summary: oneLine(cut(`${who || '(no caller)'} ${op}${status ? ` ${status}` : ''} on ${lastSegment(text(e.resourceId))}${ip ? ` from ${ip}` : ''}`, 400)),
    Severity: '',
    TechniqueId: '',
    Identity: who,
    SourceIp: ip,
    OperationName: op,
    OperationDisplayName: text(e.operationName?.localizedValue),
    ActivityStatus: status,
    ActivitySubStatus: text(e.subStatus?.value),
    Level: text(e.level),
    CorrelationId: text(e.correlationId),
    EventDataId: text(e.eventDataId),
    OperationId: text(e.operationId),
    ResourceId: text(e.resourceId),
    ResourceGroup: text(e.resourceGroupName),
    ActivityCategory: text(e.category?.value),
    Claims: orNull(e.claims),
    Authorization: orNull(e.authorization),
    HttpRequest: orNull(e.httpRequest),
    Properties: orNull(e.properties),
    SubmissionTime: time(e.submissionTimestamp),
    LogScope: scope,
  };
}

const SEVERITY: Record<string, string> = { high: 'high', medium: 'medium', low: 'low', informational: 'info' };

type Entity = Record<string, unknown>;

/** Defender entities refer to one another by $ref/$id: the entity a field names, itself or by reference. */
function resolve(v: unknown, byId: Map<string, Entity>): Entity | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Entity;
  return typeof o.$ref === 'string' ? byId.get(o.$ref) : o;
}

/** Pod, namespace, container, account and address the alert's entities name (first of each). */
export function alertEntities(entities: unknown): { pod: string; namespace: string; container: string; account: string; ip: string } {
  const list = Array.isArray(entities) ? (entities.filter((x) => x && typeof x === 'object') as Entity[]) : [];
  const byId = new Map(list.filter((e) => typeof e.$id === 'string').map((e) => [e.$id as string, e]));
  const of = (type: string) => list.find((e) => text(e.type).toLowerCase() === type);
  // A pod is a K8s-pod entity, or a K8s-controller whose controllerType is Pod (a bare pod).
  const pod = of('k8s-pod') ?? list.find((e) => text(e.type).toLowerCase() === 'k8s-controller' && text(e.controllerType).toLowerCase() === 'pod');
  const ns = resolve(pod?.namespace, byId) ?? of('k8s-namespace');
  const account = of('account');
  return {
    pod: text(pod?.name),
    namespace: text(ns?.name),
    container: text(of('container')?.name),
    account: text(account?.upnSuffix ? `${text(account.name)}@${text(account.upnSuffix)}` : account?.name),
    ip: text(of('ip')?.address),
  };
}

export function alertRow(a: SecurityAlert): CollectedRow<typeof securityAlerts.name> {
  const p = a.properties ?? {};
  const ent = alertEntities(p.entities);
  const sev = text(p.severity);
  return {
    EventTime: time(p.startTimeUtc) ?? time(p.timeGeneratedUtc),
    EventType: ALERT_EVENT_TYPE,
    Namespace: ent.namespace,
    PodName: ent.pod,
    ContainerName: ent.container,
    Summary: oneLine(cut(`${sev.toUpperCase() || 'ALERT'} Defender alert: ${text(p.alertDisplayName)} (${text(p.alertType)}) on ${text(p.compromisedEntity)}${ent.pod ? ` pod ${ent.namespace ? `${ent.namespace}/` : ''}${ent.pod}` : ''}`, 400)),
    Severity: SEVERITY[sev.toLowerCase()] ?? '',
    TechniqueId: '',
    Identity: ent.account,
    SourceIp: ent.ip,
    AlertType: text(p.alertType),
    AlertDisplayName: text(p.alertDisplayName),
    AlertSeverity: sev,
    AlertStatus: text(p.status),
    Intent: text(p.intent),
    CompromisedEntity: text(p.compromisedEntity),
    Description: text(p.description),
    RemediationSteps: orNull(p.remediationSteps),
    Entities: orNull(p.entities),
    ResourceIdentifiers: orNull(p.resourceIdentifiers),
    ExtendedProperties: orNull(p.extendedProperties),
    AlertTechniques: orNull(p.techniques),
    SystemAlertId: text(p.systemAlertId),
    AlertId: text(a.id),
    StartTime: time(p.startTimeUtc),
    EndTime: time(p.endTimeUtc),
    AlertTimeGenerated: time(p.timeGeneratedUtc),
    AlertUri: text(p.alertUri),
  };
}
