// Type-checked reads of the Azure-side inputs: every value is attacker-influenced JSON, so nothing
// here trusts the declared shapes (a number where a string belongs, an array where an object does).
import { normalizeTime } from '../../schema/time.js';
import type { AuditEvent } from './shapes.js';

export type Obj = Record<string, unknown>;
export const rec = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** What the rules read of one audit event, each field checked once. */
export interface AuditView {
  username: string;
  groups: string[];
  /** The impersonated user's name, '' when the request was not impersonated. */
  impersonated: string;
  verb: string;
  resource: string;
  subresource: string;
  apiGroup: string;
  namespace: string;
  name: string;
  requestURI: string;
  sourceIPs: string[];
  userAgent: string;
  /** HTTP status of the response, undefined when the event carries none (stage RequestReceived). */
  code: number | undefined;
  decision: string;
  auditID: string;
  /** requestReceivedTimestamp (or stageTimestamp) as written; normalised only for events that hit (timeOf). */
  rawTime: string;
  requestObject: Obj | undefined;
  responseObject: Obj | undefined;
}

export function viewAudit(e: unknown): AuditView {
  const ev = (rec(e) ?? {}) as AuditEvent & Obj;
  const user = rec(ev.user);
  const imp = rec(ev.impersonatedUser);
  const ref = rec(ev.objectRef);
  const ann = rec(ev.annotations);
  return {
    username: str(user?.username),
    groups: strs(user?.groups),
    impersonated: str(imp?.username),
    verb: str(ev.verb).toLowerCase(),
    resource: str(ref?.resource),
    subresource: str(ref?.subresource),
    apiGroup: str(ref?.apiGroup),
    namespace: str(ref?.namespace),
    name: str(ref?.name),
    requestURI: str(ev.requestURI),
    sourceIPs: strs(ev.sourceIPs),
    userAgent: str(ev.userAgent),
    code: num(rec(ev.responseStatus)?.code),
    decision: str(ann?.['authorization.k8s.io/decision']),
    auditID: str(ev.auditID),
    rawTime: str(ev.requestReceivedTimestamp) || str(ev.stageTimestamp),
    requestObject: rec(ev.requestObject),
    responseObject: rec(ev.responseObject),
  };
}

/** The event's time, normalised (most events hit no rule: only theirs are parsed). */
export const timeOf = (v: AuditView): string | null => normalizeTime(v.rawTime || null);

/**
 * Was the request let through? The response code says so; without one (an event of stage
 * RequestReceived) the authorizer's decision annotation does; otherwise nobody knows.
 */
export function outcome(v: AuditView): 'allowed' | 'denied' | 'unknown' {
  if (v.code !== undefined) return v.code < 400 ? 'allowed' : 'denied';
  if (v.decision === 'allow') return 'allowed';
  if (v.decision === 'forbid') return 'denied';
  return 'unknown';
}

/** The identity a request acted as, for the finding: the user, and whom it impersonated. */
export function identityOf(v: AuditView): string {
  const who = v.username || '(no user)';
  return v.impersonated ? `${who} (as ${v.impersonated})` : who;
}

/** The path of a request URI, without its query. */
export const uriPath = (uri: string): string => uri.split('?')[0] ?? '';

/** The values of one query parameter of a request URI (e.g. the command of an exec), decoded. */
export function queryValues(uri: string, key: string): string[] {
  const q = uri.indexOf('?');
  if (q < 0) return [];
  try {
    return new URLSearchParams(uri.slice(q + 1)).getAll(key);
  } catch {
    return [];
  }
}
