// Defender for Cloud alerts (Microsoft.Security alerts) at subscription and resource-group scope,
// with nextLink paging, and a builder for an alert resource in the 2022-01-01 shape (alertType
// K8S_* for the control plane, K8S.NODE_* for runtime; resourceIdentifiers naming the cluster).
import type { ServerResponse } from 'node:http';
import { json } from './http.js';
import { pageOf } from './paging.js';
import type { ArmBody, RouteContext } from './aksState.js';
import { stableGuid } from './managedClusters.js';

/** The operation Security Reader grants for alerts (Microsoft.Security/*\/read covers it). */
export const READ_ALERTS = 'Microsoft.Security/locations/alerts/read';

const LIST_SUB = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Security\/alerts$/i;
const LIST_RG = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Security\/alerts$/i;
const GET_ONE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Security\/locations\/([^/]+)\/alerts\/([^/]+)$/i;

export function isSecurityAlertsPath(path: string): boolean {
  return LIST_SUB.test(path) || LIST_RG.test(path) || GET_ONE.test(path);
}

export function securityAlerts(ctx: RouteContext, method: string, url: URL, res: ServerResponse): boolean {
  const p = url.pathname;
  const sub = LIST_SUB.exec(p);
  const rg = LIST_RG.exec(p);
  const one = GET_ONE.exec(p);
  if (!sub && !rg && !one) return false;
  if (method !== 'GET') {
    json(res, 405, { error: { code: 'MethodNotAllowed', message: method } });
    return true;
  }
  if (one) {
    const id = p;
    if (ctx.denied(res, READ_ALERTS, `/subscriptions/${one[1]}/resourceGroups/${one[2]}`)) return true;
    const alert = ctx.store.alerts.find((a) => a.id.toLowerCase() === id.toLowerCase());
    if (alert) json(res, 200, alert);
    else json(res, 404, { error: { code: 'NotFound', message: `Alert ${one[4]} was not found.` } });
    return true;
  }
  const scope = sub ? `/subscriptions/${sub[1]}` : `/subscriptions/${rg![1]}/resourceGroups/${rg![2]}`;
  if (!ctx.rbac.can(ctx.who, scope, READ_ALERTS) && !ctx.rbac.grantsWithin(ctx.who, scope, READ_ALERTS) && ctx.denied(res, READ_ALERTS, scope)) return true;
  const alerts = ctx.store.alerts
    .filter((a) => a.id.toLowerCase().startsWith(`${scope.toLowerCase()}/`) && ctx.rbac.can(ctx.who, a.id, READ_ALERTS))
    .sort((a, b) => String(props(b).timeGeneratedUtc).localeCompare(String(props(a).timeGeneratedUtc)));
  const page = pageOf(alerts, url, ctx.base, ctx.pageSize, res);
  if (page) json(res, 200, page);
  return true;
}

const props = (a: ArmBody) => (a.properties ?? {}) as Record<string, unknown>;

export interface AlertSpec {
  subscriptionId: string;
  resourceGroup: string;
  /** The Defender location of the alert (the cluster's region). */
  location: string;
  tenantId: string;
  /** The managed cluster the alert is about. */
  clusterId: string;
  alertType: string;
  displayName: string;
  description: string;
  severity: 'High' | 'Medium' | 'Low' | 'Informational';
  intent: string;
  start: Date;
  end?: Date;
  compromisedEntity: string;
  entities: Record<string, unknown>[];
  remediationSteps: string[];
  extendedProperties: Record<string, string>;
  techniques?: string[];
}

/** An alert resource as the list returns it. */
export function securityAlert(spec: AlertSpec): ArmBody {
  const ticks = (BigInt(spec.start.getTime()) + 62135596800000n) * 10000n;
  // The service names alerts by the time reversed (newest sorts first) and a GUID.
  const name = `${3155378975999999999n - ticks}_${stableGuid(`${spec.clusterId}/${spec.alertType}/${spec.start.toISOString()}`)}`;
  const end = spec.end ?? spec.start;
  const generated = new Date(end.getTime() + 90_000);
  return {
    id: `/subscriptions/${spec.subscriptionId}/resourceGroups/${spec.resourceGroup}/providers/Microsoft.Security/locations/${spec.location}/alerts/${name}`,
    name,
    type: 'Microsoft.Security/Locations/alerts',
    properties: {
      status: 'Active',
      timeGeneratedUtc: generated.toISOString(),
      processingEndTimeUtc: new Date(generated.getTime() + 5_000).toISOString(),
      version: '2022-01-01.0',
      vendorName: 'Microsoft',
      productName: 'Microsoft Defender for Cloud',
      productComponentName: 'Containers',
      alertType: spec.alertType,
      startTimeUtc: spec.start.toISOString(),
      endTimeUtc: end.toISOString(),
      severity: spec.severity,
      isIncident: false,
      systemAlertId: name,
      correlationKey: Buffer.from(`${spec.clusterId}|${spec.alertType}`).toString('base64'),
      intent: spec.intent,
      resourceIdentifiers: [
        { $id: `${spec.location}_1`, azureResourceId: spec.clusterId, type: 'AzureResource', azureResourceTenantId: spec.tenantId },
        { $id: `${spec.location}_2`, aadTenantId: spec.tenantId, type: 'AAD' },
      ],
      compromisedEntity: spec.compromisedEntity,
      alertDisplayName: spec.displayName,
      description: spec.description,
      remediationSteps: spec.remediationSteps,
      extendedProperties: spec.extendedProperties,
      entities: spec.entities,
      alertUri: `https://portal.azure.com/#blade/Microsoft_Azure_Security_AzureDefenderForData/AlertBlade/alertId/${name}/subscriptionId/${spec.subscriptionId}/resourceGroup/${spec.resourceGroup}/referencedFrom/alertDeepLink/location/${spec.location}`,
      techniques: spec.techniques ?? [],
      subTechniques: [],
    },
  };
}
