// The objects of a scenario, indexed per resource in etcd key order (namespace, then name), with
// the list semantics of a real API server: label and field selectors, limit/continue pages.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../../src/core/model.js';
import { RESOURCES, groupVersion, resourceKey, resourceOfObject, type ResourceDef } from './resources.js';

type Obj = KubeObject & { metadata: NonNullable<KubeObject['metadata']> };

export class ObjectStore {
  private readonly byResource = new Map<string, Obj[]>();
  /** Objects whose kind the emulator does not serve (kept so the caller can warn). */
  readonly unserved: KubeObject[] = [];
  private rv = 1000;

  constructor(objects: readonly KubeObject[], opts: { mirrorEvents: boolean }) {
    for (const r of RESOURCES) this.byResource.set(resourceKey(r.group, r.plural), []);
    for (const o of objects) this.put(o);
    if (opts.mirrorEvents) this.mirrorEvents();
    for (const list of this.byResource.values()) list.sort(compareKey);
  }

  private put(o: KubeObject): void {
    const r = resourceOfObject(o.apiVersion, o.kind);
    if (!r) {
      this.unserved.push(o);
      return;
    }
    const metadata = { ...(o.metadata ?? {}) };
    metadata.uid ??= randomUUID();
    metadata.resourceVersion ??= String(++this.rv);
    if (r.namespaced) metadata.namespace ??= 'default';
    this.byResource.get(resourceKey(r.group, r.plural))!.push({ ...o, metadata } as Obj);
  }

  /** The resourceVersion a list answers with: newer than every object. */
  get resourceVersion(): string {
    return String(this.rv + 1);
  }

  all(r: ResourceDef): readonly Obj[] {
    return this.byResource.get(resourceKey(r.group, r.plural)) ?? [];
  }

  get(r: ResourceDef, namespace: string | undefined, name: string): Obj | undefined {
    return this.all(r).find((o) => o.metadata.name === name && (!r.namespaced || o.metadata.namespace === namespace));
  }

  /** Both event APIs are views of one storage in a real cluster: serve each event in both. */
  private mirrorEvents(): void {
    const core = this.byResource.get(resourceKey('', 'events'))!;
    const v1 = this.byResource.get(resourceKey('events.k8s.io', 'events'))!;
    const coreUids = new Set(core.map((e) => e.metadata.uid));
    const v1Uids = new Set(v1.map((e) => e.metadata.uid));
    for (const e of [...core]) if (!v1Uids.has(e.metadata.uid)) v1.push(coreToV1(e));
    for (const e of [...v1]) if (!coreUids.has(e.metadata.uid)) core.push(v1ToCore(e));
  }
}

function compareKey(a: Obj, b: Obj): number {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function coreToV1(e: Obj): Obj {
  const source = e.source as { component?: string; host?: string } | undefined;
  return defined({
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    series: e.series,
    reportingController: e.reportingComponent || source?.component,
    reportingInstance: e.reportingInstance || source?.host,
    action: e.action,
    reason: e.reason,
    regarding: e.involvedObject,
    related: e.related,
    note: e.message,
    type: e.type,
    deprecatedSource: source,
    deprecatedFirstTimestamp: e.firstTimestamp,
    deprecatedLastTimestamp: e.lastTimestamp,
    deprecatedCount: e.count,
  }) as Obj;
}

function v1ToCore(e: Obj): Obj {
  return defined({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: e.metadata,
    involvedObject: e.regarding ?? {},
    reason: e.reason,
    message: e.note,
    source: e.deprecatedSource ?? defined({ component: e.reportingController, host: e.reportingInstance }),
    firstTimestamp: e.deprecatedFirstTimestamp ?? null,
    lastTimestamp: e.deprecatedLastTimestamp ?? null,
    count: e.deprecatedCount,
    type: e.type,
    eventTime: e.eventTime ?? null,
    series: e.series,
    action: e.action,
    related: e.related,
    reportingComponent: e.reportingController ?? '',
    reportingInstance: e.reportingInstance ?? '',
  }) as Obj;
}

// ---- selectors ------------------------------------------------------------------------------

type LabelReq = (labels: Record<string, string>) => boolean;

/** Label selectors: `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x,y)`. */
export function parseLabelSelector(sel: string): LabelReq[] {
  const reqs: LabelReq[] = [];
  // Split on commas that are not inside parentheses.
  const parts = sel.split(/,(?![^(]*\))/).map((p) => p.trim()).filter(Boolean);
  for (const p of parts) {
    let m: RegExpMatchArray | null;
    if ((m = p.match(/^(\S+)\s+(in|notin)\s+\((.*)\)$/))) {
      const key = m[1]!;
      const values = new Set(m[3]!.split(',').map((v) => v.trim()));
      const neg = m[2] === 'notin';
      reqs.push((l) => (neg ? !(key in l) || !values.has(l[key]!) : key in l && values.has(l[key]!)));
    } else if ((m = p.match(/^([^!=]+)!=(.*)$/))) {
      const [key, v] = [m[1]!.trim(), m[2]!.trim()];
      reqs.push((l) => l[key] !== v);
    } else if ((m = p.match(/^([^!=]+)==?(.*)$/))) {
      const [key, v] = [m[1]!.trim(), m[2]!.trim()];
      reqs.push((l) => l[key] === v);
    } else if (p.startsWith('!')) {
      const key = p.slice(1).trim();
      reqs.push((l) => !(key in l));
    } else {
      reqs.push((l) => p in l);
    }
  }
  return reqs;
}

function dig(o: unknown, path: string): unknown {
  let cur = o;
  for (const k of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Field selectors: `metadata.name=x`, `spec.nodeName!=y`, `involvedObject.name==z` (any dotted path). */
export function parseFieldSelector(sel: string): ((o: unknown) => boolean)[] {
  return sel
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const m = p.match(/^([^!=]+)(!=|==|=)(.*)$/);
      if (!m) throw new Error(`invalid field selector "${p}"`);
      const [path, op, v] = [m[1]!.trim(), m[2]!, m[3]!.trim()];
      return (o: unknown) => {
        const got = dig(o, path);
        const s = got === undefined || got === null ? '' : String(got);
        return op === '!=' ? s !== v : s === v;
      };
    });
}

// ---- pages ----------------------------------------------------------------------------------

interface ContinueToken {
  v: 1;
  /** Resource the token belongs to, so one cannot continue a different list. */
  r: string;
  rv: string;
  /** Index of the first item of the next page. */
  start: number;
  /** Number of the page the token asks for (2 = second page). */
  page: number;
}

export function encodeContinue(t: Omit<ContinueToken, 'v'>): string {
  return Buffer.from(JSON.stringify({ v: 1, ...t })).toString('base64url');
}

export function decodeContinue(token: string): ContinueToken | undefined {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v !== 1 || typeof t.start !== 'number' || typeof t.page !== 'number' || typeof t.r !== 'string') return undefined;
    return t;
  } catch {
    return undefined;
  }
}

export function listKind(r: ResourceDef): string {
  return `${r.kind}List`;
}

export { groupVersion };
