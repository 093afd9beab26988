// Rules over the control-plane audit log: one function per rule, from one checked event to a hit.
// Only requests that were let through reach most rules (a 403 is an attempt the cluster refused;
// AUDIT_RULE_FUNCTIONS says which rule sees refused ones); a rule that treats the control plane's
// own traffic as normal checks isControlPlane itself, so the exemption is visible where it applies.
import { BUILT_IN_CLUSTER_ROLES } from '../builtinRbac.js';
import { parseRules } from '../rbacAnalysis.js';
import { AUDIT_RULES, POD_RULES } from '../rules.js';
import type { Severity } from '../types.js';
import type { KnownPod } from './context.js';
import { cut, type Hit } from './finding.js';
import { identityNote, isAnonymous, isControlPlane, serviceAccountOf } from './identities.js';
import { hostAccessHits } from './podCreate.js';
import { RbacMemory } from './bindings.js';
import { inCidr, ipKey, type Cidr } from './net.js';
import { identityOf, queryValues, uriPath, type AuditView } from './read.js';

export interface AuditEnv {
  platform: readonly string[];
  rbac: RbacMemory;
  podsByIp: ReadonlyMap<string, KnownPod>;
  podCidrs: readonly Cidr[];
}

export interface AuditHit { hit: Hit; detail?: string }
type AuditRule = (v: AuditView, env: AuditEnv, refused: boolean) => AuditHit | undefined;

const who = (v: AuditView) => identityOf(v);
const nsName = (ns: string, name: string) => (ns ? `${ns}/${name}` : name);

const exec: AuditRule = (v) => {
  if (v.resource !== 'pods' || !['exec', 'attach', 'portforward'].includes(v.subresource) || !['create', 'get'].includes(v.verb)) return undefined;
  const container = queryValues(v.requestURI, 'container')[0] ?? '';
  const command = queryValues(v.requestURI, 'command').join(' ');
  const rule = v.subresource === 'portforward' ? AUDIT_RULES.portForward : AUDIT_RULES.exec;
  const ports = queryValues(v.requestURI, 'ports').join(',');
  const what = v.subresource === 'portforward' ? `Port-forward into pod ${nsName(v.namespace, v.name)}` : `${v.subresource === 'exec' ? 'Exec' : 'Attach'} into pod ${nsName(v.namespace, v.name)}${container ? ` container ${container}` : ''}`;
  return {
    hit: {
      rule, severity: rule.severity, key: `${who(v)}\u0000${v.subresource}\u0000${v.namespace}\u0000${v.name}\u0000${container}`,
      resource: { kind: 'Pod', namespace: v.namespace, name: v.name, container }, podName: v.name,
      fieldPath: `audit:${v.verb} pods/${v.subresource}`, fieldValue: command || ports || v.requestURI, what, note: identityNote(v.username),
    },
    detail: command ? `command ${JSON.stringify(cut(command))}` : ports ? `ports ${ports}` : '',
  };
};

/** kubectl debug: an ephemeral container patched (or put) into a running pod; the platform never does it. */
const debugContainer: AuditRule = (v) => {
  if (v.resource !== 'pods' || v.subresource !== 'ephemeralcontainers' || !['patch', 'update'].includes(v.verb)) return undefined;
  const spec = (RbacMemory.written(v) ?? v.requestObject)?.spec as { ephemeralContainers?: unknown } | undefined;
  const added = Array.isArray(spec?.ephemeralContainers) ? spec.ephemeralContainers : [];
  const images = added.flatMap((c) => (c && typeof c === 'object' && typeof (c as { image?: unknown }).image === 'string' ? [(c as { image: string }).image] : []));
  return {
    hit: {
      rule: AUDIT_RULES.debugContainer, severity: AUDIT_RULES.debugContainer.severity, key: `${who(v)}\u0000${v.namespace}\u0000${v.name}`,
      resource: { kind: 'Pod', namespace: v.namespace, name: v.name, container: '' }, podName: v.name,
      fieldPath: `audit:${v.verb} pods/ephemeralcontainers`, fieldValue: images.join(', ') || v.requestURI,
      what: `Ephemeral container added to pod ${nsName(v.namespace, v.name)}`, note: identityNote(v.username),
    },
    detail: images.length ? `image ${images.join(', ')}` : '',
  };
};

const secrets: AuditRule = (v, env) => {
  if (v.resource !== 'secrets' || v.apiGroup !== '' || v.subresource || !['get', 'list', 'watch'].includes(v.verb) || isControlPlane(v, env.platform)) return undefined;
  const many = v.verb !== 'get' && !v.name;
  const target = v.name ? nsName(v.namespace, v.name) : v.namespace ? `every secret of namespace ${v.namespace}` : 'every secret of the cluster';
  const severity: Severity = many ? 'high' : 'medium';
  return {
    hit: {
      rule: AUDIT_RULES.secrets, severity, key: `${who(v)}\u0000${v.verb}\u0000${v.namespace}\u0000${v.name}`,
      resource: { kind: 'Secret', namespace: v.namespace, name: v.name || '*', container: '' },
      fieldPath: `audit:${v.verb} secrets`, fieldValue: v.requestURI, what: `${v.verb} of ${v.name ? `secret ${target}` : target}`, note: identityNote(v.username),
    },
  };
};

/**
 * A subject only the platform binds: system: users and groups, kube-system service accounts. The
 * control plane writing such a binding (bootstrap reconciliation, add-ons) is its own business; the
 * same identity granting power to anyone else is not, and is reported.
 */
const isPlatformSubject = (s: { kind: string; name: string; namespace: string }) =>
  s.kind === 'ServiceAccount' ? s.namespace === 'kube-system' : s.name.startsWith('system:');

const binding: AuditRule = (v, env) => {
  if (v.apiGroup !== 'rbac.authorization.k8s.io' || !['rolebindings', 'clusterrolebindings'].includes(v.resource) || v.subresource || !['create', 'update', 'patch'].includes(v.verb)) return undefined;
  const b = env.rbac.binding(v);
  if (!b) return undefined;
  const clusterScoped = v.resource === 'clusterrolebindings';
  const got = env.rbac.power(b, clusterScoped);
  if (!got || (isControlPlane(v, env.platform) && got.subjects.every(isPlatformSubject))) return undefined;
  const kind = clusterScoped ? 'ClusterRoleBinding' : 'RoleBinding';
  const name = v.name || String(b.metadata?.name ?? '');
  const roleRef = b.roleRef as { kind?: unknown; name?: unknown };
  const subjects = got.subjects.map((s) => `${s.kind} ${nsName(s.namespace, s.name)}`);
  const first = got.subjects[0];
  return {
    hit: {
      rule: AUDIT_RULES.binding, severity: got.power.severity, key: `${who(v)}\u0000${kind}\u0000${v.namespace}\u0000${name}`,
      resource: { kind, namespace: v.namespace, name, container: '' },
      fieldPath: 'requestObject.roleRef', fieldValue: `${String(roleRef.kind)}/${String(roleRef.name)}`,
      what: `${v.verb} of ${kind} ${nsName(v.namespace, name)} granting ${got.power.grants}${clusterScoped ? ' cluster-wide' : ` in namespace ${v.namespace}`} to ${subjects.join(', ') || 'no subject'}`,
      ...(first ? { subject: first } : {}), note: identityNote(v.username),
    },
    detail: v.verb,
  };
};

/** The non-resource URLs Kubernetes opens to everyone (the system:public-info-viewer role): health and version. */
const PUBLIC_URLS = new Set(parseRules(BUILT_IN_CLUSTER_ROLES.get('system:public-info-viewer')?.rules).flatMap((r) => r.nonResourceURLs));
const isPublicInfo = (v: AuditView) => !v.resource && v.verb === 'get' && PUBLIC_URLS.has(uriPath(v.requestURI));

const anonymous: AuditRule = (v) => {
  if (!isAnonymous(v) || isPublicInfo(v)) return undefined;
  const path = uriPath(v.requestURI);
  return {
    hit: {
      rule: AUDIT_RULES.anonymous, severity: AUDIT_RULES.anonymous.severity, key: `${who(v)}\u0000${v.verb}\u0000${path}`,
      resource: { kind: v.resource || 'URL', namespace: v.namespace, name: v.name || path, container: '' },
      fieldPath: `audit:${v.verb}`, fieldValue: v.requestURI, what: `Anonymous ${v.verb} of ${path} allowed`,
    },
  };
};

const privilegedPod: AuditRule = (v, env) => {
  if (isControlPlane(v, env.platform)) return undefined;
  const got = hostAccessHits(v);
  const worst = got?.hits[0];
  if (!got || !worst) return undefined;
  const sev = worst.severity ?? worst.rule.severity;
  // Host access a person asked for by hand is worth a look even where the pod rule alone says low.
  const severity: Severity = sev === 'low' || sev === 'info' ? 'medium' : sev;
  const name = v.name || String((v.requestObject?.metadata as { name?: unknown } | undefined)?.name ?? '');
  return {
    hit: {
      rule: { id: AUDIT_RULES.privilegedPod.id, title: AUDIT_RULES.privilegedPod.title, techniqueId: worst.rule.techniqueId },
      severity, key: `${who(v)}\u0000${got.kind}\u0000${v.namespace}\u0000${name}`,
      resource: { kind: got.kind, namespace: v.namespace, name, container: worst.container }, podName: got.kind === 'Pod' ? name : '',
      fieldPath: `requestObject.${worst.fieldPath}`, fieldValue: worst.fieldValue,
      what: `${v.verb} of ${got.kind} ${nsName(v.namespace, name)} with ${[...new Set(got.hits.map((h) => h.rule.title))].join(', ')}: ${worst.explanation}`,
      note: identityNote(v.username),
    },
  };
};

const tokenRequest: AuditRule = (v, env) => {
  if (v.resource !== 'serviceaccounts' || v.subresource !== 'token' || v.verb !== 'create' || isControlPlane(v, env.platform)) return undefined;
  return {
    hit: {
      rule: AUDIT_RULES.tokenRequest, severity: v.namespace === 'kube-system' ? 'high' : 'medium', key: `${who(v)}\u0000${v.namespace}\u0000${v.name}`,
      resource: { kind: 'ServiceAccount', namespace: v.namespace, name: v.name, container: '' },
      fieldPath: 'audit:create serviceaccounts/token', fieldValue: v.requestURI, what: `Token minted for service account ${nsName(v.namespace, v.name)}`, note: identityNote(v.username),
    },
  };
};

const deleteEvents: AuditRule = (v, env) => {
  if (v.resource !== 'events' || (v.apiGroup !== '' && v.apiGroup !== 'events.k8s.io') || !['delete', 'deletecollection'].includes(v.verb) || isControlPlane(v, env.platform)) return undefined;
  return {
    hit: {
      rule: AUDIT_RULES.deleteEvents, severity: v.verb === 'deletecollection' ? 'high' : 'medium', key: `${who(v)}\u0000${v.namespace}`,
      resource: { kind: 'Event', namespace: v.namespace, name: v.verb === 'deletecollection' ? '*' : v.name, container: '' },
      fieldPath: `audit:${v.verb} events`, fieldValue: v.requestURI, what: `Events deleted in ${v.namespace ? `namespace ${v.namespace}` : 'every namespace'}`, note: identityNote(v.username),
    },
    detail: v.name || v.verb,
  };
};

const kubeSystemWorkload: AuditRule = (v, env) => {
  const kind = v.resource === 'cronjobs' && v.apiGroup === 'batch' ? 'CronJob' : v.resource === 'daemonsets' && v.apiGroup === 'apps' ? 'DaemonSet' : '';
  if (!kind || v.namespace !== 'kube-system' || v.verb !== 'create' || v.subresource || isControlPlane(v, env.platform)) return undefined;
  const name = v.name || String((v.requestObject?.metadata as { name?: unknown } | undefined)?.name ?? '');
  return {
    hit: {
      rule: { ...AUDIT_RULES.kubeSystemWorkload, techniqueId: kind === 'CronJob' ? POD_RULES.cronJob.techniqueId : AUDIT_RULES.kubeSystemWorkload.techniqueId },
      severity: AUDIT_RULES.kubeSystemWorkload.severity, key: `${who(v)}\u0000${kind}\u0000${name}`,
      resource: { kind, namespace: 'kube-system', name, container: '' },
      fieldPath: `audit:create ${v.resource}`, fieldValue: v.requestURI, what: `${kind} kube-system/${name} created`, note: identityNote(v.username),
    },
  };
};

/** The known pod a request came from, or a pod CIDR it falls in. */
function sourcePod(v: AuditView, env: AuditEnv): { ip: string; pod?: KnownPod } | undefined {
  for (const ip of v.sourceIPs) {
    const pod = env.podsByIp.get(ipKey(ip));
    if (pod) return { ip, pod };
  }
  const ip = v.sourceIPs.find((a) => env.podCidrs.some((c) => inCidr(a, c)));
  return ip ? { ip } : undefined;
}

const fromPod: AuditRule = (v, env) => {
  if (isControlPlane(v, env.platform) || isPublicInfo(v)) return undefined;
  const src = sourcePod(v, env);
  if (!src) return undefined;
  const sa = serviceAccountOf(v.impersonated || v.username);
  // A pod calling the API as its own service account is what in-cluster clients do. Without the
  // pod's identity (only the CIDR known) a service account is presumed its own pod's: every
  // operator would fire otherwise. A person's identity from a pod address never is.
  if (sa && (!src.pod || sa === `${src.pod.namespace}/${src.pod.serviceAccount}`)) return undefined;
  const from = src.pod ? `pod ${nsName(src.pod.namespace, src.pod.name)} (${src.ip}, service account ${src.pod.serviceAccount})` : `pod address ${src.ip}`;
  return {
    hit: {
      rule: AUDIT_RULES.fromPod, severity: AUDIT_RULES.fromPod.severity, key: `${who(v)}\u0000${src.ip}`,
      resource: src.pod ? { kind: 'Pod', namespace: src.pod.namespace, name: src.pod.name, container: '' } : { kind: 'Address', namespace: '', name: src.ip, container: '' },
      podName: src.pod?.name ?? '',
      fieldPath: 'audit:sourceIPs', fieldValue: src.ip, what: `API requests as ${who(v)} from ${from}`, note: identityNote(v.username),
    },
    detail: `${v.verb} ${cut(uriPath(v.requestURI))}`,
  };
};

/** Download tools and shells: never the platform's own client, whoever the identity. */
const DOWNLOAD_TOOL = /^(curl|wget|httpie|powershell|libwww-perl|lwp-request|nc|ncat|socat)\b/i;
/** Scripting HTTP libraries and the Kubernetes Python client: a person's script unless the identity is the platform's. */
const SCRIPTING = /^(python-requests|python-urllib|python-httpx|python\/|aiohttp|OpenAPI-Generator\/[^/]*\/python|Go-http-client|node-fetch|axios|undici|okhttp|PostmanRuntime|Ruby|Java\/|Apache-HttpClient|kube-hunter|peirates|kubiscan)/i;

/** Refused requests by a download tool are evidence too (a stolen token tried): their own finding, one step lower. */
const scriptedClient: AuditRule = (v, env, refused) => {
  const ua = v.userAgent.trim();
  if (!ua || isPublicInfo(v)) return undefined;
  const download = DOWNLOAD_TOOL.test(ua);
  if (!download && (!SCRIPTING.test(ua) || isControlPlane(v, env.platform))) return undefined;
  const product = ua.split(/[\s/]/)[0] ?? ua;
  const severity: Severity = download ? (refused ? 'medium' : 'high') : refused ? 'low' : 'medium';
  return {
    hit: {
      rule: AUDIT_RULES.scriptedClient, severity, key: `${who(v)}\u0000${product.toLowerCase()}\u0000${refused ? 'refused' : 'allowed'}`,
      resource: { kind: 'Client', namespace: '', name: product, container: '' },
      fieldPath: 'audit:userAgent', fieldValue: ua, what: `${refused ? 'Refused API requests' : 'API requests'} by ${product}`, note: identityNote(v.username),
    },
    detail: `${v.verb} ${cut(uriPath(v.requestURI))}`,
  };
};

export const AUDIT_RULE_FUNCTIONS: readonly { fn: AuditRule; seesRefused: boolean }[] = [
  ...[exec, debugContainer, secrets, binding, anonymous, privilegedPod, tokenRequest, deleteEvents, kubeSystemWorkload, fromPod].map((fn) => ({ fn, seesRefused: false })),
  { fn: scriptedClient, seesRefused: true },
];
