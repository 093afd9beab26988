// Audit rows as the workspace served them → one audit.k8s.io/v1 Event shape. AKSAudit and
// AKSAuditAdmin hold the event in PascalCase columns (dynamic cells arrive as JSON text);
// AzureDiagnostics holds the event as kube-apiserver wrote it, as JSON text in log_s. Every
// value is attacker-influenced: nothing is trusted to have the type its name suggests.
import type { AuditEvent } from '../detections/azure/shapes.js';

/** One result table of a query answer, as the Log Analytics query API serves it. */
export interface QueryTableJson {
  name?: string;
  columns?: { name?: string; type?: string }[];
  rows?: unknown[][];
}

/** A dynamic cell: JSON text is parsed, anything else is kept as it is. */
export function dynamic(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : v === null || v === undefined ? undefined : String(v));
const obj = <T>(v: unknown): T | undefined => {
  const d = dynamic(v);
  return d && typeof d === 'object' && !Array.isArray(d) ? (d as T) : undefined;
};

/** The rows of a result table as objects keyed by column name. */
export function* tableRows(t: QueryTableJson): Generator<Record<string, unknown>> {
  const names = (t.columns ?? []).map((c) => String(c.name ?? ''));
  for (const r of t.rows ?? []) {
    if (!Array.isArray(r)) continue;
    const o: Record<string, unknown> = {};
    names.forEach((n, i) => (o[n] = r[i]));
    yield o;
  }
}

/** An AKSAudit / AKSAuditAdmin row as the Event it records. */
export function eventOfAksAudit(row: Record<string, unknown>): AuditEvent {
  const ips = dynamic(row.SourceIps);
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: str(row.Level),
    auditID: str(row.AuditId),
    stage: str(row.Stage),
    requestURI: str(row.RequestUri),
    verb: str(row.Verb),
    user: obj(row.User),
    impersonatedUser: obj(row.ImpersonatedUser) ?? null,
    sourceIPs: Array.isArray(ips) ? ips.map(String) : typeof ips === 'string' && ips ? [ips] : [],
    userAgent: str(row.UserAgent),
    objectRef: obj(row.ObjectRef) ?? null,
    responseStatus: obj(row.ResponseStatus) ?? null,
    requestObject: dynamic(row.RequestObject),
    responseObject: dynamic(row.ResponseObject),
    requestReceivedTimestamp: str(row.RequestReceivedTime),
    stageTimestamp: str(row.StageReceivedTime),
    annotations: obj(row.Annotations),
  };
}

/** An AzureDiagnostics row's log_s as the Event it holds (null when it is not one). */
export function eventOfDiagnostics(row: Record<string, unknown>): AuditEvent | null {
  const e = obj<AuditEvent>(row.log_s);
  return e ?? null;
}

/** The category an audit row came in under (AzureDiagnostics says; the dedicated tables are named for it). */
export function categoryOf(table: string, row: Record<string, unknown>): string {
  if (table === 'AKSAuditAdmin') return 'kube-audit-admin';
  if (table === 'AKSAudit') return 'kube-audit';
  return str(row.Category) ?? '';
}
