// The Activity Log (Microsoft.Insights eventtypes/management/values, api-version 2015-04-01) as
// the service answers it: the OData $filter is required and restricted (an eventTimestamp range,
// then at most one of resourceUri, resourceGroupName, resourceProvider, correlationId, plus
// caller/status/levels/eventChannels), events come newest first, pages follow nextLink, and the
// body is EventData as the REST API returns it (camelCase).
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { stableGuid } from './managedClusters.js';
import { json } from './http.js';
import { pageOf } from './paging.js';
import type { RouteContext } from './aksState.js';

export const READ_ACTIVITY = 'Microsoft.Insights/eventtypes/values/read';
const RETENTION_MS = 90 * 86_400_000;

const ROUTE = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Insights\/eventtypes\/management\/values$/i;
const SCOPED = ['resourceUri', 'resourceGroupName', 'resourceProvider', 'correlationId'] as const;
const OPTIONAL = ['caller', 'status', 'levels', 'eventChannels', 'subscriptionId'] as const;

export interface ActivityFilter {
  from: number;
  to: number;
  scoped?: { field: (typeof SCOPED)[number]; value: string };
  equals: Partial<Record<(typeof OPTIONAL)[number], string>>;
}

/** Parses the $filter as the service accepts it; a string is the reason it is refused. */
export function parseActivityFilter(filter: string | null, now = Date.now()): ActivityFilter | string {
  if (!filter || !filter.trim()) return 'The $filter query parameter is required: it must contain eventTimestamp ge \'<start time>\'.';
  const clauses = filter.trim().split(/\s+and\s+/i);
  let from: number | undefined;
  let to: number | undefined;
  const out: ActivityFilter = { from: 0, to: now, equals: {} };
  for (const clause of clauses) {
    const m = /^(\w+)\s+(eq|ge|le)\s+'((?:[^']|'')*)'$/i.exec(clause.trim());
    if (!m) return `The $filter clause "${clause}" is not supported: use <field> eq|ge|le '<value>'.`;
    const field = m[1]!;
    const op = m[2]!.toLowerCase();
    const value = m[3]!.replace(/''/g, "'");
    if (field === 'eventTimestamp') {
      const t = Date.parse(value);
      if (Number.isNaN(t) || op === 'eq') return `The $filter value '${value}' for eventTimestamp is not a supported time comparison.`;
      if (op === 'ge') from = t;
      else to = t;
      continue;
    }
    if (op !== 'eq') return `The $filter field ${field} only supports eq.`;
    const scoped = SCOPED.find((f) => f === field);
    if (scoped) {
      if (out.scoped) return `The $filter may name only one of ${SCOPED.join(', ')}.`;
      out.scoped = { field: scoped, value };
      continue;
    }
    const opt = OPTIONAL.find((f) => f === field);
    if (!opt) return `The $filter field ${field} is not supported.`;
    out.equals[opt] = value;
  }
  if (from === undefined) return 'The $filter must contain eventTimestamp ge \'<start time>\'.';
  if (to !== undefined && to < from) return 'The $filter eventTimestamp range ends before it starts.';
  return { ...out, from, to: to ?? now };
}

const lower = (v: unknown) => String(v ?? '').toLowerCase();
const nested = (v: unknown) => (v && typeof v === 'object' ? (v as { value?: unknown }).value : v);

function matches(e: Record<string, unknown>, f: ActivityFilter): boolean {
  const t = Date.parse(String(e.eventTimestamp));
  if (!(t >= f.from && t <= f.to)) return false;
  if (f.scoped) {
    const v = lower(f.scoped.value);
    if (f.scoped.field === 'resourceUri') {
      // The resource's own events and those of its child resources (agent pools, role assignments on it).
      const id = lower(e.resourceId);
      if (id !== v && !id.startsWith(`${v}/`)) return false;
    } else if (f.scoped.field === 'resourceProvider') {
      if (lower(nested(e.resourceProviderName)) !== v) return false;
    } else if (lower(e[f.scoped.field]) !== v) return false;
  }
  if (f.equals.caller !== undefined && lower(e.caller) !== lower(f.equals.caller)) return false;
  if (f.equals.status !== undefined && lower(nested(e.status)) !== lower(f.equals.status)) return false;
  if (f.equals.levels !== undefined && !f.equals.levels.split(',').map((s) => lower(s.trim())).includes(lower(e.level))) return false;
  return true;
}

/** The scope whose read permission admits this query: the filter's resource or group, else the subscription. */
function scopesOf(sub: string, f: ActivityFilter): string[] {
  const out = [`/subscriptions/${sub}`];
  if (f.scoped?.field === 'resourceUri') out.push(f.scoped.value);
  if (f.scoped?.field === 'resourceGroupName') out.push(`/subscriptions/${sub}/resourceGroups/${f.scoped.value}`);
  return out;
}

export function isActivityLogPath(path: string): boolean {
  return ROUTE.test(path);
}

export function activityLog(ctx: RouteContext, method: string, url: URL, res: ServerResponse): boolean {
  const m = ROUTE.exec(url.pathname);
  if (!m) return false;
  const sub = m[1]!;
  // The service's own error body (ErrorResponse: code and message at the top level).
  const bad = (message: string) => json(res, 400, { code: 'BadRequest', message });
  if (method !== 'GET') {
    json(res, 405, { code: 'MethodNotAllowed', message: method });
    return true;
  }
  const f = parseActivityFilter(url.searchParams.get('$filter'));
  if (typeof f === 'string') {
    bad(f);
    return true;
  }
  if (!scopesOf(sub, f).some((s) => ctx.rbac.can(ctx.who, s, READ_ACTIVITY)) && ctx.denied(res, READ_ACTIVITY, `/subscriptions/${sub}/providers/microsoft.insights/eventtypes/management`)) return true;
  // The Activity Log keeps 90 days; older events are gone whatever the filter says.
  const kept = Date.now() - RETENTION_MS;
  const events = ctx.store.activity
    .filter((e) => lower(e.subscriptionId) === lower(sub) && Date.parse(String(e.eventTimestamp)) >= kept && matches(e, f))
    .sort((a, b) => Date.parse(String(b.eventTimestamp)) - Date.parse(String(a.eventTimestamp)));
  const select = url.searchParams.get('$select')?.split(',').map((s) => s.trim()).filter(Boolean);
  const shaped = select?.length ? events.map((e) => Object.fromEntries(select.filter((k) => k in e).map((k) => [k, e[k]]))) : events;
  const page = pageOf(shaped, url, ctx.base, ctx.pageSize, res);
  if (page) json(res, 200, page);
  return true;
}

export interface ActivitySpec {
  subscriptionId: string;
  tenantId: string;
  /** The resource the operation was on. */
  resourceId: string;
  /** e.g. Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action */
  operation: string;
  time: Date;
  caller: string;
  claims: Record<string, string>;
  clientIp: string;
  status: 'Started' | 'Accepted' | 'Succeeded' | 'Failed';
  httpMethod?: string;
  correlationId?: string;
  /** Azure RBAC role that allowed it (authorization.role). */
  role?: string;
  properties?: Record<string, unknown>;
  level?: 'Informational' | 'Warning' | 'Error' | 'Critical';
}

const SUB_STATUS: Record<string, { value: string; localizedValue: string }> = {
  Succeeded: { value: 'OK', localizedValue: 'OK (HTTP Status Code: 200)' },
  Accepted: { value: 'Accepted', localizedValue: 'Accepted (HTTP Status Code: 202)' },
  Failed: { value: 'Forbidden', localizedValue: 'Forbidden (HTTP Status Code: 403)' },
};

/** provider/type[/childType...] of a resource id (its last /providers/ part). */
function resourceTypeOf(id: string): string {
  const tail = id.split(/\/providers\//i).pop()!.split('/');
  return [tail[0], ...tail.slice(1).filter((_, i) => i % 2 === 0)].join('/');
}

/** One EventData record: the operation's id parts, caller, claims, HTTP request and status. */
export function activityEvent(spec: ActivitySpec): Record<string, unknown> {
  const eventDataId = stableGuid(`${spec.resourceId}/${spec.operation}/${spec.status}/${spec.time.toISOString()}`);
  const ticks = (BigInt(spec.time.getTime()) + 62135596800000n) * 10000n;
  const parts = spec.resourceId.split('/');
  const rg = parts[3]?.toLowerCase() === 'resourcegroups' ? parts[4]! : '';
  const provider = spec.operation.split('/')[0]!;
  const resourceType = resourceTypeOf(spec.resourceId);
  const correlationId = spec.correlationId ?? randomUUID();
  const pair = (v: string) => ({ value: v, localizedValue: v });
  return {
    authorization: { action: spec.operation, scope: spec.resourceId, ...(spec.role ? { role: spec.role } : {}) },
    caller: spec.caller,
    channels: 'Operation',
    claims: spec.claims,
    correlationId,
    description: '',
    eventDataId,
    eventName: pair(spec.status === 'Started' ? 'BeginRequest' : 'EndRequest'),
    category: pair('Administrative'),
    httpRequest: { clientRequestId: stableGuid(`${eventDataId}/request`), clientIpAddress: spec.clientIp, method: spec.httpMethod ?? 'POST' },
    id: `${spec.resourceId}/events/${eventDataId}/ticks/${ticks}`,
    level: spec.level ?? 'Informational',
    resourceGroupName: rg,
    resourceProviderName: pair(provider),
    resourceId: spec.resourceId,
    resourceType: pair(resourceType),
    operationId: correlationId,
    operationName: pair(spec.operation),
    properties: { eventCategory: 'Administrative', entity: spec.resourceId, message: spec.operation, hierarchy: `${spec.tenantId}/${spec.subscriptionId}`, ...(spec.properties ?? {}) },
    status: pair(spec.status),
    subStatus: spec.status === 'Started' ? pair('') : (SUB_STATUS[spec.status] ?? pair('')),
    eventTimestamp: spec.time.toISOString().replace('Z', '0000Z'),
    submissionTimestamp: new Date(spec.time.getTime() + 12_000).toISOString().replace('Z', '0000Z'),
    subscriptionId: spec.subscriptionId,
    tenantId: spec.tenantId,
  };
}
