// Cluster events from core/v1 and events.k8s.io/v1, de-duplicated (both APIs serve the same
// stored events: same uid, or at least same namespace/name). Collected first: they expire
// after about an hour by default.
import { clusterEvents } from '../schema/tables.js';
import { normalizeTime } from '../schema/time.js';
import type { Collector, CollectorContext, CollectorEvent } from './types.js';
import type { KubeObject } from '../model.js';
import { common, listWithGaps, meta, num, obj, rowEvent, str } from './common.js';

/** The container a core/v1 fieldPath like "spec.containers{web}" points at. */
export function containerFromFieldPath(fieldPath: string): string {
  const m = /^spec\.(?:initContainers|containers|ephemeralContainers)\{([^}]*)\}$/.exec(fieldPath);
  return m ? m[1]! : '';
}

interface Normalized {
  reason: string;
  message: string;
  type: string;
  involved: Record<string, unknown>;
  first: string | null;
  last: string | null;
  count: number | null;
  component: string;
  instance: string;
  action: string;
}

function fromCore(e: KubeObject): Normalized {
  const source = obj(e.source);
  const series = obj(e.series);
  const eventTime = normalizeTime(str(e.eventTime) || null);
  return {
    reason: str(e.reason),
    message: str(e.message),
    type: str(e.type),
    involved: obj(e.involvedObject),
    first: normalizeTime(str(e.firstTimestamp) || null) ?? eventTime,
    last: normalizeTime(str(e.lastTimestamp) || str(series.lastObservedTime) || null) ?? eventTime,
    count: num(e.count) ?? num(series.count),
    component: str(e.reportingComponent) || str(source.component),
    instance: str(e.reportingInstance) || str(source.host),
    action: str(e.action),
  };
}

function fromV1(e: KubeObject): Normalized {
  const series = obj(e.series);
  const eventTime = normalizeTime(str(e.eventTime) || null);
  return {
    reason: str(e.reason),
    message: str(e.note),
    type: str(e.type),
    involved: obj(e.regarding),
    first: normalizeTime(str(e.deprecatedFirstTimestamp) || null) ?? eventTime,
    last: normalizeTime(str(series.lastObservedTime) || str(e.deprecatedLastTimestamp) || null) ?? eventTime,
    count: num(series.count) ?? num(e.deprecatedCount),
    component: str(e.reportingController) || str(obj(e.deprecatedSource).component),
    instance: str(e.reportingInstance) || str(obj(e.deprecatedSource).host),
    action: str(e.action),
  };
}

function toRow(e: KubeObject, n: Normalized, apiSource: string): CollectorEvent {
  const m = meta(e);
  const inv = n.involved;
  const kind = str(inv.kind);
  const name = str(inv.name);
  const namespace = str(m.namespace) || str(inv.namespace);
  const time = n.first ?? n.last ?? normalizeTime(str(m.creationTimestamp) || null);
  const times = n.count && n.count > 1 ? ` (×${n.count})` : '';
  return rowEvent(clusterEvents.name, {
    ...common({
      time,
      type: 'K8sEvent',
      namespace,
      pod: kind === 'Pod' ? name : '',
      container: kind === 'Pod' ? containerFromFieldPath(str(inv.fieldPath)) : '',
      summary: `${n.type || 'Event'} ${n.reason} ${kind}/${name}${times}: ${n.message}`,
    }),
    Reason: n.reason,
    Message: n.message,
    K8sEventType: n.type,
    InvolvedKind: kind,
    InvolvedName: name,
    InvolvedUid: str(inv.uid),
    FirstTimestamp: n.first,
    LastTimestamp: n.last,
    Count: n.count,
    ReportingComponent: n.component,
    ReportingInstance: n.instance,
    Action: n.action,
    ApiSource: apiSource,
  });
}

export const eventsCollector: Collector = {
  artifact: 'events',
  async *collect(ctx: CollectorContext): AsyncIterable<CollectorEvent> {
    const seenUid = new Set<string>();
    const seenName = new Set<string>();
    const sources = [
      { kind: 'events' as const, api: 'core/v1', normalize: fromCore },
      { kind: 'eventsV1' as const, api: 'events.k8s.io/v1', normalize: fromV1 },
    ];
    const listed = await Promise.all(sources.map((s) => listWithGaps(ctx, 'events', s.kind)));
    let anyListed = false;
    for (let i = 0; i < sources.length; i++) {
      const { items, gaps } = listed[i]!;
      if (gaps.length === 0) anyListed = true;
      for (const e of items) {
        const m = meta(e);
        const uid = str(m.uid);
        const key = `${str(m.namespace)}/${str(m.name)}`;
        if ((uid && seenUid.has(uid)) || seenName.has(key)) continue;
        if (uid) seenUid.add(uid);
        seenName.add(key);
        yield toRow(e, sources[i]!.normalize(e), sources[i]!.api);
      }
    }
    // One API answering in full is enough: the other serves the same stored events.
    for (const l of listed) {
      for (const g of l.gaps) {
        if (!anyListed) yield g;
        else if (g.kind === 'gap') ctx.log.info(`events: ${g.gap.scope}: ${g.gap.message} (the other events API answered in full)`);
      }
    }
  },
};
