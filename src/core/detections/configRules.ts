// Rules over objects that are neither pods nor RBAC: config maps holding credentials, and
// Services and Ingresses exposing sensitive interfaces. Every value is attacker-controlled JSON.
import type { KubeObject } from '../model.js';
import { normalizeTime } from '../schema/time.js';
import { EXPOSURE_RULES, POD_RULES } from './rules.js';
import { isPlaceholder, isSecretName, maskedValue, secretValueKind } from './secrets.js';
import { findingHead } from './techniques.js';
import { oneLine, type Finding, type RuleMeta, type Severity } from './types.js';

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function finding(o: KubeObject, meta: RuleMeta, severity: Severity, fieldPath: string, fieldValue: string, explanation: string, baseline = false): Finding {
  return {
    ...findingHead(meta, severity),
    resource: { kind: o.kind ?? '', namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '', container: '' },
    podName: '',
    fieldPath,
    fieldValue,
    explanation: oneLine(explanation),
    baseline,
    eventTime: normalizeTime(typeof o.metadata?.creationTimestamp === 'string' ? o.metadata.creationTimestamp : null),
  };
}

const where = (o: KubeObject) => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''}`;

/** `password = hunter2`, `token: abc` lines of a configuration file (properties, YAML, INI, .env). */
const ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?["']?([\w.-]{1,80})["']?[ \t]*[:=][ \t]*["']?([^\s"'#]{4,})/gm;

/** What a config map value reveals: a credential format, or a secret-named key or assignment with a literal value. */
function configSecret(key: string, value: string): { kind: string; what: string } | null {
  const kind = secretValueKind(value);
  if (kind) return { kind, what: kind };
  if (isSecretName(key) && !value.includes('\n') && value.trim().length >= 4 && !isPlaceholder(value)) return { kind: '', what: `a literal value under the secret-looking key ${key}` };
  for (const m of value.slice(0, 65536).matchAll(ASSIGNMENT)) {
    if (isSecretName(m[1]!) && !isPlaceholder(m[2]!)) return { kind: '', what: `an assignment to ${m[1]} in ${key}` };
  }
  return null;
}

export function configMapFindings(objects: readonly KubeObject[]): Finding[] {
  const out: Finding[] = [];
  for (const o of objects) {
    if (o.kind !== 'ConfigMap') continue;
    for (const [key, v] of Object.entries(rec(o.data) ?? {})) {
      if (typeof v !== 'string') continue;
      const hit = configSecret(key, v);
      if (!hit) continue;
      out.push(finding(o, POD_RULES.configMapSecret, 'high', `data[${JSON.stringify(key)}]`, `${key}=${maskedValue(v, hit.kind || null)}`,
        `${where(o)} holds ${hit.what}.`));
    }
  }
  return out;
}

/** Ports whose service should never face the network outside the cluster, and what they are. */
const SENSITIVE_PORTS = new Map<number, string>([
  [22, 'SSH'], [2222, 'SSH'], [23, 'telnet'], [3389, 'RDP'], [5900, 'VNC'], [5901, 'VNC'],
  [2375, 'the Docker API (unencrypted)'], [2376, 'the Docker API'], [4243, 'the Docker API'],
  [2379, 'etcd'], [2380, 'etcd peer'], [10250, 'the kubelet API'], [10255, 'the kubelet read-only API'], [10256, 'kube-proxy health'],
  [10257, 'kube-controller-manager'], [10259, 'kube-scheduler'], [6443, 'the Kubernetes API'], [8001, 'kubectl proxy'],
  [3306, 'MySQL'], [5432, 'PostgreSQL'], [1433, 'SQL Server'], [1521, 'Oracle'], [27017, 'MongoDB'], [6379, 'Redis'], [9200, 'Elasticsearch'], [9300, 'Elasticsearch'],
  [5984, 'CouchDB'], [9042, 'Cassandra'], [11211, 'memcached'], [8086, 'InfluxDB'], [7474, 'Neo4j'], [2181, 'ZooKeeper'], [9092, 'Kafka'], [15672, 'RabbitMQ management'],
  [8500, 'Consul'], [8200, 'Vault'], [4040, 'Spark UI'], [8888, 'Jupyter'], [9090, 'Prometheus'], [3000, 'Grafana'], [9000, 'a management console'], [50070, 'HDFS'],
]);

const DASHBOARD = /kubernetes-dashboard|k8s-dashboard|kube-dashboard/i;

/** The port numbers a Service port exposes (its port and a numeric targetPort). */
function portNumbers(p: Obj): number[] {
  return [p.port, p.targetPort].filter((n): n is number => typeof n === 'number');
}

function isDashboardService(o: KubeObject): boolean {
  const spec = rec(o.spec) ?? {};
  const labels = { ...(o.metadata?.labels ?? {}), ...Object.fromEntries(Object.entries(rec(spec.selector) ?? {}).map(([k, v]) => [k, str(v)])) };
  return DASHBOARD.test(o.metadata?.name ?? '') || Object.values(labels).some((v) => DASHBOARD.test(v));
}

/** How a Service is reachable from outside the cluster, and how widely (an internal load balancer or source ranges narrow it). */
function exposure(o: KubeObject): { how: string; wide: boolean } | null {
  const spec = rec(o.spec) ?? {};
  const type = str(spec.type);
  const external = arr(spec.externalIPs).map(str).filter(Boolean);
  const ann = o.metadata?.annotations ?? {};
  const internalLb = Object.entries(ann).some(([k, v]) => /load-balancer-internal$|internal-load-balancer|-lb-internal$/i.test(k) && /^(true|1|0\.0\.0\.0\/0)$/i.test(String(v)));
  const ranges = arr(spec.loadBalancerSourceRanges).map(str).filter((r) => r && r !== '0.0.0.0/0');
  if (type === 'LoadBalancer') return { how: `a${internalLb ? 'n internal' : ''} LoadBalancer`, wide: !internalLb && ranges.length === 0 };
  if (external.length) return { how: `externalIPs ${external.slice(0, 3).join(', ')}`, wide: true };
  if (type === 'NodePort') return { how: 'a NodePort on every node', wide: false };
  return null;
}

function serviceFindings(o: KubeObject): Finding[] {
  const ex = exposure(o);
  if (!ex) return [];
  const ports = arr(rec(o.spec)?.ports).map((p) => rec(p) ?? {});
  if (isDashboardService(o)) {
    return [finding(o, EXPOSURE_RULES.dashboard, ex.wide ? 'high' : 'medium', 'spec.type', str(rec(o.spec)?.type) || 'externalIPs',
      `${where(o)} exposes the Kubernetes dashboard through ${ex.how}.`)];
  }
  const out: Finding[] = [];
  ports.forEach((p, i) => {
    const hit = portNumbers(p).find((n) => SENSITIVE_PORTS.has(n));
    if (hit === undefined) return;
    out.push(finding(o, EXPOSURE_RULES.sensitivePort, ex.wide ? 'high' : 'medium', `spec.ports[${i}]`, `${hit}/${str(p.protocol) || 'TCP'}`,
      `${where(o)} exposes ${SENSITIVE_PORTS.get(hit)} (port ${hit}) through ${ex.how}${ex.wide ? '' : ' (narrowed: internal, source ranges or node ports only)'}.`));
  });
  return out;
}

/** Backend service names of an Ingress (networking.k8s.io/v1 and the older serviceName form). */
function ingressBackends(o: KubeObject): { name: string; path: string }[] {
  const spec = rec(o.spec) ?? {};
  const of = (b: unknown, path: string) => {
    const be = rec(b);
    const name = str(rec(be?.service)?.name) || str(be?.serviceName);
    return name ? [{ name, path }] : [];
  };
  const out = [...of(spec.defaultBackend, 'spec.defaultBackend'), ...of(spec.backend, 'spec.backend')];
  arr(spec.rules).forEach((r, i) =>
    arr(rec(rec(r)?.http)?.paths).forEach((p, j) => out.push(...of(rec(p)?.backend, `spec.rules[${i}].http.paths[${j}].backend`))),
  );
  return out;
}

function ingressFindings(o: KubeObject, dashboards: Set<string>): Finding[] {
  const ns = o.metadata?.namespace ?? '';
  const hit = ingressBackends(o).find((b) => DASHBOARD.test(b.name) || dashboards.has(`${ns}/${b.name}`));
  return hit ? [finding(o, EXPOSURE_RULES.dashboard, 'high', hit.path, hit.name, `${where(o)} routes outside traffic to the Kubernetes dashboard (service ${hit.name}).`)] : [];
}

/** Exposure findings over the Services and Ingresses of a set of objects. */
export function exposureFindings(objects: readonly KubeObject[]): Finding[] {
  const services = objects.filter((o) => o.kind === 'Service');
  const dashboards = new Set(services.filter(isDashboardService).map((s) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`));
  return [...services.flatMap(serviceFindings), ...objects.filter((o) => o.kind === 'Ingress').flatMap((o) => ingressFindings(o, dashboards))];
}
