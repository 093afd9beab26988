// RBAC rules over the effective permissions of each subject. One finding per (subject, rule, scope),
// listing every binding that grants it. When a scope holds a full wildcard (every verb on every
// resource of every group) only the cluster-admin or wildcard finding is reported for that scope:
// the narrower rules (secrets, exec, ...) are implied and would only bury it.
import { RBAC_RULES } from './rules.js';
import { technique } from './techniques.js';
import { oneLine, type Finding, type RuleMeta, type Severity } from './types.js';
import type { BaselineRbac } from './baseline.js';
import { isRecent, ruleAllows, type Grant, type PolicyRule, type Subject, type SubjectPermissions } from './rbacAnalysis.js';

export interface RbacRuleOptions {
  now: Date;
  sinceSeconds: number;
  /** Platform grants to mark as baseline (besides Kubernetes' bootstrap ones). */
  baseline?: BaselineRbac;
}

interface Check {
  meta: RuleMeta;
  matches: (r: PolicyRule) => boolean;
  severity?: (scope: string) => Severity;
  /** What the subject can do, completing "<subject> can ..." */
  can: string;
}

const WORKLOADS: [string, string][] = [
  ['apps', 'deployments'], ['apps', 'daemonsets'], ['apps', 'statefulsets'], ['apps', 'replicasets'],
  ['batch', 'jobs'], ['batch', 'cronjobs'], ['', 'replicationcontrollers'],
];
const ANY_VERB = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'proxy', 'connect'];
const ADMISSION = 'admissionregistration.k8s.io';
const RBAC_GROUP = 'rbac.authorization.k8s.io';

const isWild = (r: PolicyRule) => r.verbs.includes('*') || r.resources.includes('*') || r.apiGroups.includes('*');
const isFullWild = (r: PolicyRule) => r.verbs.includes('*') && r.resources.includes('*') && r.apiGroups.includes('*');

const CHECKS: Check[] = [
  { meta: RBAC_RULES.wildcard, matches: (r) => r.resources.length > 0 && isWild(r), severity: () => 'high', can: 'use wildcard permissions' },
  { meta: RBAC_RULES.secrets, matches: (r) => ruleAllows(r, ['get', 'list', 'watch'], '', 'secrets'), severity: (s) => (s ? 'medium' : 'high'), can: 'read secrets' },
  { meta: RBAC_RULES.createPods, matches: (r) => ruleAllows(r, ['create'], '', 'pods'), can: 'create pods' },
  { meta: RBAC_RULES.createWorkloads, matches: (r) => WORKLOADS.some(([g, res]) => ruleAllows(r, ['create'], g, res)), can: 'create workload controllers' },
  { meta: RBAC_RULES.exec, matches: (r) => ruleAllows(r, ['get', 'create'], '', 'pods/exec') || ruleAllows(r, ['get', 'create'], '', 'pods/attach'), can: 'exec or attach into pods' },
  { meta: RBAC_RULES.ephemeral, matches: (r) => ruleAllows(r, ['update', 'patch', 'create'], '', 'pods/ephemeralcontainers'), can: 'add ephemeral containers to pods' },
  {
    meta: RBAC_RULES.escalate,
    matches: (r) =>
      ['roles', 'clusterroles'].some((res) => ruleAllows(r, ['escalate', 'bind'], RBAC_GROUP, res)) ||
      ['users', 'groups', 'serviceaccounts', 'uids', 'userextras/scopes'].some((res) => ruleAllows(r, ['impersonate'], res === 'serviceaccounts' ? '' : res === 'uids' || res.startsWith('userextras') ? 'authentication.k8s.io' : '', res)),
    can: 'escalate, bind or impersonate',
  },
  { meta: RBAC_RULES.nodesProxy, matches: (r) => ruleAllows(r, ANY_VERB, '', 'nodes/proxy'), can: 'reach the kubelet API through nodes/proxy' },
  { meta: RBAC_RULES.tokenCreate, matches: (r) => ruleAllows(r, ['create'], '', 'serviceaccounts/token'), can: 'mint service account tokens' },
  { meta: RBAC_RULES.csrApprove, matches: (r) => ruleAllows(r, ['update', 'patch'], 'certificates.k8s.io', 'certificatesigningrequests/approval'), can: 'approve certificate signing requests' },
  {
    meta: RBAC_RULES.webhooks,
    matches: (r) => ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'].some((res) => ruleAllows(r, ['create', 'update', 'patch'], ADMISSION, res)),
    can: 'change admission webhooks',
  },
  { meta: RBAC_RULES.deleteAll, matches: (r) => r.resources.includes('*') && r.verbs.some((v) => v === '*' || v === 'delete' || v === 'deletecollection'), can: 'delete every resource' },
];

const PUBLIC_GROUPS = new Set(['Group/system:unauthenticated', 'Group/system:authenticated', 'User/system:anonymous']);
/** The bootstrap roles Kubernetes itself binds to everyone. */
const PUBLIC_BOOTSTRAP_ROLES = new Set(['system:public-info-viewer', 'system:discovery', 'system:basic-user']);

/**
 * A grant the platform makes by design: bootstrap system:* bindings to system:* roles, cluster-admin
 * to system:masters, and the platform's own bindings and kube-system service accounts from the baseline.
 */
function isBaselineGrant(g: Grant, subject: Subject, baseline: BaselineRbac | undefined): boolean {
  if (g.binding.name.startsWith('system:') && g.roleRefName.startsWith('system:')) return true;
  if (g.binding.name === 'cluster-admin' && g.roleRefName === 'cluster-admin' && subject.kind === 'Group' && subject.name === 'system:masters') return true;
  if (!baseline) return false;
  const subjectId = subject.kind === 'ServiceAccount' ? `ServiceAccount/${subject.namespace}/${subject.name}` : `${subject.kind}/${subject.name}`;
  if (baseline.bindings.some((b) => b.kind === g.binding.kind && b.name === g.binding.name && b.roleRef === g.roleRefName && b.subjects.includes(subjectId))) return true;
  return subject.kind === 'ServiceAccount' && baseline.serviceAccounts.some((s) => s.namespace === subject.namespace && s.names.includes(subject.name));
}

export function describeSubject(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

export function describeRule(r: PolicyRule): string {
  const list = (xs: string[]) => `[${xs.map((x) => (x === '' ? '""' : x)).join(',')}]`;
  let s = `verbs=${list(r.verbs)} apiGroups=${list(r.apiGroups)} resources=${list(r.resources)}`;
  if (r.resourceNames.length) s += ` resourceNames=${list(r.resourceNames)}`;
  return s;
}

const bindingLabel = (g: Grant) => `${g.binding.kind}/${g.binding.namespace ? `${g.binding.namespace}/` : ''}${g.binding.name}`;
const latest = (gs: Grant[]) => [...gs].sort((a, b) => (b.binding.created ?? '').localeCompare(a.binding.created ?? ''))[0]!;

function makeFinding(
  meta: RuleMeta,
  severity: Severity,
  subject: Subject,
  scope: string,
  grants: Grant[],
  fieldPath: string,
  fieldValue: string,
  explanation: string,
  opts: RbacRuleOptions,
): Finding {
  const tech = technique(meta.techniqueId);
  const primary = latest(grants);
  return {
    ruleId: meta.id,
    title: meta.title,
    severity,
    techniqueId: tech.id,
    techniqueName: tech.name,
    tactics: [...tech.tactics],
    resource: { kind: primary.binding.kind, namespace: primary.binding.namespace, name: primary.binding.name, container: '' },
    podName: '',
    fieldPath,
    fieldValue,
    explanation: oneLine(explanation),
    baseline: grants.every((g) => isBaselineGrant(g, subject, opts.baseline)),
    eventTime: primary.binding.created,
    subject,
    bindings: [...new Set(grants.map(bindingLabel))],
    recent: grants.some((g) => isRecent(g.binding.created, opts.now, opts.sinceSeconds) || isRecent(g.role.created, opts.now, opts.sinceSeconds)),
  };
}

/** Findings for every subject, in a stable order. */
export function rbacFindings(perms: readonly SubjectPermissions[], opts: RbacRuleOptions): Finding[] {
  const out: Finding[] = [];
  for (const p of perms) {
    const who = describeSubject(p.subject);
    const scopes = [...new Set(p.grants.map((g) => g.scope))].sort();
    for (const scope of scopes) {
      const grants = p.grants.filter((g) => g.scope === scope);
      const where = scope ? `in namespace ${scope}` : 'cluster-wide';
      const via = (g: Grant) => `via ${bindingLabel(g)} -> ${g.rulePath.replace(/ rules\[\d+\]$/, '')}`;

      if (PUBLIC_GROUPS.has(`${p.subject.kind}/${p.subject.name}`)) {
        const risky = grants.filter((g) => !PUBLIC_BOOTSTRAP_ROLES.has(g.roleRefName));
        const shown = risky.length ? risky : grants;
        const g = latest(shown);
        const f = makeFinding(RBAC_RULES.anonymous, 'high', p.subject, scope, shown, 'subjects', `${p.subject.kind}/${p.subject.name}`,
          `${who} (everyone ${p.subject.name === 'system:authenticated' ? 'who can authenticate' : 'who can reach the API server'}) is granted ${g.roleRefName} ${where} ${via(g)}.`, opts);
        if (!risky.length) f.baseline = true; // only the bootstrap discovery roles
        out.push(f);
      }

      const admin = grants.filter((g) => g.roleRefName === 'cluster-admin');
      const masters = p.subject.kind === 'Group' && p.subject.name === 'system:masters';
      if (admin.length || masters) {
        const shown = admin.length ? admin : grants;
        const g = latest(shown);
        out.push(makeFinding(RBAC_RULES.clusterAdmin, 'high', p.subject, scope, shown, 'roleRef.name', g.roleRefName,
          `${who} has cluster-admin ${where} ${via(g)}${masters ? ' (member of system:masters)' : ''}.`, opts));
      }

      const full = grants.filter((g) => isFullWild(g.rule));
      if (full.length) {
        if (!admin.length) {
          const g = latest(full);
          out.push(makeFinding(RBAC_RULES.wildcard, 'high', p.subject, scope, full, g.rulePath, describeRule(g.rule),
            `${who} can do anything to every resource ${where} ${via(g)}.`, opts));
        }
        continue;
      }
      for (const check of CHECKS) {
        const hits = grants.filter((g) => check.matches(g.rule));
        if (!hits.length) continue;
        const g = latest(hits);
        const severity = check.severity?.(scope) ?? check.meta.severity;
        out.push(makeFinding(check.meta, severity, p.subject, scope, hits, g.rulePath, describeRule(g.rule),
          `${who} can ${check.can} ${where} ${via(g)}.`, opts));
      }
    }
  }
  return out;
}

/** Service accounts ("namespace/name") holding a high-severity, non-baseline permission, with what they can do. */
export function riskyServiceAccounts(findings: readonly Finding[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of findings) {
    if (!f.subject || f.subject.kind !== 'ServiceAccount' || f.baseline || f.severity !== 'high') continue;
    const key = `${f.subject.namespace}/${f.subject.name}`;
    const list = out.get(key) ?? [];
    const what = `${f.title.charAt(0).toLowerCase()}${f.title.slice(1)} (${f.bindings?.[0] ?? ''})`;
    if (!list.includes(what)) list.push(what);
    out.set(key, list);
  }
  return out;
}
