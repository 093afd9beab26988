// Audit events, Activity Log records and Defender alerts in the official shapes, for the Azure rule tests.
import type { ActivityLogEvent, AuditEvent, CitedActivityEvent, CitedAlert, CitedAuditEvent, SecurityAlert } from '../../../../src/core/detections/azure/index.js';

let seq = 0;

export interface AuditSpec {
  user?: string;
  groups?: string[];
  impersonate?: string;
  verb: string;
  resource?: string;
  subresource?: string;
  apiGroup?: string;
  namespace?: string;
  name?: string;
  uri?: string;
  code?: number;
  ua?: string;
  ips?: string[];
  requestObject?: unknown;
  responseObject?: unknown;
  stage?: string;
  auditID?: string;
  time?: string;
}

/** One audit.k8s.io/v1 Event as kube-apiserver writes it (stage ResponseComplete unless told). */
export function audit(s: AuditSpec): AuditEvent {
  const id = s.auditID ?? `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
  const path = s.resource
    ? `/${s.apiGroup ? `apis/${s.apiGroup}/v1` : 'api/v1'}${s.namespace ? `/namespaces/${s.namespace}` : ''}/${s.resource}${s.name ? `/${s.name}` : ''}${s.subresource ? `/${s.subresource}` : ''}`
    : '/';
  const ev: AuditEvent = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: s.requestObject ? 'Request' : 'Metadata',
    auditID: id,
    stage: s.stage ?? 'ResponseComplete',
    requestURI: s.uri ?? path,
    verb: s.verb,
    user: { username: s.user ?? 'mallory@contoso.example', groups: s.groups ?? ['system:authenticated'] },
    sourceIPs: s.ips ?? ['203.0.113.50'],
    userAgent: s.ua ?? 'kubectl/v1.30.2 (linux/amd64) kubernetes/3968350',
    requestReceivedTimestamp: s.time ?? '2026-12-01T14:10:00.123456Z',
    stageTimestamp: s.time ?? '2026-12-01T14:10:00.223456Z',
    annotations: { 'authorization.k8s.io/decision': (s.code ?? 200) < 400 ? 'allow' : 'forbid', 'authorization.k8s.io/reason': '' },
  };
  if (s.impersonate) ev.impersonatedUser = { username: s.impersonate };
  if (s.resource) ev.objectRef = { resource: s.resource, namespace: s.namespace, name: s.name, apiGroup: s.apiGroup ?? '', apiVersion: 'v1', subresource: s.subresource };
  if (s.stage !== 'RequestReceived') ev.responseStatus = { metadata: {}, code: s.code ?? 200 };
  if (s.requestObject !== undefined) ev.requestObject = s.requestObject;
  if (s.responseObject !== undefined) ev.responseObject = s.responseObject;
  return ev;
}

export const cited = (events: AuditEvent[], prefix = 'snap/kubeaudit_CL/'): CitedAuditEvent[] =>
  events.map((event, i) => ({ event, cite: `${prefix}${String(i + 1).padStart(9, '0')}` }));

export const CLUSTER_ID = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-demo/providers/Microsoft.ContainerService/managedClusters/aks-demo';
export const NODE_RG = 'MC_rg-demo_aks-demo_westeurope';

export interface ActivitySpec {
  op: string;
  caller?: string;
  status?: string;
  resourceId?: string;
  scope?: string;
  correlationId?: string;
  ip?: string;
  time?: string;
}

/** One Activity Log EventData as eventtypes/management/values returns it. */
export function activity(s: ActivitySpec): ActivityLogEvent {
  const resourceId = s.resourceId ?? CLUSTER_ID;
  return {
    authorization: { action: s.op, scope: s.scope ?? resourceId },
    caller: s.caller ?? 'spn-deployer@contoso.example',
    channels: 'Operation',
    claims: { appid: '11111111-2222-3333-4444-555555555555', 'http://schemas.microsoft.com/identity/claims/objectidentifier': 'aaaaaaaa-0000-0000-0000-000000000001' },
    correlationId: s.correlationId ?? `c-${++seq}`,
    eventDataId: `e-${++seq}`,
    eventName: { value: 'EndRequest', localizedValue: 'End request' },
    category: { value: 'Administrative', localizedValue: 'Administrative' },
    httpRequest: { clientRequestId: 'r-1', clientIpAddress: s.ip ?? '198.51.100.23', method: 'POST' },
    id: `${resourceId}/events/e-${seq}/ticks/638680000000000000`,
    level: 'Informational',
    resourceGroupName: 'rg-demo',
    resourceProviderName: { value: 'Microsoft.ContainerService', localizedValue: 'Microsoft.ContainerService' },
    resourceId,
    operationId: `op-${seq}`,
    operationName: { value: s.op, localizedValue: s.op },
    properties: { statusCode: 'OK' },
    status: { value: s.status ?? 'Succeeded', localizedValue: s.status ?? 'Succeeded' },
    subStatus: { value: 'OK', localizedValue: 'OK (HTTP Status Code: 200)' },
    eventTimestamp: s.time ?? '2026-12-01T14:05:00.1234567Z',
    submissionTimestamp: '2026-12-01T14:06:10.0000000Z',
    subscriptionId: '00000000-0000-0000-0000-000000000001',
    tenantId: '99999999-0000-0000-0000-000000000000',
  };
}

export const citedActivity = (events: ActivityLogEvent[]): CitedActivityEvent[] => events.map((event, i) => ({ event, cite: `snap/azureactivity_CL/${String(i + 1).padStart(9, '0')}` }));

/** A Defender for Containers alert resource as Microsoft.Security alerts returns it. */
export function alert(type: string, severity: string, extra: Record<string, unknown> = {}): SecurityAlert {
  const name = `2517${++seq}_alert`;
  return {
    id: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-demo/providers/Microsoft.Security/locations/westeurope/alerts/${name}`,
    name,
    type: 'Microsoft.Security/Locations/alerts',
    properties: {
      status: 'Active',
      timeGeneratedUtc: '2026-12-01T14:20:30.000Z',
      processingEndTimeUtc: '2026-12-01T14:21:00.000Z',
      vendorName: 'Microsoft',
      alertDisplayName: 'Digital currency mining related behavior detected',
      alertType: type,
      compromisedEntity: 'aks-demo',
      remediationSteps: ['Review the pod and its image.'],
      description: 'Analysis of processes running within a container detected the execution of a process normally associated with digital currency mining.',
      systemAlertId: name,
      productName: 'Microsoft Defender for Cloud',
      productComponentName: 'Containers',
      severity,
      intent: 'Execution',
      startTimeUtc: '2026-12-01T14:18:00.000Z',
      endTimeUtc: '2026-12-01T14:19:00.000Z',
      resourceIdentifiers: [{ type: 'AzureResource', azureResourceId: CLUSTER_ID }],
      entities: [
        { $id: '1', Name: 'prod-web', Type: 'K8s-namespace' },
        { $id: '2', Name: 'web-7d9c-abcde', Namespace: { $ref: '1' }, Type: 'K8s-pod' },
        { $id: '3', Address: '10.244.1.17', Type: 'ip' },
      ],
      ...extra,
    },
  };
}

export const citedAlerts = (alerts: SecurityAlert[]): CitedAlert[] => alerts.map((a, i) => ({ alert: a, cite: `snap/securityalerts_CL/${String(i + 1).padStart(9, '0')}` }));
