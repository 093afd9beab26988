// The shape of a finding, shared by the pod rules, the RBAC rules, the bundle rows and the scan output.

export const SEVERITIES = ['high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse; used for --fail-on and sorting. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

export interface ResourceRef {
  /** Pod, Deployment, CronJob, ClusterRoleBinding, ... */
  kind: string;
  /** Empty for cluster-scoped resources. */
  namespace: string;
  name: string;
  /** Container the finding is on, empty for pod-level or RBAC findings. */
  container: string;
}

export interface RbacSubjectRef {
  kind: string;
  name: string;
  namespace: string;
}

export interface Finding {
  ruleId: string;
  title: string;
  severity: Severity;
  techniqueId: string;
  techniqueName: string;
  tactics: string[];
  resource: ResourceRef;
  /** The pod the finding concerns (the pod itself, empty for templates and RBAC). */
  podName: string;
  /** Evidence: where in the object, and what was found there. */
  fieldPath: string;
  fieldValue: string;
  explanation: string;
  /** The resource matches the baseline of expected platform workloads or grants. */
  baseline: boolean;
  /** The resource's creationTimestamp (normalized), or null when it has none. */
  eventTime: string | null;
  /** RBAC findings only. */
  subject?: RbacSubjectRef;
  bindings?: string[];
  recent?: boolean;
  /** Scan only: where the object came from. */
  source?: { file: string; line: number };
}

/** Static description of a rule: what SARIF lists in tool.driver.rules and what a finding is stamped with. */
export interface RuleMeta {
  id: string;
  title: string;
  /** Default severity (a rule may raise or lower it per finding). */
  severity: Severity;
  techniqueId: string;
  /** Why it matters and what to check: the SARIF help text. */
  help: string;
}

/** Attacker-chosen names may hold newlines or control characters: a finding's text stays on one line. */
export function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => (c === '\n' || c === '\r' || c === '\t' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
