// Microsoft.Insights/diagnosticSettings on a resource (here a managed cluster): the list a client
// reads to learn where the control-plane logs go. Configurable: none (an empty value[]), a
// workspace with resource-specific tables (logAnalyticsDestinationType "Dedicated"), the legacy
// AzureDiagnostics table (destination type null), categories enabled or disabled, categoryGroup
// ("audit", "allLogs"), storage-only settings.
import type { ServerResponse } from 'node:http';
import { armError, json } from './http.js';
import type { ArmBody, RouteContext } from './aksState.js';

export const READ_DIAGNOSTIC_SETTINGS = 'Microsoft.Insights/diagnosticSettings/read';

/** The log categories a managed cluster offers, in the order the service lists them. */
export const AKS_LOG_CATEGORIES = [
  'kube-apiserver', 'kube-audit', 'kube-audit-admin', 'kube-controller-manager', 'kube-scheduler', 'cluster-autoscaler',
  'cloud-controller-manager', 'guard', 'csi-azuredisk-controller', 'csi-azurefile-controller', 'csi-snapshot-controller',
] as const;

export interface DiagnosticSettingSpec {
  /** The resource the setting is on (a managed cluster id). */
  resourceId: string;
  name: string;
  workspaceId?: string;
  storageAccountId?: string;
  /** true: resource-specific tables (AKSAudit, ...); false/absent: legacy AzureDiagnostics. */
  dedicated?: boolean;
  /** Categories sent; every other category is listed as disabled, as the service does. */
  categories?: string[];
  /** Instead of categories: category groups ("audit" or "allLogs"). */
  categoryGroups?: string[];
}

const NO_RETENTION = { enabled: false, days: 0 };

export function diagnosticSetting(spec: DiagnosticSettingSpec): ArmBody {
  const on = new Set(spec.categories ?? []);
  const logs = spec.categoryGroups
    ? spec.categoryGroups.map((g) => ({ category: null, categoryGroup: g, enabled: true, retentionPolicy: NO_RETENTION }))
    : AKS_LOG_CATEGORIES.map((c) => ({ category: c, categoryGroup: null, enabled: on.has(c), retentionPolicy: NO_RETENTION }));
  return {
    // The service answers the id with the resource part lower-cased.
    id: `${spec.resourceId.toLowerCase()}/providers/microsoft.insights/diagnosticSettings/${spec.name}`,
    type: 'Microsoft.Insights/diagnosticSettings',
    name: spec.name,
    location: null,
    properties: {
      storageAccountId: spec.storageAccountId ?? null,
      serviceBusRuleId: null,
      workspaceId: spec.workspaceId ?? null,
      eventHubAuthorizationRuleId: null,
      eventHubName: null,
      metrics: [{ category: 'AllMetrics', enabled: false, retentionPolicy: NO_RETENTION }],
      logs,
      logAnalyticsDestinationType: spec.workspaceId && spec.dedicated ? 'Dedicated' : null,
    },
  };
}

const ROUTE = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+)\/providers\/Microsoft\.Insights\/diagnosticSettings(?:\/([^/]+))?$/i;

export function isDiagnosticSettingsPath(path: string): boolean {
  return ROUTE.test(path);
}

export function diagnosticSettings(ctx: RouteContext, method: string, url: URL, res: ServerResponse): boolean {
  const m = ROUTE.exec(url.pathname);
  if (!m) return false;
  const resourceId = m[1]!;
  if (method !== 'GET') {
    armError(res, 405, 'MethodNotAllowed', `The emulator serves diagnostic settings read-only (${method}).`);
    return true;
  }
  if (ctx.denied(res, READ_DIAGNOSTIC_SETTINGS, resourceId)) return true;
  const key = resourceId.toLowerCase();
  if (!ctx.store.clusters.has(key) && !ctx.store.diagnosticSettings.has(key)) {
    armError(res, 404, 'ResourceNotFound', `The Resource '${resourceId.split('/providers/')[1]}' under resource group '${resourceId.split('/')[4]}' was not found.`);
    return true;
  }
  const settings = ctx.store.diagnosticSettings.get(key) ?? [];
  if (!m[2]) {
    json(res, 200, { value: settings });
    return true;
  }
  const one = settings.find((s) => String(s.name).toLowerCase() === m[2]!.toLowerCase());
  if (one) json(res, 200, one);
  else json(res, 404, { code: 'ResourceNotFound', message: `The diagnostic setting '${m[2]}' doesn't exist.` });
  return true;
}
