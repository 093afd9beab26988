// An Azure-side finding and the grouping that keeps a busy log from producing thousands of them:
// hits of one rule on one identity and target fold into one finding with a count, and every event
// it rests on is cited, so the count can be reproduced from the cited rows.
import { findingHead } from '../techniques.js';
import { oneLine, severityRank, type Finding, type ResourceRef, type RbacSubjectRef, type RuleMeta, type Severity } from '../types.js';

/** A finding over audit, Activity Log or alert records: who, from where, and the records it rests on. */
export interface AzureFinding extends Finding {
  /** The identity behind it: audit username (and whom it impersonated), Activity Log caller. */
  identity: string;
  /** Distinct source addresses, in the order first seen (at most MAX_LISTED). */
  sourceIps: string[];
  /** The first user agent seen ('' when the source has none). */
  userAgent: string;
  /** The records it rests on (the PIPELINE's record ids), in input order. */
  cites: string[];
  /** Distinct requests or operations among the cited records (records of one request share its audit or correlation id). */
  count: number;
  /** The last event's time (eventTime is the first's). */
  lastTime: string | null;
}

export const MAX_LISTED = 10;
/** A value longer than this (a request URI, a command) is cut in the finding; the cited record keeps it whole. */
export const VALUE_MAX = 512;

export const cut = (s: string): string => {
  const one = oneLine(s);
  return one.length > VALUE_MAX ? `${one.slice(0, VALUE_MAX)}…` : one;
};

/** One rule hit on one record, before grouping. */
export interface Hit {
  rule: Pick<RuleMeta, 'id' | 'title' | 'techniqueId'>;
  severity: Severity;
  /** Hits with the same key fold into one finding (the rule id is added by the grouper). */
  key: string;
  resource: ResourceRef;
  podName?: string;
  fieldPath: string;
  fieldValue: string;
  /** What happened, completed by the grouper with who, from where, how often and when. */
  what: string;
  subject?: RbacSubjectRef;
  note?: string;
}

export interface Occurrence {
  cite: string;
  /** Records of one request or operation share it; '' makes the record a request of its own. */
  requestId: string;
  time: string | null;
  identity: string;
  sourceIps: readonly string[];
  userAgent: string;
  /** False for a record that only accompanies the request (e.g. its RequestReceived stage): cited, not counted alone. */
  counts: boolean;
  /** The request or operation failed (an Activity Log record with status Failed): none of its records count. */
  refused?: boolean;
}

interface Group {
  hit: Hit;
  severity: Severity;
  occ: Occurrence[];
  details: Set<string>;
}

const uniq = (xs: Iterable<string>, max = MAX_LISTED) => {
  const out: string[] = [];
  for (const x of xs) if (x && !out.includes(x) && out.length < max) out.push(x);
  return out;
};

export class Grouper {
  private readonly groups = new Map<string, Group>();
  private anon = 0;

  /** detail: a value worth listing across the group (an exec command, a verb). */
  add(hit: Hit, occ: Occurrence, detail = ''): void {
    const key = `${hit.rule.id}\u0000${hit.key}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { hit, severity: hit.severity, occ: [], details: new Set() }));
    if (severityRank(hit.severity) > severityRank(g.severity)) g.severity = hit.severity;
    g.occ.push(occ.requestId ? occ : { ...occ, requestId: `\u0000${this.anon++}` });
    if (detail && g.details.size < MAX_LISTED) g.details.add(cut(detail));
  }

  findings(): AzureFinding[] {
    return [...this.groups.values()].flatMap((g) => {
      const refused = new Set(g.occ.filter((o) => o.refused).map((o) => o.requestId));
      const counted = new Set(g.occ.filter((o) => o.counts && !refused.has(o.requestId)).map((o) => o.requestId));
      if (counted.size === 0) return [];
      const occ = g.occ.filter((o) => counted.has(o.requestId));
      return [build(g, occ, counted.size)];
    });
  }
}

function build(g: Group, occ: Occurrence[], count: number): AzureFinding {
  const times = occ.map((o) => o.time).filter((t): t is string => !!t).sort();
  const first = times[0] ?? null;
  const last = times.at(-1) ?? null;
  const identity = uniq(occ.map((o) => o.identity), 1)[0] ?? '';
  const sourceIps = uniq(occ.flatMap((o) => o.sourceIps));
  const userAgent = uniq(occ.map((o) => o.userAgent), 1)[0] ?? '';
  const from = sourceIps.length ? ` from ${sourceIps.join(', ')}` : '';
  const agent = userAgent ? ` with user agent ${JSON.stringify(cut(userAgent))}` : '';
  const when = first ? (first === last ? ` at ${first}` : ` between ${first} and ${last}`) : '';
  const details = g.details.size ? ` (${[...g.details].join('; ')})` : '';
  const h = g.hit;
  return {
    ...findingHead(h.rule, g.severity),
    title: cut(h.rule.title),
    resource: h.resource,
    podName: h.podName ?? '',
    fieldPath: h.fieldPath,
    fieldValue: cut(h.fieldValue),
    explanation: oneLine(`${h.what}${details}${identity ? ` by ${identity}` : ''}${from}${agent}, ${count} time${count === 1 ? '' : 's'}${when}.${h.note ?? ''}`),
    baseline: false,
    eventTime: first,
    ...(h.subject ? { subject: h.subject } : {}),
    identity,
    sourceIps,
    userAgent,
    cites: occ.map((o) => o.cite),
    count,
    lastTime: last,
  };
}
