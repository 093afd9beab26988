// Idempotent provisioning: workspace, one custom table per bundle table, the Direct data
// collection rule(s) and, optionally, a data collection endpoint. Each resource is read first and
// written only when it is missing or differs, so a second run changes nothing and says so.
// `plan` reads and reports without writing.
import { OperationalInsightsManagementClient } from '@azure/arm-operationalinsights';
import { MonitorClient } from '@azure/arm-monitor';
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { TABLES, type AnyTable, type TableName } from '../schema/tables.js';
import { canonicalJson } from '../evidence/manifest.js';
import { clientOptions, SCOPES, type AzureConnection } from './credentials.js';
import { AzureError, describeAzureError, statusOf } from './errors.js';
import type { AzureState, RuleState } from './state.js';

/** Azure Monitor allows at most 10 data flows per data collection rule. */
export const MAX_DATA_FLOWS_PER_RULE = 10;
/** The data collection rule API version with stream declarations and kind Direct (arm-monitor 7 predates it). */
const DCR_API_VERSION = '2023-03-11';
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
  state: AzureState | null;
}

export const streamName = (table: TableName): string => `Custom-${table}`;

/** The Tables API spells datetime as dateTime. */
const tablesApiType = (t: string) => (t === 'datetime' ? 'dateTime' : t);

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
function ruleFingerprint(props: Record<string, unknown> | undefined, kind: unknown): string {
  const p = (props ?? {}) as {
    streamDeclarations?: Record<string, { columns: { name: string; type: string }[] }>;
    destinations?: { logAnalytics?: { workspaceResourceId: string; name: string }[] };
    dataFlows?: { streams: string[]; destinations: string[]; transformKql?: string; outputStream?: string }[];
    dataCollectionEndpointId?: string;
  };
  return canonicalJson({
    kind: String(kind ?? '').toLowerCase(),
    dce: (p.dataCollectionEndpointId ?? '').toLowerCase(),
    streams: Object.fromEntries(Object.entries(p.streamDeclarations ?? {}).map(([k, v]) => [k, v.columns.map((c) => `${c.name}:${c.type.toLowerCase()}`)])),
    dest: (p.destinations?.logAnalytics ?? []).map((d) => `${d.name}=${d.workspaceResourceId.toLowerCase()}`),
    flows: (p.dataFlows ?? []).map((f) => [f.streams, f.destinations, f.transformKql ?? 'source', f.outputStream ?? '']),
  });
}

const isNotFound = (err: unknown) => statusOf(err) === 404;

/** Retries an operation while a known propagation error persists, with doubling back-off. */
async function whilePropagating<T>(
  what: string,
  op: () => Promise<T>,
  isPropagation: (err: unknown) => boolean,
  run: ProvisionRun,
): Promise<T> {
  let delay = run.retryBaseMs ?? 2000;
  const deadline = Date.now() + (run.maxWaitMs ?? 10 * 60_000);
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

export async function provision(conn: AzureConnection, req: ProvisionRequest, run: ProvisionRun = {}): Promise<ProvisionResult> {
  const workspaceName = req.workspaceName ?? 'KubeForenSys-LAW';
  const location = req.location ?? 'eastus';
  // An existing workspace keeps its retention unless one is asked for explicitly.
  const retentionDays = req.retentionDays;
  const ruleName = req.ruleName ?? 'KubeForenSys-DCR';
  const dceName = req.dceName ?? 'KubeForenSys-DCE';
  const rg = req.resourceGroup;
  const rgId = `/subscriptions/${req.subscriptionId}/resourceGroups/${rg}`;
  const common = {
    ...clientOptions(conn),
    endpoint: conn.armEndpoint,
    credentialScopes: [conn.isTest ? SCOPES.management : `${conn.armEndpoint}/.default`],
  };
  const la = new OperationalInsightsManagementClient(conn.credential, req.subscriptionId, common);
  const monitor = new MonitorClient(conn.credential, req.subscriptionId, common);
  const lro = { updateIntervalInMs: run.pollIntervalMs ?? 2000, abortSignal: run.signal };
  const steps: ProvisionStep[] = [];
  const step = (s: ProvisionStep) => {
    steps.push(s);
    run.onStep?.(s);
  };
  const wsResource = `${rgId}/providers/Microsoft.OperationalInsights/workspaces/${workspaceName}`;
  const fail = (err: unknown, action: string, resource: string, role: string): never => {
    throw describeAzureError(err, { action, resource, role }, conn.tenantId);
  };

  // ---- workspace
  let ws = await la.workspaces.get(rg, workspaceName, { abortSignal: run.signal }).catch((err) => {
    // ARM answers 404 for a missing group too; only its code tells them apart.
    if ((err as { code?: string }).code === 'ResourceGroupNotFound') {
      throw new AzureError(`Resource group ${rg} does not exist: create it (az group create -n ${rg} -l ${location}) or pass --resource-group.`, 404);
    }
    if (isNotFound(err)) return null;
    return fail(err, 'read the Log Analytics workspace', wsResource, 'Log Analytics Reader');
  });
  if (ws && ws.location && ws.location.replace(/\s/g, '').toLowerCase() !== location.replace(/\s/g, '').toLowerCase() && req.location) {
    throw new AzureError(`Workspace ${workspaceName} already exists in ${ws.location}, not ${location}; a workspace cannot move: pass --location ${ws.location} or another --workspace name.`);
  }
  const wsAction: StepAction = !ws ? 'create' : retentionDays !== undefined && ws.retentionInDays !== retentionDays ? 'update' : 'unchanged';
  step({ kind: 'workspace', name: workspaceName, action: wsAction, detail: wsAction === 'update' ? `retention ${ws?.retentionInDays} → ${retentionDays} days` : undefined });
  if (wsAction !== 'unchanged' && !req.plan) {
    run.log?.(`${wsAction === 'create' ? 'Creating' : 'Updating'} workspace ${workspaceName} (a long-running operation)…`);
    ws = await la.workspaces
      .beginCreateOrUpdateAndWait(rg, workspaceName, { location: ws?.location ?? location, sku: ws?.sku ?? { name: 'PerGB2018' }, retentionInDays: retentionDays ?? 30, tags: { ...ws?.tags, createdBy: 'kubeforensys' } }, lro)
      .catch((err) => fail(err, 'create the Log Analytics workspace', rgId, 'Log Analytics Contributor'));
  }

  // ---- tables
  const tableExists = new Map<string, boolean>();
  for (const t of TABLES) {
    const existing = ws
      ? await la.tables.get(rg, workspaceName, t.name, { abortSignal: run.signal }).catch((err) => (isNotFound(err) ? null : fail(err, `read table ${t.name}`, wsResource, 'Log Analytics Reader')))
      : null;
    const have = new Map((existing?.schema?.columns ?? []).map((c) => [c.name ?? '', String(c.type ?? '').toLowerCase()]));
    const missing = t.columns.filter((c) => !have.has(c.name));
    const retyped = t.columns.filter((c) => have.has(c.name) && have.get(c.name) !== c.type);
    if (retyped.length) {
      throw new AzureError(`Table ${t.name} in ${workspaceName} has column ${retyped[0]!.name} as ${have.get(retyped[0]!.name)}, not ${retyped[0]!.type}; Log Analytics cannot change a column's type: delete the table or use another workspace.`);
    }
    const action: StepAction = !existing ? 'create' : missing.length ? 'update' : 'unchanged';
    step({ kind: 'table', name: t.name, action, detail: action === 'update' ? `add ${missing.map((c) => c.name).join(', ')}` : undefined });
    tableExists.set(t.name, !!existing);
    if (action !== 'unchanged' && !req.plan) {
      // Keep columns the table has beyond ours: Log Analytics refuses to drop columns.
      const schema = tableSchema(t);
      const extra = (existing?.schema?.columns ?? []).filter((c) => !t.columns.some((x) => x.name === c.name));
      schema.columns.push(...extra.map((c) => ({ name: c.name!, type: String(c.type), description: c.description ?? '' })));
      await whilePropagating(
        `workspace ${workspaceName} to accept tables`,
        () => la.tables.beginCreateOrUpdateAndWait(rg, workspaceName, t.name, { schema }, lro),
        (err) => isNotFound(err),
        run,
      ).catch((err) => fail(err, `create table ${t.name}`, wsResource, 'Log Analytics Contributor'));
      tableExists.set(t.name, true);
    }
  }

  // ---- data collection endpoint (private-link setups)
  let dceId: string | null = null;
  let dceIngestion: string | null = null;
  if (req.withDce) {
    const dceResource = `${rgId}/providers/Microsoft.Insights/dataCollectionEndpoints/${dceName}`;
    let dce = await monitor.dataCollectionEndpoints
      .get(rg, dceName, { abortSignal: run.signal })
      .catch((err) => (isNotFound(err) ? null : fail(err, 'read the data collection endpoint', dceResource, 'Monitoring Reader')));
    step({ kind: 'endpoint', name: dceName, action: dce ? 'unchanged' : 'create' });
    if (!dce && !req.plan) {
      dce = await monitor.dataCollectionEndpoints
        .create(rg, dceName, { body: { location, networkAcls: { publicNetworkAccess: 'Enabled' } }, abortSignal: run.signal })
        .catch((err) => fail(err, 'create the data collection endpoint', rgId, 'Monitoring Contributor'));
    }
    dceId = dce?.id ?? dceResource;
    dceIngestion = dce?.logsIngestion?.endpoint ?? null;
  }

  // ---- data collection rule(s): raw requests through the SDK's pipeline (see DCR_API_VERSION)
  const rules: RuleState[] = [];
  let ruleEndpoint: string | null = null;
  for (const group of ruleGroups(ruleName)) {
    const ruleId = `${rgId}/providers/Microsoft.Insights/dataCollectionRules/${group.name}`;
    const url = `${conn.armEndpoint}${ruleId}?api-version=${DCR_API_VERSION}`;
    const desired = ruleBody(ws?.location ?? location, ws?.id ?? wsResource, group.tables, dceId);
    const send = async (method: 'GET' | 'PUT', body?: unknown) => {
      const res = await monitor.sendRequest(
        createPipelineRequest({ url, method, abortSignal: run.signal, body: body ? JSON.stringify(body) : undefined, headers: createHttpHeaders({ 'content-type': 'application/json' }) }),
      );
      const parsed = res.bodyAsText ? (JSON.parse(res.bodyAsText) as Record<string, unknown>) : {};
      if (res.status >= 400) {
        const e = (parsed.error ?? {}) as { code?: string; message?: string };
        throw Object.assign(new Error(e.message ?? `HTTP ${res.status}`), { statusCode: res.status, code: e.code });
      }
      return parsed;
    };
    const existing = await send('GET').catch((err) => (isNotFound(err) ? null : fail(err, 'read the data collection rule', ruleId, 'Monitoring Reader')));
    const same = existing && ruleFingerprint(existing.properties as Record<string, unknown>, existing.kind) === ruleFingerprint(desired.properties, desired.kind);
    const action: StepAction = !existing ? 'create' : same ? 'unchanged' : 'update';
    step({ kind: 'rule', name: group.name, action, detail: `${group.tables.length} streams` });
    let current = existing;
    if (action !== 'unchanged' && !req.plan) {
      current = await whilePropagating(
        `the new tables to become visible to the data collection rule service`,
        () => send('PUT', desired),
        (err) => statusOf(err) === 400 && /not available|InvalidOutputTable|does not exist|not found/i.test(String((err as Error).message)),
        run,
      ).catch((err) => fail(err, 'create the data collection rule', rgId, 'Monitoring Contributor'));
    }
    const props = (current?.properties ?? {}) as { immutableId?: string; endpoints?: { logsIngestion?: string } };
    ruleEndpoint ??= props.endpoints?.logsIngestion ?? null;
    rules.push({ name: group.name, resourceId: String(current?.id ?? ruleId), immutableId: props.immutableId ?? '', streams: group.tables.map((t) => streamName(t.name)) });
  }

  const changed = steps.some((s) => s.action !== 'unchanged');
  const complete = !!ws?.customerId && rules.every((r) => r.immutableId) && !!(dceIngestion ?? ruleEndpoint);
  const state: AzureState | null = complete
    ? {
        version: 1,
        subscriptionId: req.subscriptionId,
        resourceGroup: rg,
        location: ws!.location ?? location,
        workspaceName,
        workspaceResourceId: ws!.id ?? wsResource,
        workspaceCustomerId: ws!.customerId!,
        ingestionEndpoint: (dceIngestion ?? ruleEndpoint)!,
        dataCollectionEndpointId: dceId,
        rules,
        streams: Object.fromEntries(rules.flatMap((r) => r.streams.map((s) => [s.replace(/^Custom-/, ''), { stream: s, ruleImmutableId: r.immutableId }]))),
        provisionedAt: new Date().toISOString(),
      }
    : null;
  return { steps, changed, state };
}
