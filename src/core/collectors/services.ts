// Services and Ingresses: how each workload is reached, one row per object (type, ports, external
// addresses, ingress rules in full), then the exposure findings over them (a sensitive port or
// the dashboard facing the network) into suspiciouspods_CL.
import { services, suspiciousPods } from '../schema/tables.js';
import { exposureFindings, suspiciousPodRow } from '../detections/index.js';
import type { Collector, CollectorContext, CollectorEvent } from './types.js';
import type { KubeObject } from '../model.js';
import { arr, common, listWithGaps, meta, obj, rowEvent, str } from './common.js';
import { withKind } from './suspiciousPods.js';

/** Where outside traffic reaches the object: external IPs and the load balancer's or ingress controller's addresses. */
function externalAddresses(o: KubeObject): string[] {
  const lb = arr(obj(obj(o.status).loadBalancer).ingress).map(obj);
  return [...arr(obj(o.spec).externalIPs).map(str), ...lb.flatMap((i) => [str(i.ip), str(i.hostname)])].filter(Boolean);
}

function serviceRow(o: KubeObject): CollectorEvent {
  const m = meta(o);
  const spec = obj(o.spec);
  const ports = arr(spec.ports).map(obj);
  const ext = externalAddresses(o);
  const type = str(spec.type) || 'ClusterIP';
  const portText = ports.map((p) => `${str(p.port)}${p.nodePort ? `:${str(p.nodePort)}` : ''}/${str(p.protocol) || 'TCP'}`).join(', ');
  return rowEvent(services.name, {
    ...common({ time: str(m.creationTimestamp) || null, type: 'Service', namespace: str(m.namespace), summary: `Service ${str(m.namespace)}/${str(m.name)} ${type} ${portText}${ext.length ? ` on ${ext.join(', ')}` : ''}` }),
    ObjectKind: 'Service',
    ObjectName: str(m.name),
    Uid: str(m.uid),
    ServiceType: type,
    ClusterIP: str(spec.clusterIP),
    ExternalAddresses: ext,
    Ports: spec.ports ?? [],
    Selector: spec.selector ?? {},
    Rules: null,
    IngressClass: '',
    Annotations: m.annotations ?? {},
  });
}

function ingressRow(o: KubeObject): CollectorEvent {
  const m = meta(o);
  const spec = obj(o.spec);
  const hosts = arr(spec.rules).map((r) => str(obj(r).host) || '*');
  const ext = externalAddresses(o);
  return rowEvent(services.name, {
    ...common({ time: str(m.creationTimestamp) || null, type: 'Ingress', namespace: str(m.namespace), summary: `Ingress ${str(m.namespace)}/${str(m.name)} for ${hosts.join(', ') || 'every host'}${ext.length ? ` on ${ext.join(', ')}` : ''}` }),
    ObjectKind: 'Ingress',
    ObjectName: str(m.name),
    Uid: str(m.uid),
    ServiceType: '',
    ClusterIP: '',
    ExternalAddresses: ext,
    Ports: spec.tls ?? [],
    Selector: {},
    Rules: { rules: spec.rules ?? [], defaultBackend: spec.defaultBackend ?? null },
    IngressClass: str(spec.ingressClassName) || str(m.annotations?.['kubernetes.io/ingress.class']),
    Annotations: m.annotations ?? {},
  });
}

export const servicesCollector: Collector = {
  artifact: 'services',
  async *collect(ctx: CollectorContext): AsyncIterable<CollectorEvent> {
    const [svc, ing] = await Promise.all([listWithGaps(ctx, 'services', 'services'), listWithGaps(ctx, 'services', 'ingresses')]);
    yield* svc.gaps;
    yield* ing.gaps;
    if (ctx.acquiring) return;
    const objects = [...withKind(svc.items, 'Service'), ...withKind(ing.items, 'Ingress')];
    for (const o of objects) yield o.kind === 'Service' ? serviceRow(o) : ingressRow(o);
    for (const f of exposureFindings(objects)) {
      ctx.signal.throwIfAborted();
      yield rowEvent(suspiciousPods.name, suspiciousPodRow(f));
    }
  },
};
