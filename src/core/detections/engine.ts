// Runs the rules over a set of Kubernetes objects: the one entry point for the collectors and `scan`.
import type { KubeObject } from '../model.js';
import { DEFAULT_BASELINE, matchesBaseline, type Baseline } from './baseline.js';
import { podTargets, type PodTarget } from './podTargets.js';
import { evaluatePodTarget, type PodRuleContext } from './podRules.js';
import { effectivePermissions, type RbacObjects } from './rbacAnalysis.js';
import { rbacFindings, riskyServiceAccounts } from './rbacRules.js';
import { findingHead } from './techniques.js';
import { configMapFindings, exposureFindings } from './configRules.js';
import { oneLine, severityRank, type Finding } from './types.js';

export interface DetectOptions {
  /** Image prefixes expected in kube-system. */
  platformRegistries: readonly string[];
  baseline?: Baseline;
  /** Reference time and window for the Recent mark on RBAC findings. */
  now: Date;
  sinceSeconds: number;
}

export interface PodDetectExtras {
  riskyServiceAccounts?: ReadonlyMap<string, string[]>;
  serviceAccounts?: readonly KubeObject[];
}

function stamp(t: PodTarget, baseline: boolean, raw: ReturnType<typeof evaluatePodTarget>[number]): Finding {
  return {
    ...findingHead(raw.rule, raw.severity ?? raw.rule.severity),
    resource: { kind: t.kind, namespace: t.namespace, name: t.name, container: raw.container },
    podName: t.podName,
    fieldPath: raw.fieldPath,
    fieldValue: raw.fieldValue,
    explanation: oneLine(raw.explanation),
    baseline,
    eventTime: t.creationTimestamp,
  };
}

export interface PodFindingGroup {
  target: PodTarget;
  findings: Finding[];
}

/** Pod and pod-template findings, grouped per target (the collector reports progress per target). */
export function detectPodFindingGroups(objects: readonly KubeObject[], opts: DetectOptions, extras: PodDetectExtras = {}): PodFindingGroup[] {
  const baseline = opts.baseline ?? DEFAULT_BASELINE;
  const ctx: PodRuleContext = {
    platformRegistries: opts.platformRegistries,
    riskyServiceAccounts: extras.riskyServiceAccounts,
    serviceAccounts: extras.serviceAccounts
      ? new Map(extras.serviceAccounts.map((sa) => [`${sa.metadata?.namespace ?? ''}/${sa.metadata?.name ?? ''}`, sa as Record<string, unknown>]))
      : undefined,
  };
  return podTargets(objects).map((target) => {
    const isBaseline = matchesBaseline(target, baseline);
    return { target, findings: evaluatePodTarget(target, ctx).map((raw) => stamp(target, isBaseline, raw)) };
  });
}

export function detectPodFindings(objects: readonly KubeObject[], opts: DetectOptions, extras: PodDetectExtras = {}): Finding[] {
  return detectPodFindingGroups(objects, opts, extras).flatMap((g) => g.findings);
}

export function detectRbacFindings(rbac: RbacObjects, opts: DetectOptions): Finding[] {
  return rbacFindings(effectivePermissions(rbac), { now: opts.now, sinceSeconds: opts.sinceSeconds, baseline: (opts.baseline ?? DEFAULT_BASELINE).rbac });
}

export function splitRbac(objects: readonly KubeObject[]): RbacObjects {
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  return { roles: of('Role'), clusterRoles: of('ClusterRole'), roleBindings: of('RoleBinding'), clusterRoleBindings: of('ClusterRoleBinding') };
}

/** Every finding over a mixed set of objects (what `scan` reads). */
export function detectAll(objects: readonly KubeObject[], opts: DetectOptions): Finding[] {
  const rbac = splitRbac(objects);
  const hasBindings = rbac.roleBindings.length + rbac.clusterRoleBindings.length > 0;
  const rbacOut = hasBindings ? detectRbacFindings(rbac, opts) : [];
  const pods = detectPodFindings(objects, opts, {
    // Without bindings in the input nothing is known about service accounts: the token rule stays silent.
    riskyServiceAccounts: hasBindings ? riskyServiceAccounts(rbacOut) : undefined,
    serviceAccounts: objects.filter((o) => o.kind === 'ServiceAccount'),
  });
  return [...pods, ...rbacOut, ...exposureFindings(objects), ...configMapFindings(objects)];
}

/** Worst first, then by resource, rule and evidence: a stable order for reports and tests. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const k = (f: Finding) => [f.resource.namespace, f.resource.kind, f.resource.name, f.resource.container, f.ruleId, f.fieldPath, f.subject?.name ?? ''].join('\u0000');
  return [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || Number(a.baseline) - Number(b.baseline) || k(a).localeCompare(k(b)));
}
