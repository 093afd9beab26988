// `provision --check`: reads what exists and reports, without writing, how it differs from what
// provisioning would make (drift against the schema) and whether the signed-in identity holds the
// least privilege the pipeline needs where it is needed: the ingestion data action on each rule and
// table read access on the workspace. Permissions come from Microsoft.Authorization/permissions
// (what the caller may do at a scope), read through @azure/arm-authorization.
import { AuthorizationManagementClient, type Permission } from '@azure/arm-authorization';
import { TABLES } from '../schema/tables.js';
import { clientOptions, SCOPES, type AzureConnection } from './credentials.js';
import { describeAzureError } from './errors.js';
import { provision, type ProvisionRequest, type ProvisionRun, type ProvisionStep } from './provision.js';
import { DEFAULT_WORKSPACE_NAME, type ProvisionedState } from './state.js';

export const INGEST_DATA_ACTION = 'Microsoft.Insights/Telemetry/Write';
export const QUERY_ACTION = 'Microsoft.OperationalInsights/workspaces/query/read';
export const TABLE_DATA_READ = 'Microsoft.OperationalInsights/workspaces/tables/data/read';
const tableReadAction = (table: string) => `Microsoft.OperationalInsights/workspaces/query/${table}/read`;

export interface RoleCheck {
  /** What it is for, e.g. "send rows to rule KubeForenSys-DCR". */
  purpose: string;
  scope: string;
  /** The role that grants it. */
  role: string;
  ok: boolean;
  /** What is missing, when not ok. */
  missing?: string;
}

export interface CheckResult {
  /** Steps provisioning would take: anything but "unchanged" is drift. */
  drift: ProvisionStep[];
  roles: RoleCheck[];
  ok: boolean;
  state: ProvisionedState | null;
}

const matches = (pattern: string, op: string) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i').test(op);

/** Whether the permissions at a scope allow an operation (granted by one and not excluded by it). */
export function allows(perms: Permission[], op: string, kind: 'action' | 'data'): boolean {
  return perms.some((p) => {
    const allow = kind === 'action' ? p.actions : p.dataActions;
    const deny = kind === 'action' ? p.notActions : p.notDataActions;
    return (allow ?? []).some((a) => matches(a, op)) && !(deny ?? []).some((a) => matches(a, op));
  });
}

async function permissionsAt(client: AuthorizationManagementClient, rg: string, provider: string, type: string, name: string, signal?: AbortSignal): Promise<Permission[]> {
  const out: Permission[] = [];
  for await (const p of client.permissions.listForResource(rg, provider, '', type, name, { abortSignal: signal })) out.push(p);
  return out;
}

function ruleCheck(state: ProvisionedState, perms: Map<string, Permission[]>): RoleCheck[] {
  return state.rules.map((r) => {
    const ok = allows(perms.get(r.name) ?? [], INGEST_DATA_ACTION, 'data');
    return { purpose: `send rows to rule ${r.name}`, scope: r.resourceId, role: 'Monitoring Metrics Publisher', ok, ...(ok ? {} : { missing: `data action ${INGEST_DATA_ACTION}` }) };
  });
}

function workspaceCheck(state: ProvisionedState, perms: Permission[]): RoleCheck {
  const run = allows(perms, QUERY_ACTION, 'action');
  const unreadable = allows(perms, TABLE_DATA_READ, 'data') ? [] : TABLES.filter((t) => !allows(perms, tableReadAction(t.name), 'action')).map((t) => t.name);
  const missing = [...(run ? [] : [`action ${QUERY_ACTION}`]), ...(unreadable.length ? [`read access to ${unreadable.length === TABLES.length ? 'every table' : unreadable.join(', ')} (data action ${TABLE_DATA_READ} or action Microsoft.OperationalInsights/workspaces/query/*/read)`] : [])];
  return { purpose: `query the timeline from workspace ${state.workspaceName}`, scope: state.workspaceResourceId, role: 'Log Analytics Data Reader', ok: missing.length === 0, ...(missing.length ? { missing: missing.join('; ') } : {}) };
}

export async function checkProvisioned(conn: AzureConnection, req: ProvisionRequest, run: ProvisionRun = {}): Promise<CheckResult> {
  const plan = await provision(conn, { ...req, plan: true }, run);
  const drift = plan.steps.filter((s) => s.action !== 'unchanged');
  const state = plan.state;
  const roles: RoleCheck[] = [];
  if (state) {
    const client = new AuthorizationManagementClient(conn.credential, req.subscriptionId, {
      ...clientOptions(conn),
      endpoint: conn.armEndpoint,
      credentialScopes: [conn.isTest ? SCOPES.management : `${conn.armEndpoint}/.default`],
    });
    const read = (type: 'dataCollectionRules' | 'workspaces', name: string, provider: string) =>
      permissionsAt(client, req.resourceGroup, provider, type, name, run.signal).catch((err) => {
        throw describeAzureError(err, { action: `read the signed-in identity's permissions on ${name}`, resource: `${req.resourceGroup}/${name}`, role: 'Reader' }, conn.tenantId);
      });
    const rulePerms = new Map<string, Permission[]>();
    for (const r of state.rules) rulePerms.set(r.name, await read('dataCollectionRules', r.name, 'Microsoft.Insights'));
    roles.push(...ruleCheck(state, rulePerms));
    roles.push(workspaceCheck(state, await read('workspaces', req.workspaceName ?? DEFAULT_WORKSPACE_NAME, 'Microsoft.OperationalInsights')));
  }
  return { drift, roles, ok: drift.length === 0 && !!state && roles.every((r) => r.ok), state };
}
