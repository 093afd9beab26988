// What the Azure emulator knows about AKS clusters beyond provisioning: managed clusters, their
// diagnostic settings, the Activity Log, Defender alerts and the audit workspaces. Tests and the
// demo describe it as an AksTrail (plain JSON in the services' own shapes); routes read it here.
import type { ServerResponse } from 'node:http';
import type { Principal, Rbac } from './rbac.js';

/** An ARM resource body as the service returns it (id, name, type, properties, ...). */
export type ArmBody = Record<string, unknown> & { id: string };

/** A workspace the trail's diagnostic settings send logs to, with rows already in its tables. */
export interface TrailWorkspace {
  /** Resource id: /subscriptions/…/resourceGroups/…/providers/Microsoft.OperationalInsights/workspaces/<name>. */
  id: string;
  location: string;
  /** The workspace (customer) id the query API is addressed by; random when omitted. */
  customerId?: string;
  /** Rows per table (AKSAudit, AKSAuditAdmin, AKSControlPlane, AzureDiagnostics, ...). */
  tables?: Record<string, Record<string, unknown>[]>;
}

export interface AksTrail {
  /** The subscription the emulator's endpoints name (default: the emulator's own). */
  subscriptionId?: string;
  tenantId?: string;
  /** Managed cluster bodies as GET returns them (see managedCluster() to build one). */
  clusters?: ArmBody[];
  /** Diagnostic settings per resource id (a managed cluster's), as the list returns them. */
  diagnosticSettings?: Record<string, ArmBody[]>;
  workspaces?: TrailWorkspace[];
  /** Activity Log events (EventData, camelCase as the REST API returns them). */
  activityLog?: Record<string, unknown>[];
  /** Microsoft.Security alert resources ({ id, name, type, properties }). */
  alerts?: ArmBody[];
}

export class AksStore {
  readonly clusters = new Map<string, ArmBody>();
  readonly diagnosticSettings = new Map<string, ArmBody[]>();
  readonly activity: Record<string, unknown>[] = [];
  readonly alerts: ArmBody[] = [];

  load(trail: AksTrail): void {
    for (const c of trail.clusters ?? []) this.addCluster(c);
    for (const [id, s] of Object.entries(trail.diagnosticSettings ?? {})) this.setDiagnosticSettings(id, s);
    this.addActivity(trail.activityLog ?? []);
    this.addAlerts(trail.alerts ?? []);
  }
  addCluster(body: ArmBody): void {
    this.clusters.set(body.id.toLowerCase(), body);
  }
  setDiagnosticSettings(resourceId: string, settings: ArmBody[]): void {
    this.diagnosticSettings.set(resourceId.toLowerCase(), settings);
  }
  addActivity(events: Record<string, unknown>[]): void {
    this.activity.push(...events);
  }
  addAlerts(alerts: ArmBody[]): void {
    this.alerts.push(...alerts);
  }
}

/** What a route module needs from the server for one request. */
export interface RouteContext {
  /** The emulator's base URL (for nextLink). */
  base: string;
  who: Principal;
  rbac: Rbac;
  store: AksStore;
  pageSize: number;
  /** Answers 403 AuthorizationFailed and returns true when `who` lacks `action` on `scope`. */
  denied(res: ServerResponse, action: string, scope: string): boolean;
}
