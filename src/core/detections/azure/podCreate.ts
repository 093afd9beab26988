// Pods (and workload templates) a user created with host access: the existing pod rules, run over
// the request body the audit log kept, so the checks are the same ones the live inventory gets.
import type { KubeObject } from '../../model.js';
import { podTargets } from '../podTargets.js';
import { evaluatePodTarget, type RawFinding } from '../podRules.js';
import { POD_RULES } from '../rules.js';
import { severityRank } from '../types.js';
import { RbacMemory } from './bindings.js';
import { rec, str, type AuditView } from './read.js';

/** The pod rules that mean host access or full privilege (what a user creating a pod by hand should not need). */
const HOST_ACCESS = new Set<string>([
  POD_RULES.privileged.id, POD_RULES.hostPID.id, POD_RULES.hostIPC.id, POD_RULES.hostNetwork.id,
  POD_RULES.hostPath.id, POD_RULES.hostPathWritable.id, POD_RULES.hostPathSensitive.id,
  POD_RULES.servicePrincipal.id, POD_RULES.capabilities.id,
]);

/** The resources whose objects carry a pod spec, by the kind their objects have. */
const POD_RESOURCES: Record<string, string> = {
  pods: 'Pod', deployments: 'Deployment', daemonsets: 'DaemonSet', statefulsets: 'StatefulSet', replicasets: 'ReplicaSet', jobs: 'Job', cronjobs: 'CronJob',
};

export interface PodCreateHit {
  kind: string;
  /** Host-access hits of the pod rules, worst first. */
  hits: RawFinding[];
}

/** The host-access pod rule hits of a pod or workload created (or replaced) by this request; none when the log kept no body. */
export function hostAccessHits(v: AuditView): PodCreateHit | undefined {
  const kind = POD_RESOURCES[v.resource];
  if (!kind || v.subresource || !['create', 'update'].includes(v.verb)) return undefined;
  const body = RbacMemory.written(v) ?? v.requestObject;
  if (!body || !rec(body.spec)) return undefined;
  const meta = rec(body.metadata) ?? {};
  // The request names the object in the URL or by generateName; the rules see the name the server gave it.
  const name = v.name || str(meta.name) || str(meta.generateName);
  // Owner references are the creator's to write: dropped, so a user cannot pass a pod off as a controller's.
  const obj = { ...body, kind, metadata: { ...meta, name, namespace: v.namespace, ownerReferences: undefined } } as KubeObject;
  const target = podTargets([obj])[0];
  if (!target) return undefined;
  const hits = evaluatePodTarget(target, { platformRegistries: [] })
    .filter((h) => HOST_ACCESS.has(h.rule.id))
    .sort((a, b) => severityRank(b.severity ?? b.rule.severity) - severityRank(a.severity ?? a.rule.severity));
  return hits.length ? { kind, hits } : undefined;
}
