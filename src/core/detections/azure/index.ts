// Detections over the Azure-side evidence of an AKS cluster: the control-plane audit log, the
// Activity Log and Defender for Cloud alerts. Pure functions over cited records; the PIPELINE
// supplies the records (normalised to the official shapes, shapes.ts) and their record ids.
// Nothing here throws on a malformed record: a value of the wrong type reads as absent.
import type { AzureDetectContext, KnownPod } from './context.js';
import { Grouper, type AzureFinding, type Occurrence } from './finding.js';
import { AUDIT_RULE_FUNCTIONS, type AuditEnv } from './auditRules.js';
import { RbacMemory } from './bindings.js';
import { activityFailed, activityHit, viewActivity } from './activityRules.js';
import { alertAccount, alertHit, alertIps, viewAlert } from './alertRules.js';
import { ipKey, parseCidr, type Cidr } from './net.js';
import { identityOf, outcome, timeOf, viewAudit } from './read.js';
import { normalizeTime } from '../../schema/time.js';
import type { ActivityLogEvent, AuditEvent, SecurityAlert } from './shapes.js';

export type { AuditEvent, ActivityLogEvent, SecurityAlert } from './shapes.js';
export type * from './shapes.js';
export type { AzureDetectContext, KnownPod } from './context.js';
export type { AzureFinding } from './finding.js';
export { AKS_LOCAL_ADMIN } from './identities.js';

/** One Kubernetes audit event (audit.k8s.io/v1 Event, as kube-apiserver writes it) with a citation. */
export interface CitedAuditEvent { event: AuditEvent; cite: string }
export interface CitedActivityEvent { event: ActivityLogEvent; cite: string }
export interface CitedAlert { alert: SecurityAlert; cite: string }

function auditEnv(ctx: AzureDetectContext): AuditEnv {
  const podsByIp = new Map<string, KnownPod>();
  for (const p of ctx.pods ?? []) {
    const k = ipKey(p.ip);
    if (k) podsByIp.set(k, p);
  }
  return {
    platform: ctx.platformIdentities ?? [],
    rbac: new RbacMemory(),
    podsByIp,
    podCidrs: (ctx.podCidrs ?? []).map(parseCidr).filter((c): c is Cidr => !!c),
  };
}

/**
 * Findings over audit events, in input order (oldest first gives a binding's role before the
 * binding). Hits of one rule on one identity and target fold into one finding; its count is the
 * number of distinct requests (auditID) among the cited events. Refused requests (code >= 400) are
 * left out, except by the scripted-client rule, which reports them as refused attempts of their own.
 */
export function auditFindings(events: Iterable<CitedAuditEvent>, ctx: AzureDetectContext): AzureFinding[] {
  const env = auditEnv(ctx);
  const grouper = new Grouper();
  for (const item of events) {
    const v = viewAudit((item as Partial<CitedAuditEvent> | null)?.event);
    const state = outcome(v);
    if (state === 'allowed') env.rbac.remember(v);
    let occ: Occurrence | undefined;
    for (const rule of AUDIT_RULE_FUNCTIONS) {
      // A refused request did nothing: only the rules whose evidence is the attempt itself see it.
      if (state === 'denied' && !rule.seesRefused) continue;
      const got = rule.fn(v, env, state === 'denied');
      if (!got) continue;
      occ ??= { cite: String(item?.cite ?? ''), requestId: v.auditID, time: timeOf(v), identity: identityOf(v), sourceIps: v.sourceIPs, userAgent: v.userAgent, counts: state !== 'unknown' };
      grouper.add(got.hit, occ, got.detail);
    }
  }
  return grouper.findings();
}

/**
 * Findings over Activity Log events; one per rule, caller and resource, counting distinct operations
 * (correlation id) none of whose records failed (a Started record whose operation then failed is no success).
 */
export function activityFindings(events: Iterable<CitedActivityEvent>, ctx: AzureDetectContext): AzureFinding[] {
  const grouper = new Grouper();
  for (const item of events) {
    const v = viewActivity((item as Partial<CitedActivityEvent> | null)?.event);
    const hit = activityHit(v, ctx);
    if (!hit) continue;
    const failed = activityFailed(v);
    grouper.add(hit, { cite: String(item?.cite ?? ''), requestId: v.requestId, time: normalizeTime(v.time || null), identity: v.caller, sourceIps: v.ip ? [v.ip] : [], userAgent: '', counts: !failed, refused: failed });
  }
  return grouper.findings();
}

/** One finding per Defender alert (the same alert listed twice is one finding citing both), severity as Defender rates it. */
export function alertFindings(alerts: Iterable<CitedAlert>, _ctx: AzureDetectContext): AzureFinding[] {
  const grouper = new Grouper();
  for (const item of alerts) {
    const v = viewAlert((item as Partial<CitedAlert> | null)?.alert);
    grouper.add(alertHit(v), { cite: String(item?.cite ?? ''), requestId: v.id, time: normalizeTime(v.time || null), identity: alertAccount(v), sourceIps: alertIps(v), userAgent: '', counts: true });
  }
  return grouper.findings();
}
