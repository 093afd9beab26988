// Where pod specs live: pods themselves and the pod templates of workload controllers.
//
// De-duplication (so one bad spec does not show up three times): every Pod is reported (it is
// what actually ran, and only pods carry ephemeral containers), and the template of the TOP-MOST
// controller present is reported (Deployment, DaemonSet, StatefulSet, CronJob, or a ReplicaSet/Job
// whose owner is not in the input). A ReplicaSet owned by a Deployment that is also in the input,
// and a Job owned by a CronJob in the input, are skipped: their template is their owner's.
// So a Deployment's privileged container yields one finding on the Deployment and one per pod.
import type { KubeObject } from '../model.js';
import { normalizeTime } from '../schema/time.js';

export type PodSpec = Record<string, unknown>;

export interface OwnerRef {
  kind: string;
  name: string;
}

export interface PodTarget {
  kind: string;
  namespace: string;
  name: string;
  /** The pod's own name when kind is Pod, else empty. */
  podName: string;
  spec: PodSpec;
  /** Dotted path of the pod spec inside the object, e.g. spec.template.spec. */
  specPath: string;
  /** Dotted path of the pod metadata (annotations) inside the object. */
  metaPath: string;
  annotations: Record<string, string>;
  /** Direct controlling owner, when any. */
  owner?: OwnerRef;
  /** The top-most controller (Deployment for a pod of a ReplicaSet of a Deployment), or the object itself. */
  topOwner: OwnerRef;
  creationTimestamp: string | null;
  object: KubeObject;
}

export const WORKLOAD_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'CronJob'] as const;

function rec(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function strMap(v: unknown): Record<string, string> {
  const m = rec(v);
  if (!m) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(m)) if (typeof val === 'string') out[k] = val;
  return out;
}

function controllerOf(o: KubeObject): OwnerRef | undefined {
  const refs = Array.isArray(o.metadata?.ownerReferences) ? o.metadata.ownerReferences : [];
  const ref = refs.find((r) => r && r.controller) ?? refs[0];
  return ref && typeof ref.kind === 'string' && typeof ref.name === 'string' ? { kind: ref.kind, name: ref.name } : undefined;
}

/** An object's identity: the owner index's key, and scan's for where a resource is found. */
export const objKey = (kind: string, ns: string, name: string) => `${kind}\u0000${ns}\u0000${name}`;

/** Locates the pod spec in an object of a supported kind. */
function locate(o: KubeObject): { spec: PodSpec; specPath: string; metaPath: string; meta: Record<string, unknown> | undefined } | undefined {
  const spec = rec(o.spec);
  if (!spec) return undefined;
  switch (o.kind) {
    case 'Pod':
      return { spec, specPath: 'spec', metaPath: 'metadata', meta: rec(o.metadata) };
    case 'CronJob': {
      const tpl = rec(rec(rec(spec.jobTemplate)?.spec)?.template);
      const ps = rec(tpl?.spec);
      return ps ? { spec: ps, specPath: 'spec.jobTemplate.spec.template.spec', metaPath: 'spec.jobTemplate.spec.template.metadata', meta: rec(tpl?.metadata) } : undefined;
    }
    default: {
      if (!(WORKLOAD_KINDS as readonly string[]).includes(o.kind ?? '')) return undefined;
      const tpl = rec(spec.template);
      const ps = rec(tpl?.spec);
      return ps ? { spec: ps, specPath: 'spec.template.spec', metaPath: 'spec.template.metadata', meta: rec(tpl?.metadata) } : undefined;
    }
  }
}

/** What the owner walk needs of an object: its controller, and its pod-template-hash label. */
export interface OwnerLink {
  controller?: OwnerRef;
  hash?: string;
}

/** The link of an object without a controller (most objects): shared, the walk stops there. */
const NO_OWNER: OwnerLink = Object.freeze({});

function ownerLink(o: KubeObject): OwnerLink {
  const controller = controllerOf(o);
  if (!controller) return NO_OWNER;
  const labels = rec(o.metadata?.labels);
  const hash = labels && Object.prototype.hasOwnProperty.call(labels, 'pod-template-hash') ? labels['pod-template-hash'] : undefined;
  return { controller, hash: typeof hash === 'string' ? hash : undefined };
}

/** An object's key (objKey), and its link when the owner index keeps it (it has a kind and a name), else null. */
export function ownerEntry(o: KubeObject): { key: string; link: OwnerLink | null } {
  const kind = o.kind ?? '';
  const name = o.metadata?.name ?? '';
  return { key: objKey(kind, o.metadata?.namespace ?? '', name), link: kind && name ? ownerLink(o) : null };
}

/**
 * The objects of an input by namespace, kind and name (the last of a key wins), keeping only what
 * the de-duplication and the owner walk read, so that the input can be read one file at a time.
 */
export class OwnerIndex {
  private readonly byKey = new Map<string, OwnerLink>();

  /** Indexes the object; returns its link (for localTarget, so it is read once). */
  add(o: KubeObject): OwnerLink {
    const { key, link } = ownerEntry(o);
    if (!link) return ownerLink(o);
    this.set(key, link);
    return link;
  }

  /** An object's key and link from ownerEntry (the last of a key wins). */
  set(key: string, link: OwnerLink): void {
    this.byKey.set(key, link);
  }

  private present(ns: string, ref: OwnerRef | undefined): OwnerLink | undefined {
    return ref ? this.byKey.get(objKey(ref.kind, ns, ref.name)) : undefined;
  }

  /** A controller's template whose owner is a workload in the input is its owner's (see the note above). */
  skips(t: OwnedTarget): boolean {
    return t.kind !== 'Pod' && !!t.owner && (WORKLOAD_KINDS as readonly string[]).includes(t.owner.kind) && !!this.present(t.namespace, t.owner);
  }

  topOwner(t: OwnedTarget): OwnerRef {
    let cur: OwnerLink = t.link;
    let top: OwnerRef = { kind: t.kind, name: t.name };
    for (let depth = 0; depth < 5; depth++) {
      const ref = cur.controller;
      if (!ref) break;
      top = ref;
      const next = this.present(t.namespace, ref);
      if (!next) {
        // A pod of a ReplicaSet we do not have: the Deployment's name is the ReplicaSet's minus its pod-template-hash.
        const hash = cur.hash;
        if (ref.kind === 'ReplicaSet' && hash && ref.name.endsWith(`-${hash}`)) top = { kind: 'Deployment', name: ref.name.slice(0, -hash.length - 1) };
        break;
      }
      cur = next;
    }
    return top;
  }
}

/** A pod target before the rest of the input is known: no top-most owner yet, and its own owner link. */
export type LocalTarget = Omit<PodTarget, 'topOwner'> & { link: OwnerLink };
/** What the de-duplication and the owner walk read of a target. */
export type OwnedTarget = Pick<LocalTarget, 'kind' | 'namespace' | 'name' | 'owner' | 'link'>;

/** The object's pod target as far as the object alone says, or undefined when it holds no pod spec. */
export function localTarget(o: KubeObject, link: OwnerLink = ownerLink(o)): LocalTarget | undefined {
  const loc = locate(o);
  if (!loc) return undefined;
  return {
    kind: o.kind ?? '',
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
    podName: o.kind === 'Pod' ? (o.metadata?.name ?? '') : '',
    spec: loc.spec,
    specPath: loc.specPath,
    metaPath: loc.metaPath,
    annotations: strMap(loc.meta?.annotations),
    owner: link.controller,
    creationTimestamp: normalizeTime(typeof o.metadata?.creationTimestamp === 'string' ? o.metadata.creationTimestamp : null),
    object: o,
    link,
  };
}

/** The target with its top-most owner (fields in the order they have always been listed). */
export function withTopOwner(t: LocalTarget, topOwner: OwnerRef): PodTarget {
  const { kind, namespace, name, podName, spec, specPath, metaPath, annotations, owner, creationTimestamp, object } = t;
  return { kind, namespace, name, podName, spec, specPath, metaPath, annotations, owner, topOwner, creationTimestamp, object };
}

/** The pods and top-most pod templates in a set of objects (see the de-duplication note above). */
export function podTargets(objects: readonly KubeObject[]): PodTarget[] {
  const index = new OwnerIndex();
  for (const o of objects) index.add(o);
  const out: PodTarget[] = [];
  for (const o of objects) {
    const t = localTarget(o);
    if (!t || index.skips(t)) continue;
    out.push(withTopOwner(t, index.topOwner(t)));
  }
  return out;
}
