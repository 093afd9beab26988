// The Azure emulator: HTTPS loopback servers (self-signed CA, SAN IP:127.0.0.1) answering the
// ARM operations provisioning uses, the Logs Ingestion API and the Log Analytics query API, for
// the real SDK clients. It answers as the real services do where that breaks naive clients (see
// docs/azure.md, "What real Azure does"): each Direct rule and each data collection endpoint has
// its own ingestion host (a rule sent to another's host is 403), rule errors carry their code in
// error.details[], an empty query result is 204, ingested rows become queryable only after a
// delay, results are cut at a row and a size limit, and every request is checked against the
// caller's role assignments. State lives in memory; faults can be injected per request.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { Faults, type FaultTarget } from './faults.js';
import { armError, json, readBody } from './http.js';
import { AksStore, type AksTrail, type ArmBody, type RouteContext, type TrailWorkspace } from './aksState.js';
import { isManagedClustersPath, managedClusters } from './managedClusters.js';
import { diagnosticSettings, isDiagnosticSettingsPath } from './diagnosticSettings.js';
import { activityLog, isActivityLogPath } from './activityLog.js';
import { isSecurityAlertsPath, securityAlerts } from './securityAlerts.js';
import { AKS_TABLES } from './auditWorkspace.js';
import { Rbac, type Principal, type RoleAssignment } from './rbac.js';
import { evaluate, KDate, KSpan, KqlEvalError, toJson, kustoDatetimeText, type Value, type Row } from './kqlEval.js';
import { spanText } from './kqlValues.js';
import { validateKql, type DeclaredTable } from './kustoValidate.js';
import { INSIGHTS_TABLES } from '../../../src/core/schema/insightsTables.js';
import type { TestEndpoints } from '../../../src/core/azure/testEndpoints.js';

export const MAX_BODY_BYTES = 1_000_000;
export const MAX_DATA_FLOWS = 10;
const STATIC_TOKEN_PREFIX = 'kfs-emulator-token-';
const TABLE_HINT = 'kubeevents_CL';
const DESTINATION_HINT = 'kubeforensysWorkspace';

interface Column {
  name: string;
  type: string;
}
interface Workspace {
  id: string;
  name: string;
  location: string;
  customerId: string;
  body: Record<string, unknown>;
  tables: Map<string, { id: string; name: string; columns: Column[]; body: Record<string, unknown> }>;
  rows: Map<string, Record<string, unknown>[]>;
}
interface Rule {
  id: string;
  immutableId: string;
  /** This rule's own logsIngestion host. */
  endpoint: string;
  body: Record<string, unknown>;
  streams: Map<string, Column[]>;
  outputs: Map<string, { workspace: Workspace; table: string }>;
}

export interface EmulatorOptions {
  port?: number;
  /** Result rows above which a query answers a partial error (the service's 500,000). */
  maxQueryRows?: number;
  /** Resource groups that do not exist (all others do). */
  missingResourceGroups?: string[];
  /** Validate and count ingested rows but keep none (benchmarks with millions of rows). */
  discardRows?: boolean;
  /** The first N rule PUTs answer as if new tables were not yet visible (ARM propagation). */
  dcrPropagationFailures?: number;
  /** How long ingested rows take to become queryable (new custom tables: minutes on Azure). */
  ingestionDelayMs?: number;
  /** Raw result bytes above which a query answers a partial error (the service's ~100 MB). */
  maxQueryBytes?: number;
  /** AKS evidence: managed clusters, diagnostic settings, audit workspaces, Activity Log, alerts. */
  aks?: AksTrail;
  /** Items per page of managed clusters, Activity Log events and alerts (default 50). */
  armPageSize?: number;
  /** The subscription the endpoints name (default: the trail's, else a fixed test id). */
  subscriptionId?: string;
  tenantId?: string;
}

/** Where an ingestion request arrived: a rule's own host, a data collection endpoint's, or ARM's. */
type IngestionHost = { kind: 'rule'; immutableId: string } | { kind: 'dce'; id: string } | { kind: 'none' };

export interface EmulatorStats {
  armReads: number;
  armWrites: number;
  ingestRequests: number;
  ingestBytes: number;
  ingestRows: number;
  queries: number;
  /** Accepted ingestion requests per rule immutable id. */
  ingestByRule: Record<string, number>;
  /** Ingestion requests refused because the host was not the rule's (403). */
  endpointMismatches: number;
  /** Requests refused by a role check (403). */
  denied: number;
}

export interface AzureEmulator {
  url: string;
  endpoints: TestEndpoints;
  faults: Faults;
  stats: EmulatorStats;
  /** Service limits and timings that tests may change. */
  limits: { maxQueryRows: number; maxQueryBytes: number; ingestionDelayMs: number; armPageSize: number };
  /** The AKS evidence the emulator serves; change it at any time. */
  aks: AksHandle;
  /** A principal with only these role assignments; returns its bearer token. */
  addPrincipal(assignments: RoleAssignment[]): string;
  /** Adds a role assignment to the principal of `token` (e.g. Monitoring Metrics Publisher on a rule). */
  assign(token: string, assignment: RoleAssignment): void;
  /** Rows stored in a workspace table (all workspaces). */
  rows(table: string): Record<string, unknown>[];
  /** Adds rows directly (e.g. Container Insights tables that this tool does not ingest). */
  seed(table: string, rows: Record<string, unknown>[]): void;
  /** The endpoints file; `token` makes it sign in as another principal (default: an Owner). */
  writeEndpointsFile(path: string, token?: string): Promise<void>;
  close(): Promise<void>;
}

/** Changes to the AKS evidence after start (the same shapes as AksTrail). */
export interface AksHandle {
  addCluster(body: ArmBody): void;
  setDiagnosticSettings(resourceId: string, settings: ArmBody[]): void;
  addActivity(events: Record<string, unknown>[]): void;
  addAlerts(alerts: ArmBody[]): void;
  /** Registers an existing workspace (GET answers it; the query API serves its rows); returns its customer id. */
  addWorkspace(ws: TrailWorkspace): string;
  /** Adds rows to one workspace's table (AKSAudit, AzureDiagnostics, ...). */
  seedWorkspace(workspaceResourceId: string, table: string, rows: Record<string, unknown>[]): void;
}

/** The fault target of an ARM path: the AKS evidence source it reads, if any. */
function armSource(path: string): Exclude<FaultTarget, 'any'>[] {
  if (isManagedClustersPath(path)) return ['managedClusters', 'arm'];
  if (isDiagnosticSettingsPath(path)) return ['diagnosticSettings', 'arm'];
  if (isActivityLogPath(path)) return ['activityLog', 'arm'];
  if (isSecurityAlertsPath(path)) return ['alerts', 'arm'];
  return ['arm'];
}

function makeCert(): { key: string; cert: string } {
  const require = createRequire(import.meta.url);
  const selfsigned = require('selfsigned') as {
    generate(attrs: { name: string; value: string }[], opts: Record<string, unknown>): { private: string; cert: string };
  };
  const pems = selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    days: 2,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** The rule service's shape: a generic top-level message, the reason in details[]. */
const ruleError = (res: ServerResponse, code: string, message: string) =>
  json(res, 400, { error: { code: 'InvalidPayload', message: 'Data collection rule is invalid', details: [{ code, message, target: 'properties' }] } });
const sameRegion = (a: unknown, b: unknown) => String(a ?? '').replace(/\s/g, '').toLowerCase() === String(b ?? '').replace(/\s/g, '').toLowerCase();
/** When a row becomes visible to queries (rows seeded directly are visible at once). */
const VISIBLE_AT = Symbol('visibleAt');
type StoredRow = Record<string, unknown> & { [VISIBLE_AT]?: number };
const MAX_FIELD_BYTES = 64 * 1024;
const DAY_MS = 86_400_000;

const LA_TYPES = new Set(['string', 'int', 'long', 'real', 'boolean', 'datetime', 'dynamic', 'guid']);
/** Column names Log Analytics reserves (matched case-insensitively). */
const RESERVED = new Set(
  ['_ResourceId', 'id', '_SubscriptionId', 'TenantId', 'Type', 'UniqueId', 'Title', 'BilledSize', 'IsBillable', 'InvalidTimeGenerated', '_ItemId', '_ResourceGroup', '_TimeReceived'].map((n) => n.toLowerCase()),
);
/** Columns every DCR-based table has, which a table GET lists under standardColumns. */
const STANDARD_COLUMNS = [
  { name: 'TenantId', type: 'guid' },
  { name: 'TimeGenerated', type: 'dateTime' },
  { name: 'Type', type: 'string' },
  { name: '_ResourceId', type: 'string' },
];

/** The [start, end) of an ISO 8601 interval as LogsQueryClient sends it: start/end, start/duration, duration/end, or a duration ending now. */
export function timespanRange(text: string, now: number): [number, number] | null {
  const dur = (d: string) => {
    const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(d);
    return m && d.length > 1 ? ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Number(m[4] ?? 0) * 1000 : null;
  };
  const [a, b] = text.split('/');
  const t = (x: string | undefined) => (x && !Number.isNaN(Date.parse(x)) ? Date.parse(x) : null);
  if (a && b === undefined) return dur(a) === null ? null : [now - dur(a)!, now];
  if (t(a) !== null && t(b) !== null) return [t(a)!, t(b)!];
  if (t(a) !== null && b && dur(b) !== null) return [t(a)!, t(a)! + dur(b)!];
  if (a && dur(a) !== null && t(b) !== null) return [t(b)! - dur(a)!, t(b)!];
  return null;
}


export async function startAzureEmulator(opts: EmulatorOptions = {}): Promise<AzureEmulator> {
  const { key, cert } = makeCert();
  const rbac = new Rbac();
  // The default principal: Owner of the subscription (every action and data action).
  const owner = rbac.add([{ scope: '/', role: { Actions: ['*'], DataActions: ['*'] } }], STATIC_TOKEN_PREFIX);
  const token = owner.token;
  const faults = new Faults();
  const stats: EmulatorStats = { armReads: 0, armWrites: 0, ingestRequests: 0, ingestBytes: 0, ingestRows: 0, queries: 0, ingestByRule: {}, endpointMismatches: 0, denied: 0 };
  const workspaces = new Map<string, Workspace>(); // by lower-cased resource id
  const rules = new Map<string, Rule>(); // by lower-cased resource id
  const endpointsById = new Map<string, { body: Record<string, unknown>; immutableId: string; endpoint: string }>();
  const extraServers: Server[] = [];
  const operations = new Map<string, { pollsLeft: number }>();
  const missingRgs = new Set((opts.missingResourceGroups ?? []).map((s) => s.toLowerCase()));
  const limits = { maxQueryRows: opts.maxQueryRows ?? 500_000, maxQueryBytes: opts.maxQueryBytes ?? 100 * 1024 * 1024, ingestionDelayMs: opts.ingestionDelayMs ?? 0, armPageSize: opts.armPageSize ?? 50 };
  const store = new AksStore();
  let base = '';
  let propagationFailures = 0;

  const server: Server = createServer({ key, cert }, (req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) armError(res, 500, 'InternalServerError', err.message);
      else res.destroy();
    });
  });

  async function applyFault(targets: Exclude<FaultTarget, 'any'>[], req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const f = faults.pick(...targets);
    const target = targets[targets.length - 1];
    if (!f) return false;
    const retry: Record<string, string> = f.retryAfterSeconds === null ? {} : { 'retry-after': String(f.retryAfterSeconds ?? 0) };
    switch (f.kind) {
      case 'slow':
        await new Promise((r) => setTimeout(r, f.delayMs ?? 200));
        return false;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'forbidden':
        await readBody(req);
        json(res, 403, {
          error: {
            code: target === 'ingest' ? 'OperationFailed' : 'AuthorizationFailed',
            message: 'The authentication token provided does not have access to ingest data for the data collection rule.',
          },
        });
        return true;
      case 'throttle':
        await readBody(req);
        json(res, 429, { error: { code: 'TooManyRequests', message: 'Rate limit exceeded.' } }, retry);
        return true;
      case 'unavailable':
        await readBody(req);
        json(res, 503, { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' } }, retry);
        return true;
    }
  }

  /** The caller, or null after answering as the service does for a bad token. */
  async function authenticate(req: IncomingMessage, res: ServerResponse, service: 'arm' | 'ingest' | 'query'): Promise<Principal | null> {
    const auth = req.headers.authorization ?? '';
    const principal = auth.startsWith('Bearer ') ? rbac.principal(auth.slice(7)) : undefined;
    if (principal) return principal;
    await readBody(req);
    // The query API answers a bad token with 403; ARM and ingestion with 401.
    const status = service === 'query' ? 403 : 401;
    json(res, status, { error: { code: 'InvalidAuthenticationToken', message: 'The access token is missing or invalid.' } }, service === 'ingest' ? { 'x-ms-error-code': 'InvalidAuthenticationToken' } : {});
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, host: IngestionHost = { kind: 'none' }): Promise<void> {
    // SDKs that take a resource id with its leading slash send //subscriptions/…; ARM accepts it.
    const url = new URL((req.url ?? '/').replace(/^\/{2,}/, '/'), base);
    const path = url.pathname;
    if (/^\/dataCollectionRules\//i.test(path)) {
      const who = await authenticate(req, res, 'ingest');
      if (!who || (await applyFault(['ingest'], req, res))) return;
      return ingest(req, res, url, who, host);
    }
    if (host.kind !== 'none') return armError(res, 404, 'NotFound', `no route for ${path} on an ingestion endpoint`);
    if (/^\/v1\/workspaces\//i.test(path)) {
      const who = await authenticate(req, res, 'query');
      if (!who || (await applyFault(['query'], req, res))) return;
      return query(req, res, url, who);
    }
    if (/^\/subscriptions\//i.test(path)) {
      const who = await authenticate(req, res, 'arm');
      if (!who || (await applyFault(armSource(path), req, res))) return;
      return arm(req, res, url, who);
    }
    armError(res, 404, 'NotFound', `no route for ${path}`);
  }

  /** A separate HTTPS listener: the ingestion host of one rule or data collection endpoint. */
  async function ingestionHost(host: IngestionHost): Promise<string> {
    const s = createServer({ key, cert }, (req, res) => {
      handle(req, res, host).catch((err: Error) => {
        if (!res.headersSent) armError(res, 500, 'InternalServerError', err.message);
        else res.destroy();
      });
    });
    s.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    extraServers.push(s);
    return `https://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  /** 403 AuthorizationFailed as ARM words it, when the caller lacks `action` on `scope`. */
  function denied(res: ServerResponse, who: Principal, action: string, scope: string): boolean {
    if (rbac.can(who, scope, action)) return false;
    stats.denied++;
    armError(res, 403, 'AuthorizationFailed', `The client with object id '${who.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid.`);
    return true;
  }

  // ------------------------------------------------------------------ ARM
  async function arm(req: IncomingMessage, res: ServerResponse, url: URL, who: Principal): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'GET') stats.armReads++;
    else stats.armWrites++;
    const raw = await readBody(req);
    const body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    const p = url.pathname;
    const ctx: RouteContext = { base, who, rbac, store, pageSize: limits.armPageSize, denied: (r, action, scope) => denied(r, who, action, scope) };
    if (armSource(p)[0] !== 'arm' && !url.searchParams.get('api-version')) {
      return armError(res, 400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
    }
    if (managedClusters(ctx, method, url, res) || diagnosticSettings(ctx, method, url, res) || activityLog(ctx, method, url, res) || securityAlerts(ctx, method, url, res)) return;
    // What the caller may do at a scope: everyone may read their own permissions.
    let m = /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+(?:\/providers\/[^/]+(?:\/+[^/]+)+?)?)\/providers\/Microsoft\.Authorization\/permissions$/i.exec(p);
    if (m) {
      const scope = m[1]!.replace(/\/{2,}/g, '/');
      return json(res, 200, { value: rbac.effective(who, scope).map((r) => ({ actions: r.Actions ?? [], notActions: r.NotActions ?? [], dataActions: r.DataActions ?? [], notDataActions: r.NotDataActions ?? [] })) });
    }
    m = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.OperationalInsights\/locations\/([^/]+)\/operationStatuses\/([^/]+)$/i.exec(p);
    if (m) {
      // No role check: ARM lets whoever started a long-running operation poll its status.
      const op = operations.get(m[3]!);
      if (!op) return armError(res, 404, 'NotFound', 'unknown operation');
      const status = op.pollsLeft-- > 0 ? 'InProgress' : 'Succeeded';
      return json(res, 200, { id: p, name: m[3], status, startTime: new Date().toISOString() });
    }
    m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?$/i.exec(p);
    if (!m) return armError(res, 404, 'InvalidResourceType', `The resource type could not be found for ${p}.`);
    const [, sub, rg, provider, type, name, childType, childName] = m as unknown as string[];
    if (missingRgs.has(rg!.toLowerCase())) return armError(res, 404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
    const canonicalRg = `/subscriptions/${sub}/resourceGroups/${rg}`;
    const kind = `${provider}/${type}`.toLowerCase();
    const verb = method === 'GET' ? 'read' : 'write';
    const resourceId = `${canonicalRg}/providers/${provider}/${type}/${name}${childType ? `/${childType}/${childName ?? ''}` : ''}`;
    const action = childType ? `${provider}/${type}/${childType}/${verb}` : `${provider}/${type}/${verb}`;
    if (denied(res, who, action, resourceId)) return;
    if (kind === 'microsoft.operationalinsights/workspaces') {
      const wsId = `${canonicalRg}/providers/Microsoft.OperationalInsights/workspaces/${name}`;
      if (childType?.toLowerCase() === 'tables') return table(req, res, url, wsId, childName, body);
      if (childType) return armError(res, 404, 'InvalidResourceType', `unsupported ${childType}`);
      return workspace(method, res, url, wsId, name!, body);
    }
    if (kind === 'microsoft.insights/datacollectionrules' && !childType) return dcr(method, res, `${canonicalRg}/providers/Microsoft.Insights/dataCollectionRules/${name}`, name!, body);
    if (kind === 'microsoft.insights/datacollectionendpoints' && !childType) return dce(method, res, `${canonicalRg}/providers/Microsoft.Insights/dataCollectionEndpoints/${name}`, name!, body);
    armError(res, 404, 'InvalidResourceType', `The resource type '${provider}/${type}' could not be found.`);
  }

  function lroHeaders(url: URL, location: string): Record<string, string> {
    const id = randomUUID();
    operations.set(id, { pollsLeft: 1 });
    const sub = url.pathname.split('/')[2];
    const opUrl = `${base}/subscriptions/${sub}/providers/Microsoft.OperationalInsights/locations/${encodeURIComponent(location)}/operationStatuses/${id}?api-version=2022-10-01`;
    return { 'azure-asyncoperation': opUrl, location: opUrl };
  }

  function workspaceView(ws: Workspace, state: string): Record<string, unknown> {
    const props = (ws.body.properties ?? {}) as Record<string, unknown>;
    return {
      id: ws.id,
      name: ws.name,
      type: 'Microsoft.OperationalInsights/workspaces',
      location: ws.location,
      tags: ws.body.tags ?? {},
      properties: {
        ...props,
        customerId: ws.customerId,
        provisioningState: state,
        sku: props.sku ?? { name: 'PerGB2018' },
        retentionInDays: props.retentionInDays ?? 30,
        publicNetworkAccessForIngestion: 'Enabled',
        publicNetworkAccessForQuery: 'Enabled',
      },
    };
  }

  function workspace(method: string, res: ServerResponse, url: URL, id: string, name: string, body: Record<string, unknown>): void {
    const key = id.toLowerCase();
    const ws = workspaces.get(key);
    if (method === 'GET') {
      if (!ws) return armError(res, 404, 'ResourceNotFound', `The Resource 'Microsoft.OperationalInsights/workspaces/${name}' under resource group was not found.`);
      return json(res, 200, workspaceView(ws, 'Succeeded'));
    }
    if (method === 'PUT') {
      if (typeof body.location !== 'string') return armError(res, 400, 'LocationRequired', 'The location property is required for this definition.');
      const props = (body.properties ?? {}) as Record<string, unknown>;
      const retention = props.retentionInDays;
      if (retention !== undefined && (typeof retention !== 'number' || retention < 30 || retention > 730)) {
        return armError(res, 400, 'InvalidParameter', 'retentionInDays must be between 30 and 730.');
      }
      const existing = ws;
      const next: Workspace = existing ?? { id, name, location: body.location, customerId: randomUUID(), body, tables: new Map(), rows: new Map() };
      next.body = body;
      workspaces.set(key, next);
      return json(res, existing ? 200 : 201, workspaceView(next, existing ? 'Updating' : 'Creating'), lroHeaders(url, next.location));
    }
    armError(res, 405, 'MethodNotAllowed', method);
  }

  function table(req: IncomingMessage, res: ServerResponse, url: URL, wsId: string, name: string | undefined, body: Record<string, unknown>): void {
    const ws = workspaces.get(wsId.toLowerCase());
    if (!ws) return armError(res, 404, 'ResourceNotFound', `Workspace ${wsId} not found.`);
    const method = req.method ?? 'GET';
    const view = (t: { id: string; name: string; columns: Column[]; body: Record<string, unknown> }, state: string) => {
      const props = (t.body.properties ?? {}) as Record<string, unknown>;
      return {
        id: t.id,
        name: t.name,
        type: 'Microsoft.OperationalInsights/workspaces/tables',
        properties: {
          retentionInDays: props.retentionInDays ?? ((ws.body.properties as Record<string, unknown> | undefined)?.retentionInDays ?? 30),
          totalRetentionInDays: props.totalRetentionInDays ?? props.retentionInDays ?? 30,
          archiveRetentionInDays: 0,
          plan: props.plan ?? 'Analytics',
          provisioningState: state,
          schema: {
            name: t.name,
            tableType: 'CustomLog',
            tableSubType: 'DataCollectionRuleBased',
            // As the service answers for DCR-based tables: TimeGenerated is a standard column.
            columns: t.columns.filter((c) => !STANDARD_COLUMNS.some((x) => x.name === c.name)).map((c) => ({ ...c, type: c.type === 'datetime' ? 'dateTime' : c.type })),
            standardColumns: STANDARD_COLUMNS,
          },
        },
      };
    };
    if (!name) {
      if (method !== 'GET') return armError(res, 405, 'MethodNotAllowed', method);
      return json(res, 200, { value: [...ws.tables.values()].map((t) => view(t, 'Succeeded')) });
    }
    const existing = ws.tables.get(name);
    if (method === 'GET') {
      if (!existing) return armError(res, 404, 'ResourceNotFound', `The table ${name} was not found.`);
      return json(res, 200, view(existing, 'Succeeded'));
    }
    if (method !== 'PUT') return armError(res, 405, 'MethodNotAllowed', method);
    const schema = ((body.properties ?? {}) as Record<string, unknown>).schema as { name?: string; columns?: Column[] } | undefined;
    // The Tables API spells the type dateTime; compare and store lower-cased.
    const columns = (schema?.columns ?? []).map((c) => ({ ...c, type: String(c.type).toLowerCase() }));
    if (!name.endsWith('_CL')) return armError(res, 400, 'InvalidParameter', 'Custom table names must end with _CL.');
    if (!columns.some((c) => c.name === 'TimeGenerated' && c.type === 'datetime')) {
      return armError(res, 400, 'InvalidParameter', 'The table schema must contain a TimeGenerated column of type datetime.');
    }
    for (const c of columns) {
      if (!/^[A-Za-z][A-Za-z0-9_]{1,44}$/.test(c.name)) return armError(res, 400, 'InvalidParameter', `Column name '${c.name}' is invalid: 2 to 45 letters, digits and underscores, starting with a letter.`);
      if (RESERVED.has(c.name.toLowerCase())) return armError(res, 400, 'InvalidParameter', `Column name '${c.name}' is reserved.`);
      if (!LA_TYPES.has(c.type)) return armError(res, 400, 'InvalidParameter', `Column ${c.name} has invalid type ${c.type}.`);
    }
    if (existing) {
      // The service refuses to change a column's type or to drop a column.
      for (const old of existing.columns) {
        const now = columns.find((c) => c.name === old.name);
        if (!now) return armError(res, 400, 'InvalidParameter', `Column ${old.name} cannot be removed.`);
        if (now.type !== old.type) return armError(res, 400, 'InvalidParameter', `Column ${old.name} cannot change type.`);
      }
    }
    const t = { id: `${ws.id}/tables/${name}`, name, columns: columns.map((c) => ({ name: c.name, type: c.type, ...(c as { description?: string }).description ? { description: (c as { description?: string }).description } : {} })), body };
    ws.tables.set(name, t);
    json(res, 202, view(t, 'Updating'), lroHeaders(url, ws.location));
  }

  function dcrView(rule: Rule): Record<string, unknown> {
    const props = (rule.body.properties ?? {}) as Record<string, unknown>;
    return {
      id: rule.id,
      name: rule.id.split('/').pop(),
      type: 'Microsoft.Insights/dataCollectionRules',
      location: rule.body.location,
      kind: rule.body.kind,
      etag: `"${randomUUID()}"`,
      properties: {
        ...props,
        immutableId: rule.immutableId,
        ...(rule.body.kind === 'Direct' ? { endpoints: { logsIngestion: rule.endpoint, metricsIngestion: rule.endpoint } } : {}),
        provisioningState: 'Succeeded',
      },
    };
  }

  async function dcr(method: string, res: ServerResponse, id: string, name: string, body: Record<string, unknown>): Promise<void> {
    const key = id.toLowerCase();
    const existing = rules.get(key);
    if (method === 'GET') {
      if (!existing) return armError(res, 404, 'ResourceNotFound', `The data collection rule ${name} was not found.`);
      return json(res, 200, dcrView(existing));
    }
    if (method !== 'PUT') return armError(res, 405, 'MethodNotAllowed', method);
    const props = (body.properties ?? {}) as {
      streamDeclarations?: Record<string, { columns: Column[] }>;
      destinations?: { logAnalytics?: { workspaceResourceId: string; name: string }[] };
      dataFlows?: { streams: string[]; destinations: string[]; outputStream?: string; transformKql?: string }[];
      dataCollectionEndpointId?: string;
    };
    const bad = (message: string, code = 'InvalidPayload') => ruleError(res, code, message);
    if (typeof body.location !== 'string') return bad('location is required.', 'InvalidLocation');
    if ((opts.dcrPropagationFailures ?? 0) > propagationFailures) {
      propagationFailures++;
      return bad(`Table for output stream 'Custom-${TABLE_HINT}' is not available for destination '${DESTINATION_HINT}'.`, 'InvalidOutputTable');
    }
    const flows = props.dataFlows ?? [];
    if (flows.length > MAX_DATA_FLOWS) return bad(`Data collection rule has ${flows.length} data flows; at most ${MAX_DATA_FLOWS} are allowed.`, 'InvalidDataFlow');
    const dceEntry = props.dataCollectionEndpointId ? endpointsById.get(props.dataCollectionEndpointId.toLowerCase()) : undefined;
    if (props.dataCollectionEndpointId && !dceEntry) return bad(`Data collection endpoint ${props.dataCollectionEndpointId} does not exist.`, 'InvalidDataCollectionEndpoint');
    if (dceEntry && !sameRegion(dceEntry.body.location, body.location)) {
      return bad(`Data collection endpoint ${props.dataCollectionEndpointId} is in '${String(dceEntry.body.location)}'; it must be in the rule's region '${body.location}'.`, 'InvalidDataCollectionEndpoint');
    }
    const streams = new Map<string, Column[]>();
    for (const [s, decl] of Object.entries(props.streamDeclarations ?? {})) {
      if (!s.startsWith('Custom-')) return bad(`Stream name ${s} must begin with Custom-.`);
      for (const c of decl.columns) if (!LA_TYPES.has(c.type) || c.type === 'guid') return bad(`Stream ${s} column ${c.name} has invalid type ${c.type}.`);
      streams.set(s, decl.columns);
    }
    const dests = new Map((props.destinations?.logAnalytics ?? []).map((d) => [d.name, d.workspaceResourceId]));
    const outputs = new Map<string, { workspace: Workspace; table: string }>();
    for (const f of flows) {
      for (const s of f.streams) {
        if (!streams.has(s)) return bad(`Data flow stream ${s} is not declared.`);
        for (const d of f.destinations) {
          const wsId = dests.get(d);
          const ws = wsId ? workspaces.get(wsId.toLowerCase()) : undefined;
          if (!ws) return bad(`Destination ${d} does not refer to an existing Log Analytics workspace.`, 'InvalidDestination');
          if (!sameRegion(ws.location, body.location)) return bad(`The rule is in '${body.location}' but destination '${d}' is in '${ws.location}': a rule and its workspace must be in the same region.`, 'InvalidDestinationLocation');
          const tableName = (f.outputStream ?? s).replace(/^Custom-/, '');
          if (!ws.tables.has(tableName)) return bad(`Table for output stream '${f.outputStream ?? s}' is not available for destination '${d}'.`, 'InvalidOutputTable');
          outputs.set(s, { workspace: ws, table: tableName });
        }
      }
    }
    const immutableId = existing?.immutableId ?? `dcr-${randomBytes(16).toString('hex')}`;
    const rule: Rule = existing ?? { id, immutableId, endpoint: await ingestionHost({ kind: 'rule', immutableId }), body, streams, outputs };
    rule.body = body;
    rule.streams = streams;
    rule.outputs = outputs;
    rules.set(key, rule);
    json(res, existing ? 200 : 201, dcrView(rule));
  }

  async function dce(method: string, res: ServerResponse, id: string, name: string, body: Record<string, unknown>): Promise<void> {
    const key = id.toLowerCase();
    let existing = endpointsById.get(key);
    const view = (b: Record<string, unknown>, immutableId: string) => ({
      id,
      name,
      type: 'Microsoft.Insights/dataCollectionEndpoints',
      location: b.location,
      properties: {
        ...((b.properties ?? {}) as Record<string, unknown>),
        immutableId,
        configurationAccess: { endpoint: existing?.endpoint ?? '' },
        logsIngestion: { endpoint: existing?.endpoint ?? '' },
        networkAcls: { publicNetworkAccess: 'Enabled' },
        provisioningState: 'Succeeded',
      },
    });
    if (method === 'GET') {
      if (!existing) return armError(res, 404, 'ResourceNotFound', `The data collection endpoint ${name} was not found.`);
      return json(res, 200, view(existing.body, existing.immutableId));
    }
    if (method !== 'PUT') return armError(res, 405, 'MethodNotAllowed', method);
    if (typeof body.location !== 'string') return armError(res, 400, 'InvalidPayload', 'location is required.');
    const created = !existing;
    existing = { body, immutableId: existing?.immutableId ?? `dce-${randomBytes(16).toString('hex')}`, endpoint: existing?.endpoint ?? (await ingestionHost({ kind: 'dce', id: key })) };
    endpointsById.set(key, existing);
    json(res, created ? 201 : 200, view(existing.body, existing.immutableId));
  }

  // ------------------------------------------------------------------ Logs Ingestion
  async function ingest(req: IncomingMessage, res: ServerResponse, url: URL, who: Principal, host: IngestionHost): Promise<void> {
    stats.ingestRequests++;
    const raw = await readBody(req);
    stats.ingestBytes += raw.length;
    const m = /^\/dataCollectionRules\/([^/]+)\/streams\/([^/]+)$/i.exec(url.pathname);
    // The SDK percent-encodes the key (api%2Dversion); URLSearchParams decodes it.
    const apiVersion = new URLSearchParams(url.search).get('api-version');
    // Every ingestion error names its code in x-ms-error-code as well as in the body.
    const err = (status: number, code: string, message: string) => json(res, status, { error: { code, message } }, { 'x-ms-error-code': code });
    if (req.method !== 'POST' || !m) return err(404, 'NotFound', 'unknown ingestion route');
    if (apiVersion !== '2023-01-01') return err(400, 'InvalidApiVersion', `api-version ${apiVersion ?? '(none)'} is not supported.`);
    const rule = [...rules.values()].find((r) => r.immutableId === decodeURIComponent(m[1]!));
    if (!rule) return err(404, 'DcrNotFound', `Data collection rule ${m[1]} was not found.`);
    const dceId = ((rule.body.properties ?? {}) as { dataCollectionEndpointId?: string }).dataCollectionEndpointId?.toLowerCase();
    const bound = (host.kind === 'rule' && host.immutableId === rule.immutableId) || (host.kind === 'dce' && host.id === dceId);
    const rbacOk = rbac.can(who, rule.id, 'Microsoft.Insights/Telemetry/Write', 'data');
    if (!bound || !rbacOk) {
      if (!bound) stats.endpointMismatches++;
      else stats.denied++;
      // The service's wording: both checks are reported, whichever failed.
      return err(
        403,
        'OperationFailed',
        `The authentication token provided does not have access to ingest data for the data collection rule with immutable Id '${rule.immutableId}' PipelineAccessResult: ${rbacOk && bound ? 'AccessGranted' : 'AccessDenied'}, IsRbacPresent: ${rbacOk ? 'True' : 'False'}, IsDcrDceBindingValid: ${bound ? 'True' : 'False'}, DcrArmId: ${rule.id}.`,
      );
    }
    const stream = decodeURIComponent(m[2]!);
    const decl = rule.streams.get(stream);
    const out = rule.outputs.get(stream);
    if (!decl || !out) return err(400, 'InvalidStream', `Stream ${stream} is not declared in the data collection rule.`);
    let body = raw;
    if ((req.headers['content-encoding'] ?? '').includes('gzip')) {
      try {
        body = gunzipSync(raw);
      } catch {
        return err(400, 'InvalidContentEncoding', 'The body is not valid gzip.');
      }
    }
    if (body.length > MAX_BODY_BYTES) return err(413, 'ContentLengthLimitExceeded', `The request body is ${body.length} bytes; the limit is ${MAX_BODY_BYTES}.`);
    let rows: unknown;
    try {
      rows = JSON.parse(body.toString('utf8'));
    } catch {
      return err(400, 'InvalidJson', 'The body is not valid JSON.');
    }
    if (!Array.isArray(rows)) return err(400, 'InvalidPayload', 'The body must be a JSON array of records.');
    const types = new Map(decl.map((c) => [c.name, c.type]));
    for (const [i, row] of rows.entries()) {
      if (!row || typeof row !== 'object' || Array.isArray(row)) return err(400, 'InvalidPayload', `Record ${i} is not an object.`);
      const problem = recordProblem(row as Record<string, unknown>, types, stream);
      if (problem) return err(400, 'InvalidPayload', `Record ${i} ${problem}`);
    }
    const visibleAt = Date.now() + limits.ingestionDelayMs;
    if (!opts.discardRows) {
      const stored = out.workspace.rows.get(out.table) ?? [];
      for (const row of rows as Record<string, unknown>[]) stored.push(asReceived(row, types, visibleAt));
      out.workspace.rows.set(out.table, stored);
    }
    stats.ingestRows += rows.length;
    stats.ingestByRule[rule.immutableId] = (stats.ingestByRule[rule.immutableId] ?? 0) + 1;
    res.writeHead(204, { 'x-ms-request-id': randomUUID() });
    res.end();
  }

  /** Why the service refuses a record (a column it does not declare, a value of the wrong type), or null. */
  function recordProblem(row: Record<string, unknown>, types: Map<string, string>, stream: string): string | null {
    for (const [k, v] of Object.entries(row)) {
      const t = types.get(k);
      if (!t) return `has column ${k}, which stream ${stream} does not declare.`;
      if (v === null) continue;
      const ok =
        t === 'dynamic' ||
        (t === 'string' && typeof v === 'string') ||
        (t === 'datetime' && typeof v === 'string' && !Number.isNaN(Date.parse(v))) ||
        ((t === 'int' || t === 'long') && Number.isInteger(v)) ||
        (t === 'real' && typeof v === 'number') ||
        (t === 'boolean' && typeof v === 'boolean');
      if (!ok) return `column ${k} is not a valid ${t}.`;
    }
    return null;
  }

  /**
   * The record as the workspace keeps it: strings over 64 KB cut (the service truncates rather than
   * refuses), and a TimeGenerated over 2 days old or 1 day ahead replaced by the time received.
   */
  function asReceived(row: Record<string, unknown>, types: Map<string, string>, visibleAt: number): StoredRow {
    const out: StoredRow = { ...row };
    for (const [k, v] of Object.entries(row)) {
      if (types.get(k) === 'string' && typeof v === 'string' && Buffer.byteLength(v, 'utf8') > MAX_FIELD_BYTES) {
        out[k] = Buffer.from(v, 'utf8').subarray(0, MAX_FIELD_BYTES).toString('utf8').replace(/\uFFFD$/, '');
      }
    }
    const now = Date.now();
    const tg = typeof row.TimeGenerated === 'string' ? Date.parse(row.TimeGenerated) : NaN;
    if (!Number.isNaN(tg) && (tg < now - 2 * DAY_MS || tg > now + DAY_MS)) out.TimeGenerated = new Date(now).toISOString();
    out[VISIBLE_AT] = visibleAt;
    return out;
  }

  // ------------------------------------------------------------------ Log Analytics query
  /**
   * The tables this caller can see: without read access to a table (workspaces/query/<table>/read
   * or the data action workspaces/tables/data/read) it does not resolve in the caller's queries.
   */
  function declaredTables(ws: Workspace, who: Principal): DeclaredTable[] {
    // Azure's own tables are declared when they hold rows; the full AKS schemas win over the
    // timeline's subset in INSIGHTS_TABLES.
    const aks = AKS_TABLES.filter((t) => ws.rows.has(t.name));
    const all = [...[...ws.tables.values()].map((t) => ({ name: t.name, columns: t.columns })), ...aks, ...INSIGHTS_TABLES.filter((t) => ws.rows.has(t.name) && !aks.some((a) => a.name === t.name))];
    const dataRead = rbac.can(who, ws.id, 'Microsoft.OperationalInsights/workspaces/tables/data/read', 'data');
    return all.filter((t) => dataRead || rbac.can(who, ws.id, `Microsoft.OperationalInsights/workspaces/query/${t.name}/read`));
  }

  async function query(req: IncomingMessage, res: ServerResponse, url: URL, who: Principal): Promise<void> {
    stats.queries++;
    const raw = await readBody(req);
    const m = /^\/v1\/workspaces\/([^/]+)\/query$/i.exec(url.pathname);
    const ws = m ? [...workspaces.values()].find((w) => w.customerId === m[1]) : undefined;
    if (!ws) return json(res, 404, { error: { code: 'WorkspaceNotFoundError', message: `Workspace ${m?.[1]} was not found.` } });
    if (!rbac.can(who, ws.id, 'Microsoft.OperationalInsights/workspaces/query/read')) {
      stats.denied++;
      return json(res, 403, { error: { code: 'InsufficientAccessError', message: 'The provided credentials have insufficient access to perform the requested operation' } });
    }
    const body = JSON.parse(raw.toString('utf8')) as { query: string; timespan?: string };
    const tables = declaredTables(ws, who);
    const diags = validateKql(body.query, tables);
    if (diags.length) {
      const d = diags[0]!;
      const syntax = /^KS0/.test(d.code);
      return json(res, 400, {
        error: {
          message: 'The request had some invalid properties',
          code: 'BadArgumentError',
          correlationId: randomUUID(),
          innererror: {
            code: syntax ? 'SyntaxError' : 'SemanticError',
            message: syntax ? 'A recognition error occurred in the query.' : 'A semantic error occurred.',
            innererror: { code: syntax ? 'SYN0002' : 'SEM0100', message: d.message, line: 1, pos: d.start },
          },
        },
      });
    }
    const span = body.timespan ? timespanRange(body.timespan, Date.now()) : null;
    let result;
    try {
      result = evaluate(body.query, {
        table(name) {
          const decl = tables.find((t) => t.name === name);
          if (!decl) return undefined;
          const types = new Map(decl.columns.map((c) => [c.name, c.type]));
          const now = Date.now();
          // Rows become queryable only once the ingestion delay has passed.
          let rows = (ws.rows.get(name) ?? []).filter((r: StoredRow) => (r[VISIBLE_AT] ?? 0) <= now).map((r) => {
            const out: Row = {};
            for (const c of decl.columns) out[c.name] = cell(r[c.name], types.get(c.name)!);
            return out;
          });
          if (span) rows = rows.filter((r) => r.TimeGenerated instanceof KDate && Date.parse(r.TimeGenerated.iso) >= span[0] && Date.parse(r.TimeGenerated.iso) < span[1]);
          return { columns: decl.columns.map((c) => ({ name: c.name, type: c.type })), rows };
        },
      });
    } catch (e) {
      if (e instanceof KqlEvalError) return json(res, 400, { error: { code: 'BadArgumentError', message: `The emulator cannot evaluate this query: ${e.message}` } });
      throw e;
    }
    // No rows at all: the service answers 204 with no body.
    if (result.rows.length === 0) {
      res.writeHead(204, { 'x-ms-request-id': randomUUID() });
      return void res.end();
    }
    const maxQueryRows = limits.maxQueryRows;
    const wireRows: unknown[][] = [];
    let bytes = 0;
    let cut: 'rows' | 'bytes' | null = null;
    for (const r of result.rows) {
      if (wireRows.length >= maxQueryRows) {
        cut = 'rows';
        break;
      }
      const w = result.columns.map((c) => wire(r[c.name] ?? null));
      bytes += JSON.stringify(w).length + 1;
      if (bytes > limits.maxQueryBytes) {
        cut = 'bytes';
        break;
      }
      wireRows.push(w);
    }
    const payload: Record<string, unknown> = {
      tables: [{ name: 'PrimaryResult', columns: result.columns.map((c) => ({ name: c.name, type: c.type === 'boolean' ? 'bool' : c.type })), rows: wireRows }],
    };
    if (cut) {
      const limitText =
        cut === 'rows'
          ? `Query result set has exceeded the internal record count limit ${maxQueryRows} (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)`
          : `Query result set has exceeded the internal data size limit ${limits.maxQueryBytes} (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)`;
      payload.error = {
        code: 'PartialError',
        message: 'There were some errors when processing your query.',
        details: [
          {
            code: 'EngineError',
            message: 'Something went wrong processing your query on the server.',
            innererror: {
              code: '-2133196797',
              message: limitText,
              severity: 2,
              severityName: 'Error',
            },
          },
        ],
      };
    }
    json(res, 200, payload);
  }

  /** A stored value as the engine sees it: datetimes become KDate, dynamic stays parsed. */
  function cell(v: unknown, type: string): Value {
    if (v === undefined || v === null) return type === 'string' ? '' : null;
    if (type === 'datetime') {
      const ms = Date.parse(String(v));
      if (Number.isNaN(ms)) return null;
      const frac = /\.(\d+)Z$/i.exec(String(v))?.[1] ?? '';
      return new KDate(new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${(frac + '0000000').slice(0, 7)}Z`));
    }
    if (type === 'dynamic' && typeof v === 'string') {
      try {
        return JSON.parse(v) as Value;
      } catch {
        return v;
      }
    }
    return v as Value;
  }

  /** A result cell on the wire: dynamic values as JSON strings, datetimes in Kusto's text form. */
  function wire(v: Value): unknown {
    if (v instanceof KDate) return kustoDatetimeText(v.iso);
    if (v instanceof KSpan) return spanText(v);
    if (v !== null && typeof v === 'object') return JSON.stringify(toJson(v));
    return v;
  }

  // Azure's front ends keep idle connections for minutes; Node's default 5 s makes a client that
  // reuses a socket after a pause (e.g. while the first query loads the Kusto validator, which
  // blocks this process for seconds) race the server's close and see "socket hang up".
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `https://127.0.0.1:${port}`;
  const endpoints: TestEndpoints = {
    armEndpoint: base,
    queryEndpoint: base,
    ca: cert,
    token,
    tenantId: opts.tenantId ?? opts.aks?.tenantId ?? '00000000-0000-0000-0000-00000000e7e7',
    subscriptionId: opts.subscriptionId ?? opts.aks?.subscriptionId ?? '00000000-0000-0000-0000-00000000cafe',
  };
  /** An existing workspace (as if created in the portal): GET answers it, the query API serves its rows. */
  function addWorkspace(t: TrailWorkspace): string {
    const key = t.id.toLowerCase();
    const existing = workspaces.get(key);
    const ws: Workspace = existing ?? {
      id: t.id, name: t.id.split('/').pop()!, location: t.location, customerId: t.customerId ?? randomUUID(),
      body: { location: t.location, properties: { retentionInDays: 30 } }, tables: new Map(), rows: new Map(),
    };
    workspaces.set(key, ws);
    for (const [table, rows] of Object.entries(t.tables ?? {})) ws.rows.set(table, [...(ws.rows.get(table) ?? []), ...rows]);
    return ws.customerId;
  }
  const aks: AksHandle = {
    addCluster: (b) => store.addCluster(b),
    setDiagnosticSettings: (id, settings) => store.setDiagnosticSettings(id, settings),
    addActivity: (e) => store.addActivity(e),
    addAlerts: (a) => store.addAlerts(a),
    addWorkspace,
    seedWorkspace(id, table, rows) {
      const ws = workspaces.get(id.toLowerCase());
      if (!ws) throw new Error(`no workspace ${id}: addWorkspace first`);
      ws.rows.set(table, [...(ws.rows.get(table) ?? []), ...rows]);
    },
  };
  if (opts.aks) {
    for (const w of opts.aks.workspaces ?? []) addWorkspace(w);
    store.load(opts.aks);
  }
  return {
    url: base,
    endpoints,
    faults,
    stats,
    limits,
    aks,
    rows(table) {
      return [...workspaces.values()].flatMap((w) => w.rows.get(table) ?? []);
    },
    seed(table, rows) {
      for (const w of workspaces.values()) w.rows.set(table, [...(w.rows.get(table) ?? []), ...rows]);
    },
    addPrincipal(assignments) {
      return rbac.add(assignments, STATIC_TOKEN_PREFIX).token;
    },
    assign(t, assignment) {
      const p = rbac.principal(t);
      if (!p) throw new Error('no such principal');
      p.assignments.push(assignment);
    },
    async writeEndpointsFile(path, t) {
      await writeFile(path, JSON.stringify({ ...endpoints, token: t ?? token }, null, 2) + '\n', { mode: 0o600 });
    },
    close: () =>
      Promise.all(
        [server, ...extraServers].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      ).then(() => undefined),
  };
}
