// Microsoft Defender for Cloud alerts on the cluster, as findings: severity as Defender rates it,
// the technique from the alert type (or its intent), the pod and addresses its entities name.
import { ALERT_RULES } from '../rules.js';
import type { Severity } from '../types.js';
import { cut, type Hit } from './finding.js';
import { rec, str, strs, type Obj } from './read.js';

const SEVERITY: Record<string, Severity> = { high: 'high', medium: 'medium', low: 'low', informational: 'info' };

/** Alert-type words to Threat Matrix techniques, first match wins (Defender's alert reference names). */
const BY_TYPE: [RegExp, string][] = [
  [/mining|miner|crypto/i, 'MS-TA9039'],
  [/exec|attach/i, 'MS-TA9006'],
  [/privileged/i, 'MS-TA9018'],
  [/sensitive.*(mount|volume)|hostpath/i, 'MS-TA9013'],
  [/clusteradmin|cluster_admin|rolebinding|rbac/i, 'MS-TA9019'],
  [/secret/i, 'MS-TA9025'],
  [/imds|metadata/i, 'MS-TA9033'],
  [/kubelet/i, 'MS-TA9030'],
  [/dashboard/i, 'MS-TA9032'],
  [/ssh/i, 'MS-TA9010'],
  [/delete.*event|eventdelet/i, 'MS-TA9022'],
  [/clear|history|log(s)?delet/i, 'MS-TA9021'],
  [/admission|webhook/i, 'MS-TA9015'],
  [/serviceaccount|token/i, 'MS-TA9016'],
  [/reverse|shell|download|webshell/i, 'MS-TA9007'],
];
const BY_INTENT: Record<string, string> = {
  initialaccess: 'MS-TA9004', execution: 'MS-TA9007', persistence: 'MS-TA9012', privilegeescalation: 'MS-TA9018',
  defenseevasion: 'MS-TA9021', credentialaccess: 'MS-TA9025', discovery: 'MS-TA9029', lateralmovement: 'MS-TA9034',
  collection: 'MS-TA9041', impact: 'MS-TA9039', exploitation: 'MS-TA9009', probing: 'MS-TA9005',
};

export interface AlertView {
  id: string;
  type: string;
  name: string;
  severity: Severity;
  status: string;
  time: string;
  entity: string;
  description: string;
  intent: string;
  entities: Obj[];
}

export function viewAlert(a: unknown): AlertView {
  const al = rec(a) ?? {};
  const p = rec(al.properties) ?? {};
  return {
    id: str(p.systemAlertId) || str(al.name) || str(al.id),
    type: str(p.alertType),
    name: str(p.alertDisplayName) || str(p.alertType) || 'Defender alert',
    severity: SEVERITY[str(p.severity).toLowerCase()] ?? 'medium',
    status: str(p.status),
    time: str(p.startTimeUtc) || str(p.timeGeneratedUtc),
    entity: str(p.compromisedEntity),
    description: str(p.description),
    intent: str(p.intent),
    entities: (Array.isArray(p.entities) ? p.entities : []).flatMap((e) => (rec(e) ? [rec(e)!] : [])),
  };
}

/** An entity field, in the PascalCase or camelCase the alert writes it. */
const field = (e: Obj, k: string) => str(e[k]) || str(e[k[0]!.toUpperCase() + k.slice(1)]);
const typeOf = (e: Obj) => field(e, 'type').toLowerCase();

function technique(v: AlertView): string {
  const byType = BY_TYPE.find(([re]) => re.test(v.type) || re.test(v.name));
  if (byType) return byType[1];
  const intents = v.intent.toLowerCase().split(/[,\s]+/).filter(Boolean);
  const byIntent = intents.map((i) => BY_INTENT[i]).find(Boolean);
  return byIntent ?? (v.type.toUpperCase().startsWith('K8S.NODE_') ? ALERT_RULES.node.techniqueId : ALERT_RULES.control.techniqueId);
}

/** The pod or controller an alert's entities name (K8s-pod, K8s-controller), its namespace by reference or inline. */
function workloadOf(v: AlertView): { kind: string; namespace: string; name: string } | undefined {
  const w = v.entities.find((e) => typeOf(e) === 'k8s-pod') ?? v.entities.find((e) => typeOf(e) === 'k8s-controller');
  if (!w) return undefined;
  const kind = typeOf(w) === 'k8s-pod' ? 'Pod' : field(w, 'controllerType') || 'Controller';
  const nsRef = rec(w.Namespace ?? w.namespace);
  const byRef = nsRef && str(nsRef.$ref) ? v.entities.find((e) => str(e.$id) === str(nsRef.$ref)) : undefined;
  const nsEntity = byRef ?? (nsRef && field(nsRef, 'name') ? nsRef : undefined) ?? v.entities.find((e) => typeOf(e) === 'k8s-namespace');
  return { kind, namespace: nsEntity ? field(nsEntity, 'name') : '', name: field(w, 'name') };
}

/** Addresses the alert's ip entities name. */
export const alertIps = (v: AlertView): string[] => v.entities.filter((e) => typeOf(e) === 'ip').map((e) => field(e, 'address')).filter(Boolean);
/** The account an alert names (account entity), '' for none. */
export const alertAccount = (v: AlertView): string => {
  const acc = v.entities.find((e) => typeOf(e) === 'account');
  return acc ? field(acc, 'name') || strs([acc.Upn, acc.upn])[0] || '' : '';
};

export function alertHit(v: AlertView): Hit {
  const upper = v.type.toUpperCase();
  const meta = upper.startsWith('K8S.NODE_') ? ALERT_RULES.node : upper.startsWith('K8S_') ? ALERT_RULES.control : ALERT_RULES.other;
  const pod = workloadOf(v);
  const status = v.status && v.status.toLowerCase() !== 'active' ? ` Its status is ${v.status}.` : '';
  return {
    rule: { id: meta.id, title: v.name, techniqueId: technique(v) }, severity: v.severity, key: v.id || `${v.type}\u0000${v.time}\u0000${v.entity}`,
    resource: pod ? { kind: pod.kind, namespace: pod.namespace, name: pod.name, container: '' } : { kind: 'AzureResource', namespace: '', name: v.entity, container: '' },
    podName: pod?.kind === 'Pod' ? pod.name : '',
    fieldPath: 'alert:alertType', fieldValue: v.type,
    what: `Defender alert ${JSON.stringify(v.name)} on ${pod ? `${pod.kind} ${pod.namespace ? `${pod.namespace}/` : ''}${pod.name}` : v.entity || 'the cluster'}: ${cut(v.description)}`,
    note: status,
  };
}
