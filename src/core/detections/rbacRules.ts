// RBAC rules over the effective permissions of each subject. One finding per (subject, rule, scope),
// listing every binding that grants it. When a scope holds a full wildcard (every verb on every
// resource of every group) only the cluster-admin or wildcard finding is reported for that scope:
// the narrower rules (secrets, exec, ...) are implied and would only bury it.
import { RBAC_RULES } from './rules.js';
import { findingHead } from './techniques.js';
import { oneLine, type Finding, type RuleMeta, type Severity } from './types.js';
import type { BaselineRbac } from './baseline.js';
import { BUILT_IN_CLUSTER_ROLES, isDefaultBinding } from './builtinRbac.js';
import { isRecent, parseRules, ruleAllows, subjectId, type Grant, type ObjectRef, type PolicyRule, type Subject, type SubjectPermissions } from './rbacAnalysis.js';

export interface RbacRuleOptions {
  now: Date;
  sinceSeconds: number;
  /** Platform grants to mark as baseline (besides Kubernetes' bootstrap ones). */
  baseline?: BaselineRbac;
}

interface Check {
  meta: RuleMeta;
  /** `scope` is the namespace the grant applies in, '' cluster-wide. */
  matches: (r: PolicyRule, scope: string) => boolean;
  severity?: (scope: string) => Severity;
  /** What the subject can do, completing "<subject> can ..." */
  can: string;
}

const WORKLOADS: [string, string][] = [
  ['apps', 'deployments'], ['apps', 'daemonsets'], ['apps', 'statefulsets'], ['apps', 'replicasets'],
  ['batch', 'jobs'], ['batch', 'cronjobs'], ['', 'replicationcontrollers'],
];
const ANY_VERB = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'proxy', 'connect'];
const DELETE = ['delete', 'deletecollection'];
/** What deleting destroys: what runs, its credentials and configuration, its data, the namespace or node it lives on. */
const DESTROYABLE: [string, string][] = [
  ['', 'pods'], ['', 'secrets'], ['', 'configmaps'], ['', 'persistentvolumeclaims'], ['', 'persistentvolumes'], ['', 'namespaces'], ['', 'nodes'],
  ['', 'services'], ['', 'serviceaccounts'], ...WORKLOADS,
];
/** CoreDNS reads its configuration from these config maps in kube-system (AKS: coredns-custom). */
const DNS_CONFIGMAPS = ['coredns', 'coredns-custom'];
const ADMISSION = 'admissionregistration.k8s.io';
const RBAC_GROUP = 'rbac.authorization.k8s.io';

const isWild = (r: PolicyRule) => r.verbs.includes('*') || r.resources.includes('*') || r.apiGroups.includes('*');
const isFullWild = (r: PolicyRule) => r.verbs.includes('*') && r.resources.includes('*') && r.apiGroups.includes('*');

const CHECKS: Check[] = [
  { meta: RBAC_RULES.wildcard, matches: (r) => r.resources.length > 0 && isWild(r), severity: () => 'high', can: 'use wildcard permissions' },
  { meta: RBAC_RULES.secrets, matches: (r) => ruleAllows(r, ['get', 'list', 'watch'], '', 'secrets'), severity: (s) => (s ? 'medium' : 'high'), can: 'read secrets' },
  // Cluster-wide, creating pods or controllers means running as any service account of any namespace.
  { meta: RBAC_RULES.createPods, matches: (r) => ruleAllows(r, ['create'], '', 'pods'), severity: (s) => (s ? 'medium' : 'high'), can: 'create pods' },
  { meta: RBAC_RULES.createWorkloads, matches: (r) => WORKLOADS.some(([g, res]) => ruleAllows(r, ['create'], g, res)), severity: (s) => (s ? 'medium' : 'high'), can: 'create workload controllers' },
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
  // Implied by RBAC-DELETE-ALL when a rule covers every resource: only the narrower rules count here.
  { meta: RBAC_RULES.deleteResources, matches: (r) => !r.resources.includes('*') && DESTROYABLE.some(([g, res]) => ruleAllows(r, DELETE, g, res)), can: 'delete workloads, secrets or volumes' },
  { meta: RBAC_RULES.deleteEvents, matches: (r) => ruleAllows(r, DELETE, '', 'events') || ruleAllows(r, DELETE, 'events.k8s.io', 'events'), can: 'delete events' },
  { meta: RBAC_RULES.deletePodLogs, matches: (r) => ruleAllows(r, DELETE, '', 'pods/log'), can: 'delete pod logs' },
  { meta: RBAC_RULES.portForward, matches: (r) => ruleAllows(r, ['get', 'create'], '', 'pods/portforward'), can: 'port-forward into pods' },
  {
    meta: RBAC_RULES.kubeSystemConfigMaps,
    // Names other than CoreDNS's (leader-election locks, the cluster-info map) cannot redirect lookups.
    matches: (r, scope) =>
      (scope === '' || scope === 'kube-system') &&
      ruleAllows(r, ['update', 'patch', 'create'], '', 'configmaps') &&
      (r.resourceNames.length === 0 || r.resourceNames.some((n) => DNS_CONFIGMAPS.includes(n))),
    can: 'change configuration maps in kube-system (CoreDNS)',
  },
  // Persistent volumes are cluster-scoped: a namespaced grant of them does nothing.
  { meta: RBAC_RULES.createPersistentVolumes, matches: (r) => ruleAllows(r, ['create'], '', 'persistentvolumes'), severity: (s) => (s ? 'low' : 'high'), can: 'create persistent volumes' },
];

const LOWER: Record<Severity, Severity> = { high: 'medium', medium: 'low', low: 'info', info: 'info' };

/**
 * Which checks a rule satisfies, per kind of scope (kube-system or cluster-wide, and any other
 * namespace: the only distinction a check makes). Bindings to the same role share its parsed rule
 * objects, so a rule is judged once however many subjects are bound to it.
 */
const checkMemo = new WeakMap<PolicyRule, (readonly boolean[])[]>();
function checksOf(r: PolicyRule, scope: string): readonly boolean[] {
  const cls = scope === '' || scope === 'kube-system' ? 0 : 1;
  let m = checkMemo.get(r);
  if (!m) checkMemo.set(r, (m = []));
  return (m[cls] ??= CHECKS.map((c) => c.matches(r, cls === 0 ? scope : 'other')));
}

/** Per check, whether any of the grants' rules satisfies it (most subjects satisfy few: the other checks are skipped). */
function anyMatched(matched: readonly (readonly boolean[])[]): boolean[] {
  const any = new Array<boolean>(CHECKS.length).fill(false);
  for (const m of matched) for (let ci = 0; ci < m.length; ci++) if (m[ci]) any[ci] = true;
  return any;
}

const PUBLIC_GROUPS = new Set(['Group/system:unauthenticated', 'Group/system:authenticated', 'User/system:anonymous']);
/** The bootstrap roles Kubernetes itself binds to everyone: discovery, version, self-review. */
const PUBLIC_BOOTSTRAP_ROLES = new Set(['system:public-info-viewer', 'system:discovery', 'system:basic-user', 'system:service-account-issuer-discovery']);

const covers = (b: PolicyRule, r: PolicyRule) => {
  const within = (xs: string[], ys: string[]) => ys.includes('*') || xs.every((x) => ys.includes(x));
  return within(r.verbs, b.verbs) && within(r.apiGroups, b.apiGroups) && within(r.resources, b.resources) && within(r.nonResourceURLs, b.nonResourceURLs) &&
    (b.resourceNames.length === 0 || (r.resourceNames.length > 0 && within(r.resourceNames, b.resourceNames)));
};

/** The role holding the rule is Kubernetes' own as written, or the rule is one the built-in role holds too. */
function roleAsBuilt(g: Grant): boolean {
  if (g.role.builtIn || g.role.kind !== 'ClusterRole') return true;
  const builtIn = BUILT_IN_CLUSTER_ROLES.get(g.role.name);
  // A role we hold no definition of (system:controller:*) is judged by its binding alone.
  return !builtIn || parseRules(builtIn.rules).some((b) => covers(b, g.rule));
}

/** A grant exactly as the platform makes it: a default binding (name, role, subjects) and the rule the default role holds. */
function isDefaultGrant(g: Grant): boolean {
  const b: ObjectRef = g.binding;
  return isDefaultBinding({ kind: b.kind, namespace: b.namespace, name: b.name, roleRefKind: g.roleRefKind, roleRef: g.roleRefName, subjects: g.bindingSubjects }) && roleAsBuilt(g);
}

/**
 * A grant the platform makes by design: a default Kubernetes binding as the platform creates it,
 * and the platform's own bindings and kube-system service accounts from the baseline. Names alone
 * prove nothing: anyone who can create bindings can call one system:something.
 */
function isBaselineGrant(g: Grant, subject: Subject, baseline: BaselineRbac | undefined): boolean {
  if (isDefaultGrant(g)) return true;
  if (!baseline) return false;
  const id = subjectId(subject);
  if (baseline.bindings.some((b) => b.kind === g.binding.kind && b.name === g.binding.name && b.roleRef === g.roleRefName && b.subjects.includes(id))) return true;
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
/**
 * The grant of the most recently created binding (the first of them in order on a tie): what a
 * stable sort by creation, newest first, puts first, in one pass. Grants of one binding share its
 * time string, so most comparisons are skipped (localeCompare was a tenth of the RBAC rules' time).
 */
function latest(gs: Grant[]): Grant {
  let best = gs[0]!;
  for (let i = 1; i < gs.length; i++) {
    const g = gs[i]!;
    if (g.binding.created !== best.binding.created && (best.binding.created ?? '').localeCompare(g.binding.created ?? '') < 0) best = g;
  }
  return best;
}

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
  const primary = latest(grants);
  return {
    ...findingHead(meta, severity),
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

/** The scopes of a subject's grants, sorted, once each (most subjects have one: no set or sort then). */
function scopesOf(grants: readonly Grant[]): string[] {
  const first = grants[0]?.scope ?? '';
  if (grants.every((g) => g.scope === first)) return grants.length ? [first] : [];
  return [...new Set(grants.map((g) => g.scope))].sort();
}

/** Findings for every subject, in a stable order. */
export function rbacFindings(perms: readonly SubjectPermissions[], opts: RbacRuleOptions): Finding[] {
  const out: Finding[] = [];
  const reported = new Set<string>();
  for (const p of perms) {
    const who = describeSubject(p.subject);
    const scopes = scopesOf(p.grants);
    for (const scope of scopes) {
      // Most subjects are bound in one scope: their grants are all of it, not a filtered copy.
      const grants = scopes.length === 1 ? p.grants : p.grants.filter((g) => g.scope === scope);
      const where = scope ? `in namespace ${scope}` : 'cluster-wide';
      const via = (g: Grant) => `via ${bindingLabel(g)} -> ${g.rulePath.replace(/ rules\[\d+\]$/, '')}`;

      if (PUBLIC_GROUPS.has(`${p.subject.kind}/${p.subject.name}`)) out.push(publicFinding(p.subject, scope, grants, opts));

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
      const matched = grants.map((g) => checksOf(g.rule, scope));
      const any = anyMatched(matched);
      for (let ci = 0; ci < CHECKS.length; ci++) {
        if (!any[ci]) continue;
        const check = CHECKS[ci]!;
        const hits = grants.filter((_, gi) => matched[gi]![ci]);
        const g = latest(hits);
        // Limited to named objects everywhere: still the permission, on fewer objects.
        const named = hits.every((h) => h.rule.resourceNames.length > 0);
        const base = check.severity?.(scope) ?? check.meta.severity;
        const limit = named ? ` (only the objects named ${g.rule.resourceNames.slice(0, 5).join(', ')})` : '';
        out.push(makeFinding(check.meta, named ? LOWER[base] : base, p.subject, scope, hits, g.rulePath, describeRule(g.rule),
          `${who} can ${check.can}${limit} ${where} ${via(g)}.`, opts));
      }
    }
    out.push(...missingRoleFindings(p, opts, reported));
  }
  return out;
}

const bindingLabelOf = (b: ObjectRef) => `${b.kind}/${b.namespace ? `${b.namespace}/` : ''}${b.name}`;

/** One info finding per binding whose role is neither in the input nor built in (reported once, on its first subject). */
function missingRoleFindings(p: SubjectPermissions, opts: RbacRuleOptions, reported: Set<string>): Finding[] {
  const out: Finding[] = [];
  for (const m of p.missingRoles) {
    const label = bindingLabelOf(m.binding);
    if (reported.has(label)) continue;
    reported.add(label);
    out.push({
      ...findingHead(RBAC_RULES.roleNotFound, 'info'),
      resource: { kind: m.binding.kind, namespace: m.binding.namespace, name: m.binding.name, container: '' },
      podName: '',
      fieldPath: 'roleRef',
      fieldValue: m.roleRef,
      explanation: oneLine(`${label} binds ${m.roleRef}, which is neither in the input nor a built-in Kubernetes role: what it grants ${describeSubject(p.subject)} is unknown.`),
      baseline: false,
      eventTime: m.binding.created,
      subject: p.subject,
      bindings: [label],
      recent: isRecent(m.binding.created, opts.now, opts.sinceSeconds),
    });
  }
  return out;
}

/**
 * Everyone (anonymous, unauthenticated or authenticated) holding something: baseline only for
 * the default bindings as Kubernetes makes them; any other grant is high, or medium when it only
 * adds the discovery roles as built.
 */
function publicFinding(subject: Subject, scope: string, grants: Grant[], opts: RbacRuleOptions): Finding {
  const extra = grants.filter((g) => !isDefaultGrant(g));
  const beyond = extra.filter((g) => !(PUBLIC_BOOTSTRAP_ROLES.has(g.roleRefName) && roleAsBuilt(g)));
  const shown = beyond.length ? beyond : extra.length ? extra : grants;
  const g = latest(shown);
  const where = scope ? `in namespace ${scope}` : 'cluster-wide';
  const who = `${describeSubject(subject)} (everyone ${subject.name === 'system:authenticated' ? 'who can authenticate' : 'who can reach the API server'})`;
  const severity: Severity = beyond.length || !extra.length ? 'high' : 'medium';
  const f = makeFinding(RBAC_RULES.anonymous, severity, subject, scope, shown, 'subjects', `${subject.kind}/${subject.name}`,
    `${who} is granted ${g.roleRefName} ${where} via ${bindingLabel(g)} -> ${g.rulePath.replace(/ rules\[\d+\]$/, '')}${extra.length ? '' : ' (a default Kubernetes binding)'}.`, opts);
  f.baseline = extra.length === 0;
  return f;
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
