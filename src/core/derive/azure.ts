// Raw Azure answers → kubeaudit_CL, azureactivity_CL and securityalerts_CL rows, in the order
// the requests were started (acquisition sequence), every request's successful attempt read as
// served. Audit answers the service cut are read too (their events are real); the windows asked
// again after a cut repeat some of them, so an event is kept once per (auditID, stage). Activity
// entries are kept once per eventDataId, alerts once per id and only when they name the cluster.
import { readRawBody, type AcquisitionEntry, type AzureRef } from '../evidence/raw.js';
import type { ActivityLogEvent, AuditEvent, SecurityAlert } from '../detections/azure/shapes.js';
import { azureActivity, kubeAudit, securityAlerts, suspiciousPods, type TableName } from '../schema/tables.js';
import { activityFindings, alertFindings, auditFindings, type AzureDetectContext, type AzureFinding, type CitedActivityEvent, type CitedAlert, type CitedAuditEvent, type KnownPod } from '../detections/azure/index.js';
import { suspiciousPodRow } from '../detections/rows.js';
import { activityRow, alertRow, auditRow } from './azureRows.js';
import { categoryOf, eventOfAksAudit, eventOfDiagnostics, tableRows, type QueryTableJson } from './azureAudit.js';

type AzureEntry = AcquisitionEntry & { ref: AzureRef };
/** The source a derived row (or finding) comes from, for the coverage report's counts. */
export type AzureRowSource = 'audit' | 'activity' | 'alerts';

/** A derived Azure row with the served object it came from (the detections read the object). */
export type AzureDerived =
  | { table: typeof kubeAudit.name; row: ReturnType<typeof auditRow>; audit: AuditEvent }
  | { table: typeof azureActivity.name; row: ReturnType<typeof activityRow>; activity: ActivityLogEvent }
  | { table: typeof securityAlerts.name; row: ReturnType<typeof alertRow>; alert: SecurityAlert };

export const AZURE_TABLES: readonly TableName[] = [kubeAudit.name, azureActivity.name, securityAlerts.name];

const served = (e: AcquisitionEntry): e is AzureEntry => e.ref.kind === 'azure' && e.error === null && e.complete && e.status >= 200 && e.status <= 299;

async function json(bundleDir: string, e: AcquisitionEntry): Promise<unknown> {
  const body = await readRawBody(bundleDir, e);
  if (body.length === 0) return null;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

/** The managed cluster's resource id, from its GET as served (the one alerts are matched against). */
export async function clusterIdOf(bundleDir: string, entries: readonly AcquisitionEntry[]): Promise<string | null> {
  const get = entries.filter(served).find((e) => e.ref.source === 'cluster' && e.ref.operation === 'managedClusters.get');
  if (!get) return null;
  const body = (await json(bundleDir, get)) as { id?: unknown } | null;
  return typeof body?.id === 'string' ? body.id : get.ref.scope;
}

/** True when an alert's resource identifiers or entities name the cluster (ids compared case-insensitively). */
export function alertNamesCluster(a: SecurityAlert, clusterId: string): boolean {
  const id = clusterId.toLowerCase();
  const p = a.properties ?? {};
  if ((p.resourceIdentifiers ?? []).some((r) => typeof r?.azureResourceId === 'string' && r.azureResourceId.toLowerCase() === id)) return true;
  const seen = (v: unknown, depth: number): boolean => {
    if (typeof v === 'string') return v.toLowerCase() === id;
    if (!v || typeof v !== 'object' || depth > 4) return false;
    return Object.values(v as Record<string, unknown>).some((x) => seen(x, depth + 1));
  };
  return seen(p.entities ?? [], 0);
}

/** Every Azure row, in acquisition order. */
export async function* deriveAzureRows(bundleDir: string, entries: readonly AcquisitionEntry[], signal?: AbortSignal): AsyncGenerator<AzureDerived> {
  const azure = entries.filter(served).sort((a, b) => a.seq - b.seq);
  if (azure.length === 0) return;
  const clusterId = await clusterIdOf(bundleDir, azure);
  const auditSeen = new Set<string>();
  const activitySeen = new Set<string>();
  const alertSeen = new Set<string>();
  for (const e of azure) {
    signal?.throwIfAborted();
    if (e.ref.source === 'audit' && e.ref.operation === 'query') yield* auditOf(await json(bundleDir, e), e.ref, auditSeen);
    else if (e.ref.source === 'activity') {
      for (const ev of valueOf(await json(bundleDir, e)) as ActivityLogEvent[]) {
        const key = typeof ev.eventDataId === 'string' ? ev.eventDataId : JSON.stringify(ev);
        if (activitySeen.has(key)) continue;
        activitySeen.add(key);
        yield { table: azureActivity.name, row: activityRow(ev, e.ref.operation.endsWith('node-resource-group') ? 'node-resource-group' : 'cluster'), activity: ev };
      }
    } else if (e.ref.source === 'alerts' && clusterId) {
      for (const al of valueOf(await json(bundleDir, e)) as SecurityAlert[]) {
        const key = typeof al.id === 'string' ? al.id.toLowerCase() : JSON.stringify(al);
        if (alertSeen.has(key) || !alertNamesCluster(al, clusterId)) continue;
        alertSeen.add(key);
        yield { table: securityAlerts.name, row: alertRow(al), alert: al };
      }
    }
  }
}

function valueOf(body: unknown): Record<string, unknown>[] {
  const v = (body as { value?: unknown } | null)?.value;
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x)) : [];
}

function* auditOf(body: unknown, ref: AzureRef, seen: Set<string>): Generator<AzureDerived> {
  const tables = (body as { tables?: unknown } | null)?.tables;
  if (!Array.isArray(tables)) return;
  const table = ref.table ?? '';
  for (const t of tables as QueryTableJson[]) {
    for (const row of tableRows(t)) {
      const ev = table === 'AzureDiagnostics' ? eventOfDiagnostics(row) : eventOfAksAudit(row);
      if (!ev) continue;
      const key = `${String(ev.auditID ?? '')}\u0000${String(ev.stage ?? '')}`;
      if (ev.auditID && seen.has(key)) continue;
      if (ev.auditID) seen.add(key);
      yield { table: kubeAudit.name, row: auditRow(ev, { category: categoryOf(table, row), table, workspaceId: ref.scope }), audit: ev };
    }
  }
}

/** What the rules are told about the cluster, from its GET as served and the pods the snapshot listed. */
export async function detectContextOf(bundleDir: string, entries: readonly AcquisitionEntry[], pods: readonly KnownPod[]): Promise<AzureDetectContext> {
  const get = entries.filter(served).find((e) => e.ref.source === 'cluster' && e.ref.operation === 'managedClusters.get');
  const body = (get ? await json(bundleDir, get) : null) as { id?: unknown; properties?: { nodeResourceGroup?: unknown; networkProfile?: { podCidr?: unknown; podCidrs?: unknown } } } | null;
  const net = body?.properties?.networkProfile;
  const cidrs = [net?.podCidr, ...(Array.isArray(net?.podCidrs) ? net.podCidrs : [])].filter((c): c is string => typeof c === 'string' && c !== '');
  return {
    clusterResourceId: typeof body?.id === 'string' ? body.id : get?.ref.scope,
    nodeResourceGroup: typeof body?.properties?.nodeResourceGroup === 'string' ? body.properties.nodeResourceGroup : undefined,
    podCidrs: [...new Set(cidrs)],
    pods,
  };
}

/** Where a finding's cited records are named: after the rule's own field path, as the content findings do. */
export function citedFieldPath(fieldPath: string, cites: readonly string[]): string {
  const shown = cites.slice(0, MAX_CITED);
  const more = cites.length > shown.length ? ` (+${cites.length - shown.length} more)` : '';
  return `${fieldPath}, record${cites.length === 1 ? '' : 's'} ${shown.join(', ')}${more}`;
}
/** Record ids listed in one finding's FieldPath (the rest are counted). */
export const MAX_CITED = 50;

/**
 * The Azure rows stamped, then the findings over them: each finding cites the RecordIds of the
 * rows it rests on. Findings are stored with the other findings, in suspiciouspods_CL.
 */
export async function* deriveAzure(
  bundleDir: string,
  entries: readonly AcquisitionEntry[],
  stamp: (table: TableName, row: Record<string, unknown>) => Record<string, unknown>,
  pods: () => Promise<KnownPod[]>,
  signal?: AbortSignal,
): AsyncGenerator<{ table: TableName; row: Record<string, unknown>; source: AzureRowSource }> {
  const audit: CitedAuditEvent[] = [];
  const activity: CitedActivityEvent[] = [];
  const alerts: CitedAlert[] = [];
  for await (const d of deriveAzureRows(bundleDir, entries, signal)) {
    const row = stamp(d.table, d.row as unknown as Record<string, unknown>);
    const cite = String(row.RecordId);
    if ('audit' in d) audit.push({ event: d.audit, cite });
    else if ('activity' in d) activity.push({ event: d.activity, cite });
    else alerts.push({ alert: d.alert, cite });
    yield { table: d.table, row, source: 'audit' in d ? 'audit' : 'activity' in d ? 'activity' : 'alerts' };
  }
  if (audit.length + activity.length + alerts.length === 0) return;
  const ctx = await detectContextOf(bundleDir, entries, await pods());
  const found: [AzureRowSource, AzureFinding[]][] = [['audit', auditFindings(audit, ctx)], ['activity', activityFindings(activity, ctx)], ['alerts', alertFindings(alerts, ctx)]];
  for (const [source, findings] of found) {
    for (const f of findings) yield { table: suspiciousPods.name, row: stamp(suspiciousPods.name, suspiciousPodRow({ ...f, fieldPath: citedFieldPath(f.fieldPath, f.cites) }) as unknown as Record<string, unknown>), source };
  }
}
