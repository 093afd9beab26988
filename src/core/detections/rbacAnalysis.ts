// Effective RBAC permissions per subject: bindings resolved to their roles' rules, ClusterRole
// aggregation resolved through label selectors, grouped by subject and scope (namespace or cluster).
import type { KubeObject } from '../model.js';
import { normalizeTime, timeMillis } from '../schema/time.js';
import { BUILT_IN_CLUSTER_ROLES, isBuiltInObject } from './builtinRbac.js';

export interface RbacObjects {
  roles: KubeObject[];
  clusterRoles: KubeObject[];
  roleBindings: KubeObject[];
  clusterRoleBindings: KubeObject[];
}

export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

export interface Subject {
  kind: string;
  name: string;
  /** ServiceAccount namespace; empty for users and groups. */
  namespace: string;
}

export interface ObjectRef {
  kind: string;
  name: string;
  namespace: string;
  created: string | null;
  /** The object is Kubernetes' built-in definition, used because the input does not hold it. */
  builtIn: boolean;
}

export interface Grant {
  /** Namespace the permission applies in; empty means cluster-wide. */
  scope: string;
  rule: PolicyRule;
  /** Where the rule is written, e.g. "ClusterRole/cluster-admin rules[0]". */
  rulePath: string;
  binding: ObjectRef;
  role: ObjectRef;
  /** The role the binding refers to (differs from role when the rule comes from an aggregated ClusterRole). */
  roleRefName: string;
  roleRefKind: string;
  /** Every subject of the binding, as subjectId() writes them. */
  bindingSubjects: string[];
}

export interface SubjectPermissions {
  subject: Subject;
  grants: Grant[];
  /** Bindings naming a role that does not exist (reported so a responder sees the dangling reference). */
  missingRoles: { binding: ObjectRef; roleRef: string }[];
}

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function ref(o: KubeObject, fallbackKind: string): ObjectRef {
  const created = typeof o.metadata?.creationTimestamp === 'string' ? normalizeTime(o.metadata.creationTimestamp) : null;
  return { kind: o.kind ?? fallbackKind, name: o.metadata?.name ?? '', namespace: o.metadata?.namespace ?? '', created, builtIn: isBuiltInObject(o) };
}

/** "Kind/name", ServiceAccounts "ServiceAccount/namespace/name" (the baseline's notation). */
export const subjectId = (s: Subject): string => (s.kind === 'ServiceAccount' ? `ServiceAccount/${s.namespace}/${s.name}` : `${s.kind}/${s.name}`);

export function parseRules(v: unknown): PolicyRule[] {
  return (Array.isArray(v) ? v : []).flatMap((r) => {
    const o = rec(r);
    return o
      ? [{ verbs: strs(o.verbs), apiGroups: strs(o.apiGroups), resources: strs(o.resources), resourceNames: strs(o.resourceNames), nonResourceURLs: strs(o.nonResourceURLs) }]
      : [];
  });
}

/** Label selector match (matchLabels and matchExpressions), as aggregationRule uses. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  const sel = rec(selector);
  if (!sel) return false;
  const ml = rec(sel.matchLabels) ?? {};
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []) {
    const ex = rec(e);
    const k = str(ex?.key);
    const values = strs(ex?.values);
    switch (str(ex?.operator)) {
      case 'In': if (!(k in labels) || !values.includes(labels[k]!)) return false; break;
      case 'NotIn': if (k in labels && values.includes(labels[k]!)) return false; break;
      case 'Exists': if (!(k in labels)) return false; break;
      case 'DoesNotExist': if (k in labels) return false; break;
      default: return false;
    }
  }
  return Object.keys(ml).length > 0 || (Array.isArray(sel.matchExpressions) && sel.matchExpressions.length > 0);
}

interface RuleSource { rule: PolicyRule; path: string; role: ObjectRef }

/** A ClusterRole's rules, including those of every ClusterRole its aggregationRule selects (recursively). */
function clusterRoleRules(name: string, byName: Map<string, KubeObject>, memo: Map<string, RuleSource[] | undefined>): RuleSource[] | undefined {
  if (!memo.has(name)) memo.set(name, resolveClusterRole(name, byName, new Set()));
  return memo.get(name);
}

function resolveClusterRole(name: string, byName: Map<string, KubeObject>, seen: Set<string>): RuleSource[] | undefined {
  const cr = byName.get(name);
  if (!cr) return undefined;
  if (seen.has(name)) return [];
  seen.add(name);
  const where = isBuiltInObject(cr) ? `ClusterRole/${name} (built-in)` : `ClusterRole/${name}`;
  const own = parseRules(cr.rules).map((rule, i) => ({ rule, path: `${where} rules[${i}]`, role: ref(cr, 'ClusterRole') }));
  const selectors = Array.isArray(rec(cr.aggregationRule)?.clusterRoleSelectors) ? (rec(cr.aggregationRule)!.clusterRoleSelectors as unknown[]) : [];
  if (!selectors.length) return own;
  const aggregated: RuleSource[] = [];
  for (const [other, o] of byName) {
    if (other === name) continue;
    const labels = (o.metadata?.labels ?? {}) as Record<string, string>;
    if (selectors.some((s) => selectorMatches(s, labels))) aggregated.push(...(resolveClusterRole(other, byName, seen) ?? []));
  }
  // The controller copies aggregated rules into the parent, so a live object already holds them: drop exact repeats.
  const key = (r: PolicyRule) => JSON.stringify(r);
  const have = new Set(own.map((s) => key(s.rule)));
  return [...own, ...aggregated.filter((s) => !have.has(key(s.rule)) && (have.add(key(s.rule)), true))];
}

export const subjectKey = (s: Subject) => `${s.kind}\u0000${s.namespace}\u0000${s.name}`;

/** Subjects of a binding (a ServiceAccount without a namespace is in the binding's own). */
function bindingSubjects(b: KubeObject, namespace: string): Subject[] {
  return (Array.isArray(b.subjects) ? b.subjects : []).flatMap((s) => {
    const so = rec(s);
    const kind = str(so?.kind);
    const name = str(so?.name);
    return kind && name ? [{ kind, name, namespace: kind === 'ServiceAccount' ? str(so?.namespace) || namespace : '' }] : [];
  });
}

export function effectivePermissions(rbac: RbacObjects): SubjectPermissions[] {
  // Built-in roles first, the input's own objects over them: a manifests folder or chart binds to
  // cluster-admin or edit without shipping them, a live cluster lists them all anyway.
  const clusterRoles = new Map(BUILT_IN_CLUSTER_ROLES);
  for (const o of rbac.clusterRoles) if (o.metadata?.name) clusterRoles.set(o.metadata.name, o);
  const roles = new Map(rbac.roles.filter((o) => o.metadata?.name).map((o) => [`${o.metadata!.namespace ?? ''}/${o.metadata!.name}`, o]));
  const subjects = new Map<string, SubjectPermissions>();
  const memo = new Map<string, RuleSource[] | undefined>();

  const bindings = [
    ...rbac.clusterRoleBindings.map((b) => ({ b, kind: 'ClusterRoleBinding' })),
    ...rbac.roleBindings.map((b) => ({ b, kind: 'RoleBinding' })),
  ];
  for (const { b, kind } of bindings) {
    const binding = ref(b, kind);
    const scope = kind === 'RoleBinding' ? binding.namespace : '';
    const roleRef = rec(b.roleRef);
    const refKind = str(roleRef?.kind);
    const refName = str(roleRef?.name);
    let sources: RuleSource[] | undefined;
    if (refKind === 'ClusterRole') sources = clusterRoleRules(refName, clusterRoles, memo);
    else if (refKind === 'Role' && kind === 'RoleBinding') {
      const role = roles.get(`${binding.namespace}/${refName}`);
      sources = role ? parseRules(role.rules).map((rule, i) => ({ rule, path: `Role/${binding.namespace}/${refName} rules[${i}]`, role: ref(role, 'Role') })) : undefined;
    }
    const bound = bindingSubjects(b, binding.namespace);
    const ids = bound.map(subjectId);
    for (const subject of bound) {
      const k = subjectKey(subject);
      let perms = subjects.get(k);
      if (!perms) subjects.set(k, (perms = { subject, grants: [], missingRoles: [] }));
      if (!sources) {
        perms.missingRoles.push({ binding, roleRef: `${refKind}/${refName}` });
        continue;
      }
      for (const src of sources) perms.grants.push({ scope, rule: src.rule, rulePath: src.path, binding, role: src.role, roleRefName: refName, roleRefKind: refKind, bindingSubjects: ids });
    }
  }
  return [...subjects.values()];
}

/** RBAC rule semantics: '*' matches everything; "*\/sub" matches any resource's subresource. */
export function ruleAllows(rule: PolicyRule, verbs: readonly string[], group: string, resource: string): boolean {
  if (!rule.verbs.some((v) => v === '*' || verbs.includes(v))) return false;
  if (!rule.apiGroups.some((g) => g === '*' || g === group)) return false;
  const sub = resource.includes('/') ? resource.slice(resource.indexOf('/') + 1) : '';
  return rule.resources.some((r) => r === '*' || r === resource || (sub !== '' && r === `*/${sub}`));
}

export function isRecent(created: string | null, now: Date, sinceSeconds: number): boolean {
  if (!created) return false;
  const t = timeMillis(created);
  return t >= now.getTime() - sinceSeconds * 1000 && t <= now.getTime() + 60_000;
}
