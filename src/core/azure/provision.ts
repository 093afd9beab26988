// Idempotent provisioning as a list of steps (workspace, tables, data collection endpoint, rules).
// Each step reads its resource first and writes only when it is missing or differs, so a second
// run changes nothing and says so; `plan` reads and reports without writing.
import { OperationalInsightsManagementClient, type Workspace } from '@azure/arm-operationalinsights';
import { MonitorClient } from '@azure/arm-monitor';
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { TABLES, type AnyTable, type TableName } from '../schema/tables.js';
import { canonicalJson } from '../evidence/manifest.js';
import { clientOptions, SCOPES, type AzureConnection } from './credentials.js';
import { AzureError, describeAzureError, statusOf } from './errors.js';
import { DEFAULT_DCE_NAME, DEFAULT_LOCATION, DEFAULT_RULE_NAME, DEFAULT_WORKSPACE_NAME, type ProvisionedState, type RuleState } from './state.js';

/** Azure Monitor allows at most 10 data flows per data collection rule. */
export const MAX_DATA_FLOWS_PER_RULE = 10;
/** The data collection rule API version with stream declarations and kind Direct (arm-monitor 7 predates it). */
export const DCR_API_VERSION = '2023-03-11';
const DESTINATION = 'kubeforensysWorkspace';

export interface ProvisionRequest {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName?: string;
  location?: string;
  retentionDays?: number;
  withDce?: boolean;
  ruleName?: string;
  dceName?: string;
  /** Report what would change and touch nothing. */
  plan?: boolean;
}

export type StepAction = 'create' | 'update' | 'unchanged';
export interface ProvisionStep {
  kind: 'workspace' | 'table' | 'rule' | 'endpoint';
  name: string;
  action: StepAction;
  detail?: string;
}

export interface ProvisionRun {
  signal?: AbortSignal;
  onStep?: (s: ProvisionStep) => void;
  /** Progress messages: what is being waited for. */
  log?: (message: string) => void;
  /** LRO polling interval (ARM's Retry-After wins when given). */
  pollIntervalMs?: number;
  /** First delay of the propagation back-off (doubles up to maxWaitMs in total). */
  retryBaseMs?: number;
  maxWaitMs?: number;
}

export interface ProvisionResult {
  steps: ProvisionStep[];
  changed: boolean;
  /** The ids; null on a plan for resources that do not exist yet. */
  state: ProvisionedState | null;
}

export const streamName = (table: TableName): string => `Custom-${table}`;

/** The Tables API spells datetime as dateTime. */
const tablesApiType = (t: string) => (t === 'datetime' ? 'dateTime' : t);
const sameRegion = (a: string, b: string) => a.replace(/\s/g, '').toLowerCase() === b.replace(/\s/g, '').toLowerCase();

function tableSchema(t: AnyTable) {
  return { name: t.name, columns: t.columns.map((c) => ({ name: c.name, type: tablesApiType(c.type), description: c.description.slice(0, 512) })) };
}

/** Groups tables into rules of at most MAX_DATA_FLOWS_PER_RULE data flows each. */
export function ruleGroups(ruleName: string): { name: string; tables: AnyTable[] }[] {
  const groups: { name: string; tables: AnyTable[] }[] = [];
  for (let i = 0; i < TABLES.length; i += MAX_DATA_FLOWS_PER_RULE) {
    const n = groups.length + 1;
    groups.push({ name: n === 1 ? ruleName : `${ruleName}-${n}`, tables: TABLES.slice(i, i + MAX_DATA_FLOWS_PER_RULE) });
  }
  return groups;
}

function ruleBody(location: string, workspaceResourceId: string, tables: AnyTable[], dceId: string | null) {
  return {
    location,
    kind: 'Direct',
    properties: {
      description: 'KubeForenSys evidence bundle tables (Logs Ingestion API).',
      ...(dceId ? { dataCollectionEndpointId: dceId } : {}),
      streamDeclarations: Object.fromEntries(tables.map((t) => [streamName(t.name), { columns: t.columns.map((c) => ({ name: c.name, type: c.type })) }])),
      destinations: { logAnalytics: [{ workspaceResourceId, name: DESTINATION }] },
      dataFlows: tables.map((t) => ({ streams: [streamName(t.name)], destinations: [DESTINATION], transformKql: 'source', outputStream: streamName(t.name) })),
    },
  };
}

/** The parts of a rule we own, in a comparable form (ARM adds ids, etags and case changes). */
function ruleFingerprint(props: Record<string, unknown> | undefined, kind: unknown, location: unknown): string {
  const p = (props ?? {}) as {
    streamDeclarations?: Record<string, { columns: { name: string; type: string }[] }>;
    destinations?: { logAnalytics?: { workspaceResourceId: string; name: string }[] };
    dataFlows?: { streams: string[]; destinations: string[]; transformKql?: string; outputStream?: string }[];
    dataCollectionEndpointId?: string;
  };
  return canonicalJson({
    kind: String(kind ?? '').toLowerCase(),
    location: String(location ?? '').replace(/\s/g, '').toLowerCase(),
    dce: (p.dataCollectionEndpointId ?? '').toLowerCase(),
    streams: Object.fromEntries(Object.entries(p.streamDeclarations ?? {}).map(([k, v]) => [k, v.columns.map((c) => `${c.name}:${c.type.toLowerCase()}`)])),
    dest: (p.destinations?.logAnalytics ?? []).map((d) => `${d.name}=${d.workspaceResourceId.toLowerCase()}`),
    flows: (p.dataFlows ?? []).map((f) => [f.streams, f.destinations, f.transformKql ?? 'source', f.outputStream ?? '']),
  });
}

const isNotFound = (err: unknown) => statusOf(err) === 404;

/** The rule service names the reason in error.details[] under a generic top-level message. */
export function errorDetailCodes(err: unknown): string[] {
  const e = err as { detailCodes?: string[] };
  return e?.detailCodes ?? [];
}

/** A new rule whose tables the rule service cannot see yet (they appear within minutes). */
export function isTablePropagation(err: unknown): boolean {
  return statusOf(err) === 400 && (errorDetailCodes(err).includes('InvalidOutputTable') || /InvalidOutputTable/.test(String((err as Error)?.message)));
}

/** Retries an operation while a known propagation error persists, with doubling back-off. */
async function whilePropagating<T>(what: string, op: () => Promise<T>, isPropagation: (err: unknown) => boolean, run: ProvisionRun): Promise<T> {
  let delay = run.retryBaseMs ?? 2000;
  const deadline = Date.now() + (run.maxWaitMs ?? 15 * 60_000);
  for (;;) {
    try {
      return await op();
    } catch (err) {
      if (!isPropagation(err) || Date.now() + delay > deadline) throw err;
      run.log?.(`Waiting for ${what} (Azure is still propagating it); retrying in ${Math.round(delay / 1000)} s.`);
      await abortableDelay(delay, run.signal);
      delay = Math.min(delay * 2, 60_000);
    }
  }
}

export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What every step shares: the clients, the names, and how steps are reported and fail. */
interface Ctx {
  conn: AzureConnection;
  req: ProvisionRequest;
  run: ProvisionRun;
  la: OperationalInsightsManagementClient;
  monitor: MonitorClient;
  rg: string;
  rgId: string;
  workspaceName: string;
  wsResource: string;
  lro: { updateIntervalInMs: number; abortSignal?: AbortSignal };
  step(s: ProvisionStep): void;
  fail(err: unknown, action: string, resource: string, role: string): never;
}

function context(conn: AzureConnection, req: ProvisionRequest, run: ProvisionRun, steps: ProvisionStep[]): Ctx {
  const common = { ...clientOptions(conn), endpoint: conn.armEndpoint, credentialScopes: [conn.isTest ? SCOPES.management : `${conn.armEndpoint}/.default`] };
  const rgId = `/subscriptions/${req.subscriptionId}/resourceGroups/${req.resourceGroup}`;
  const workspaceName = req.workspaceName ?? DEFAULT_WORKSPACE_NAME;
  return {
    conn,
    req,
    run,
    la: new OperationalInsightsManagementClient(conn.credential, req.subscriptionId, common),
    monitor: new MonitorClient(conn.credential, req.subscriptionId, common),
    rg: req.resourceGroup,
    rgId,
    workspaceName,
    wsResource: `${rgId}/providers/Microsoft.OperationalInsights/workspaces/${workspaceName}`,
    lro: { updateIntervalInMs: run.pollIntervalMs ?? 2000, abortSignal: run.signal },
    step(s) {
      steps.push(s);
      run.onStep?.(s);
    },
    fail(err, action, resource, role) {
      throw describeAzureError(err, { action, resource, role }, conn.tenantId);
    },
  };
}

async function ensureWorkspace(c: Ctx): Promise<Workspace | null> {
  const { req, rg, workspaceName } = c;
  const location = req.location ?? DEFAULT_LOCATION;
  let ws = await c.la.workspaces.get(rg, workspaceName, { abortSignal: c.run.signal }).catch((err) => {
    // ARM answers 404 for a missing group too; only its code tells them apart.
    if ((err as { code?: string }).code === 'ResourceGroupNotFound') {
      throw new AzureError(`Resource group ${rg} does not exist: create it (az group create -n ${rg} -l ${location}) or pass --resource-group.`, 404);
    }
    if (isNotFound(err)) return null;
    return c.fail(err, 'read the Log Analytics workspace', c.wsResource, 'Log Analytics Reader');
  });
  if (ws?.location && req.location && !sameRegion(ws.location, location)) {
    throw new AzureError(`Workspace ${workspaceName} already exists in ${ws.location}, not ${location}; a workspace cannot move: pass --location ${ws.location} or another --workspace name.`);
  }
  // An existing workspace keeps its retention unless one is asked for explicitly.
  const retention = req.retentionDays;
  const action: StepAction = !ws ? 'create' : retention !== undefined && ws.retentionInDays !== retention ? 'update' : 'unchanged';
  c.step({ kind: 'workspace', name: workspaceName, action, detail: action === 'update' ? `retention ${ws?.retentionInDays} → ${retention} days` : undefined });
  if (action !== 'unchanged' && !req.plan) {
    c.run.log?.(`${action === 'create' ? 'Creating' : 'Updating'} workspace ${workspaceName} (a long-running operation)…`);
    const body = { location: ws?.location ?? location, sku: ws?.sku ?? { name: 'PerGB2018' }, retentionInDays: retention ?? 30, tags: { ...ws?.tags, createdBy: 'kubeforensys' } };
    ws = await c.la.workspaces.beginCreateOrUpdateAndWait(rg, workspaceName, body, c.lro).catch((err) => c.fail(err, 'create the Log Analytics workspace', c.rgId, 'Log Analytics Contributor'));
  }
  return ws;
}

async function ensureTable(c: Ctx, t: AnyTable, wsExists: boolean): Promise<void> {
  const existing = wsExists
    ? await c.la.tables.get(c.rg, c.workspaceName, t.name, { abortSignal: c.run.signal }).catch((err) => (isNotFound(err) ? null : c.fail(err, `read table ${t.name}`, c.wsResource, 'Log Analytics Reader')))
    : null;
  // A table GET may list TimeGenerated (and other built-ins) under standardColumns, not columns.
  const listed = [...(existing?.schema?.standardColumns ?? []), ...(existing?.schema?.columns ?? [])];
  const have = new Map(listed.map((col) => [col.name ?? '', String(col.type ?? '').toLowerCase()]));
  const missing = t.columns.filter((col) => !have.has(col.name));
  const retyped = t.columns.find((col) => have.has(col.name) && have.get(col.name) !== col.type);
  if (retyped) {
    throw new AzureError(`Table ${t.name} in ${c.workspaceName} has column ${retyped.name} as ${have.get(retyped.name)}, not ${retyped.type}; Log Analytics cannot change a column's type: delete the table or use another workspace.`);
  }
  const action: StepAction = !existing ? 'create' : missing.length ? 'update' : 'unchanged';
  c.step({ kind: 'table', name: t.name, action, detail: action === 'update' ? `add ${missing.map((col) => col.name).join(', ')}` : undefined });
  if (action === 'unchanged' || c.req.plan) return;
  // Keep columns the table has beyond ours: Log Analytics refuses to drop columns.
  const schema = tableSchema(t);
  const extra = (existing?.schema?.columns ?? []).filter((col) => !t.columns.some((x) => x.name === col.name));
  schema.columns.push(...extra.map((col) => ({ name: col.name!, type: String(col.type), description: col.description ?? '' })));
  await whilePropagating(
    `workspace ${c.workspaceName} to accept tables`,
    () => c.la.tables.beginCreateOrUpdateAndWait(c.rg, c.workspaceName, t.name, { schema }, c.lro),
    isNotFound,
    c.run,
  ).catch((err) => c.fail(err, `create table ${t.name}`, c.wsResource, 'Log Analytics Contributor'));
}

/** The data collection endpoint (private-link setups), in the workspace's region as Azure requires. */
async function ensureEndpoint(c: Ctx, location: string): Promise<{ id: string; ingestion: string | null }> {
  const name = c.req.dceName ?? DEFAULT_DCE_NAME;
  const resource = `${c.rgId}/providers/Microsoft.Insights/dataCollectionEndpoints/${name}`;
  let dce = await c.monitor.dataCollectionEndpoints
    .get(c.rg, name, { abortSignal: c.run.signal })
    .catch((err) => (isNotFound(err) ? null : c.fail(err, 'read the data collection endpoint', resource, 'Monitoring Reader')));
  if (dce?.location && !sameRegion(dce.location, location)) {
    throw new AzureError(`Data collection endpoint ${name} is in ${dce.location}, but the workspace is in ${location}; an endpoint must be in the workspace's region: delete it or pass another workspace.`);
  }
  c.step({ kind: 'endpoint', name, action: dce ? 'unchanged' : 'create', detail: dce ? undefined : location });
  if (!dce && !c.req.plan) {
    dce = await c.monitor.dataCollectionEndpoints
      .create(c.rg, name, { body: { location, networkAcls: { publicNetworkAccess: 'Enabled' } }, abortSignal: c.run.signal })
      .catch((err) => c.fail(err, 'create the data collection endpoint', c.rgId, 'Monitoring Contributor'));
  }
  return { id: dce?.id ?? resource, ingestion: dce?.logsIngestion?.endpoint ?? null };
}

/** An ARM error with the rule service's details[] kept (codes and messages). */
function ruleServiceError(status: number, parsed: Record<string, unknown>): Error {
  const e = (parsed.error ?? {}) as { code?: string; message?: string; details?: { code?: string; message?: string }[] };
  const details = (e.details ?? []).filter((d) => d && (d.code || d.message));
  const text = [e.message ?? `HTTP ${status}`, ...details.map((d) => d.message ?? d.code)].join(': ');
  return Object.assign(new Error(text), { statusCode: status, code: e.code, detailCodes: details.map((d) => d.code ?? '') });
}

/** GET or PUT of one rule through @azure/arm-monitor's pipeline (see DCR_API_VERSION). */
function ruleRequest(c: Ctx, ruleId: string) {
  const url = `${c.conn.armEndpoint}${ruleId}?api-version=${DCR_API_VERSION}`;
  return async (method: 'GET' | 'PUT', body?: unknown): Promise<Record<string, unknown>> => {
    const res = await c.monitor.sendRequest(
      createPipelineRequest({ url, method, abortSignal: c.run.signal, body: body ? JSON.stringify(body) : undefined, headers: createHttpHeaders({ 'content-type': 'application/json' }) }),
    );
    const parsed = res.bodyAsText ? (JSON.parse(res.bodyAsText) as Record<string, unknown>) : {};
    if (res.status >= 400) throw ruleServiceError(res.status, parsed);
    return parsed;
  };
}

async function ensureRule(c: Ctx, group: { name: string; tables: AnyTable[] }, ws: Workspace | null, dce: { id: string; ingestion: string | null } | null): Promise<RuleState> {
  const ruleId = `${c.rgId}/providers/Microsoft.Insights/dataCollectionRules/${group.name}`;
  const send = ruleRequest(c, ruleId);
  // The rule follows the workspace's region: Azure refuses a rule elsewhere.
  const desired = ruleBody(ws?.location ?? c.req.location ?? DEFAULT_LOCATION, ws?.id ?? c.wsResource, group.tables, dce?.id ?? null);
  const existing = await send('GET').catch((err) => (isNotFound(err) ? null : c.fail(err, 'read the data collection rule', ruleId, 'Monitoring Reader')));
  const same = existing && ruleFingerprint(existing.properties as Record<string, unknown>, existing.kind, existing.location) === ruleFingerprint(desired.properties, desired.kind, desired.location);
  const action: StepAction = !existing ? 'create' : same ? 'unchanged' : 'update';
  c.step({ kind: 'rule', name: group.name, action, detail: `${group.tables.length} streams` });
  let current = existing;
  if (action !== 'unchanged' && !c.req.plan) {
    current = await whilePropagating('the new tables to become visible to the data collection rule service', () => send('PUT', desired), isTablePropagation, c.run).catch((err) =>
      c.fail(err, `create the data collection rule ${group.name}`, c.rgId, 'Monitoring Contributor'),
    );
  }
  const props = (current?.properties ?? {}) as { immutableId?: string; endpoints?: { logsIngestion?: string } };
  return {
    name: group.name,
    resourceId: String(current?.id ?? ruleId),
    immutableId: props.immutableId ?? '',
    streams: group.tables.map((t) => streamName(t.name)),
    // Without an endpoint each Direct rule has its own ingestion host: its streams go there.
    ingestionEndpoint: (dce ? dce.ingestion : props.endpoints?.logsIngestion) ?? '',
  };
}

export async function provision(conn: AzureConnection, req: ProvisionRequest, run: ProvisionRun = {}): Promise<ProvisionResult> {
  const steps: ProvisionStep[] = [];
  const c = context(conn, req, run, steps);
  const ws = await ensureWorkspace(c);
  for (const t of TABLES) await ensureTable(c, t, !!ws);
  const location = ws?.location ?? req.location ?? DEFAULT_LOCATION;
  const dce = req.withDce ? await ensureEndpoint(c, location) : null;
  const rules: RuleState[] = [];
  for (const group of ruleGroups(req.ruleName ?? DEFAULT_RULE_NAME)) rules.push(await ensureRule(c, group, ws, dce));
  const complete = !!ws?.customerId && rules.every((r) => r.immutableId && r.ingestionEndpoint);
  const state: ProvisionedState | null = complete
    ? {
        version: 2,
        subscriptionId: req.subscriptionId,
        resourceGroup: req.resourceGroup,
        location,
        workspaceName: c.workspaceName,
        workspaceResourceId: ws!.id ?? c.wsResource,
        workspaceCustomerId: ws!.customerId!,
        dataCollectionEndpointId: dce?.id ?? null,
        rules,
        streams: Object.fromEntries(rules.flatMap((r) => r.streams.map((s) => [s.replace(/^Custom-/, ''), { stream: s, ruleImmutableId: r.immutableId }]))),
        provisionedAt: new Date().toISOString(),
      }
    : null;
  return { steps, changed: steps.some((s) => s.action !== 'unchanged'), state };
}
