// Content rules: pure functions over one command of a container's shell history or one line of
// its log. The pod rules see what a pod was allowed to do; these see what was actually done in it
// (the dropper in the history, the exploit's output in the previous log).
// Every input is attacker-controlled text: the patterns are bounded (no nested quantifiers over
// the same characters) and the evidence is cut to one bounded line.
import { MINER_ARG, MINER_IMAGE } from './podRules.js';
import { CONTENT_RULES } from './rules.js';
import { technique } from './techniques.js';
import { oneLine, type Finding, type RuleMeta } from './types.js';

export type ContentSource = 'history' | 'log';

/** Where a command or line came from: the container, its place in the evidence, its own time. */
export interface ContentOrigin {
  namespace: string;
  pod: string;
  container: string;
  /** e.g. `history:/root/.bash_history#3` or `log(previous):line 12`. */
  fieldPath: string;
  /** The command's or line's own time (normalized), null when unknown. */
  eventTime: string | null;
}

/** A rule hit in one text, before it is stamped with its origin. */
export interface ContentHit {
  rule: RuleMeta;
  /** The part of the text that matched (for the explanation). */
  match: string;
}

/** The evidence kept in FieldValue: one line, bounded, so a 1 MB log line stays a short row. */
export const CONTENT_VALUE_MAX = 512;
/** Findings kept per container and collector run, so a noisy log cannot flood suspiciouspods_CL. */
export const CONTENT_FINDINGS_PER_CONTAINER = 20;
/** Texts longer than this are only searched in their first part (patterns stay linear, but lines can be megabytes). */
const SCAN_MAX = 16 * 1024;

interface Pattern {
  rule: RuleMeta;
  re: RegExp;
}

const TEMP_DIR = String.raw`['"]?(?:/tmp|/var/tmp|/dev/shm)/`;
const IPV4 = String.raw`(?:\d{1,3}\.){3}\d{1,3}`;

const HISTORY_PATTERNS: Pattern[] = [
  // curl ... | sh, wget -qO- ... | bash
  { rule: CONTENT_RULES.downloadExecute, re: /\b(?:curl|wget)\b[^|\n]{0,1000}\|\s*(?:sudo\s+)?(?:ba|da|z|k|a)?sh\b/i },
  // curl -o /tmp/x, wget -O /dev/shm/x, curl ... > /tmp/x
  { rule: CONTENT_RULES.downloadExecute, re: new RegExp(String.raw`\b(?:curl|wget)\b[^\n]{0,1000}?(?:\s-[a-zA-Z]*[oO]\s*|\s--output(?:-document)?[=\s]\s*|\s>\s*)${TEMP_DIR}`, 'i') },
  // chmod +x /tmp/x, chmod 755 /dev/shm/x
  { rule: CONTENT_RULES.downloadExecute, re: new RegExp(String.raw`\bchmod\s+(?:-\w+\s+)*(?:[ugoa]*\+[rwxX]*x[rwxX]*|0?[0-7]?[1357][0-7]{2})\s+${TEMP_DIR}`, 'i') },
  { rule: CONTENT_RULES.saToken, re: /\/(?:var\/)?run\/secrets\/kubernetes\.io\/serviceaccount\b/i },
  { rule: CONTENT_RULES.apiServer, re: /\bkubernetes\.default(?:\.svc)?\b|\$\{?KUBERNETES_SERVICE_HOST\b|\bAuthorization:\s*Bearer\b|(?:^|[\s;&|(`/])kubectl(?:\s|$)/i },
  { rule: CONTENT_RULES.cloudCredentials, re: /\/etc\/kubernetes\/azure\.json\b/i },
  { rule: CONTENT_RULES.imds, re: /\b169\.254\.169\.254\b|\bmetadata\.azure\.com\b/i },
  {
    rule: CONTENT_RULES.hostBreakout,
    re: /\bchroot\s+\/(?:host|node|rootfs|proc\/1\/root)\b|(?:^|[\s;&|(`/])(?:crictl|ctr)\s|\bdocker\s+(?:-H|--host)\b|\/(?:var\/)?run\/(?:docker|containerd\/containerd|crio\/crio)\.sock\b/i,
  },
  { rule: CONTENT_RULES.nsenter, re: /\bnsenter\b[^\n]{0,200}?(?:\s-[a-zA-Z]*t\s*1\b|\s--target[=\s]1\b)/i },
  ...MINER_ARG.map((re) => ({ rule: CONTENT_RULES.miner, re })),
];

const LOG_PATTERNS: Pattern[] = [
  { rule: CONTENT_RULES.rootOutput, re: /\buid=0\([^)\s]{0,32}\)\s+gid=\d/ },
  { rule: CONTENT_RULES.logDownload, re: new RegExp(String.raw`\b(?:curl|wget)\b[^\n]{0,1000}?\b(?:https?|ftp)://${IPV4}\b`, 'i') },
  {
    rule: CONTENT_RULES.deserialization,
    re: /\b(?:org\.apache\.commons\.collections4?\.functors\.(?:InvokerTransformer|ChainedTransformer|InstantiateTransformer)|com\.sun\.org\.apache\.xalan\.internal\.xsltc\.trax\.TemplatesImpl|ysoserial)\b|\$\{jndi:/i,
  },
  // Pool URLs and pool domains only: the pool-port pattern of the pod rules matches ordinary host:port text in logs.
  ...MINER_ARG.slice(0, 2).map((re) => ({ rule: CONTENT_RULES.miner, re })),
];

// Most log lines match nothing: one pass of the union decides whether the rules run at all.
const LOG_PREFILTER = new RegExp(LOG_PATTERNS.map((p) => `(?:${p.re.source})`).join('|'), 'i');

/** A miner binary run as a command word (`./xmrig -o ...`, `/tmp/kinsing`). */
function minerCommand(text: string): string | null {
  for (const token of text.split(/[\s;&|'"`()<>]+/)) {
    const base = token.slice(token.lastIndexOf('/') + 1);
    if (base && MINER_IMAGE.test(base)) return token;
  }
  return null;
}

function run(patterns: Pattern[], text: string): ContentHit[] {
  const hits: ContentHit[] = [];
  for (const p of patterns) {
    if (hits.some((h) => h.rule === p.rule)) continue; // one hit per rule and text
    const m = p.re.exec(text);
    if (m) hits.push({ rule: p.rule, match: m[0] });
  }
  return hits;
}

/** The content rules that fire on one history command or one log line. */
export function contentHits(source: ContentSource, text: string): ContentHit[] {
  const t = text.length > SCAN_MAX ? text.slice(0, SCAN_MAX) : text;
  if (source === 'log') return LOG_PREFILTER.test(t) ? run(LOG_PATTERNS, t) : [];
  const hits = run(HISTORY_PATTERNS, t);
  if (!hits.some((h) => h.rule === CONTENT_RULES.miner)) {
    const cmd = minerCommand(t);
    if (cmd) hits.push({ rule: CONTENT_RULES.miner, match: cmd });
  }
  return hits;
}

function bounded(s: string, max: number): string {
  const one = oneLine(s);
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function stamp(source: ContentSource, text: string, origin: ContentOrigin, hit: ContentHit): Finding {
  const tech = technique(hit.rule.techniqueId);
  const what = source === 'history' ? 'A command in the shell history' : 'A log line';
  return {
    ruleId: hit.rule.id,
    title: hit.rule.title,
    severity: hit.rule.severity,
    techniqueId: tech.id,
    techniqueName: tech.name,
    tactics: [...tech.tactics],
    resource: { kind: 'Pod', namespace: origin.namespace, name: origin.pod, container: origin.container },
    podName: origin.pod,
    fieldPath: origin.fieldPath,
    fieldValue: bounded(text, CONTENT_VALUE_MAX),
    explanation: oneLine(`${what} of container ${JSON.stringify(origin.container)} in Pod ${origin.namespace}/${origin.pod} matches "${bounded(hit.match, 120)}" (${hit.rule.title}).`),
    // Not marked baseline even on platform pods: a platform pod that runs these commands is the news.
    baseline: false,
    eventTime: origin.eventTime,
  };
}

/** Findings for one history command or log line. */
export function contentFindings(source: ContentSource, text: string, origin: ContentOrigin): Finding[] {
  return contentHits(source, text).map((h) => stamp(source, text, origin, h));
}

/**
 * Findings of one container, capped: what a collector keeps per container. `check` returns the
 * findings to emit for this text (none once the cap is reached); `dropped` counts the rest.
 */
export class ContainerContentScanner {
  private kept = 0;
  dropped = 0;
  constructor(
    private readonly source: ContentSource,
    private readonly where: Pick<ContentOrigin, 'namespace' | 'pod' | 'container'>,
    private readonly cap = CONTENT_FINDINGS_PER_CONTAINER,
  ) {}

  /** `eventTime` may be a function: it is then called only when a rule hits (the log scan's hot path). */
  check(text: string, fieldPath: string, eventTime: string | null | (() => string | null)): Finding[] {
    const hits = contentHits(this.source, text);
    if (hits.length === 0) return [];
    if (typeof eventTime === 'function') eventTime = eventTime();
    const room = Math.max(0, this.cap - this.kept);
    this.dropped += Math.max(0, hits.length - room);
    const kept = hits.slice(0, room);
    this.kept += kept.length;
    return kept.map((h) => stamp(this.source, text, { ...this.where, fieldPath, eventTime }, h));
  }
}
