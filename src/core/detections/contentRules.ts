// Content rules: pure functions over one command of a container's shell history or one line of
// its log. The pod rules see what a pod was allowed to do; these see what was actually done in it
// (the dropper in the history, the exploit's output in the previous log).
// Every input is attacker-controlled text: the patterns are bounded (no nested quantifiers over
// the same characters) and the evidence is cut to one bounded line.
import { MINER_ARG, MINER_IMAGE } from './miners.js';
import { maskSecrets } from './secrets.js';
import { CONTENT_RULES } from './rules.js';
import { findingHead } from './techniques.js';
import { oneLine, type Finding, type RuleMeta } from './types.js';
import { LiteralIndex } from './literalIndex.js';
import { ByteGate } from './byteGate.js';
import { requiredLiterals, requiredOfAny, type Literals } from './requiredLiterals.js';

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

/**
 * A rule's test: a regex, or a function returning the matched part (null for no match), and the
 * literals derived from its own regexes, one of which every text it matches holds (lower-cased).
 */
interface Pattern {
  rule: RuleMeta;
  find: (text: string) => string | null;
  literals: Literals;
}

const TEMP_DIR = String.raw`['"]?(?:/tmp|/var/tmp|/dev/shm)/`;
const IPV4 = String.raw`(?:\d{1,3}\.){3}\d{1,3}`;
/** Where a command word starts: the line start, a separator, a quote or a path. */
const CMD = String.raw`(?:^|[\s;&|(\x60'"/])`;
const NC = String.raw`(?:nc|ncat|netcat|nc\.traditional|nc\.openbsd)`;

const re = (rule: RuleMeta, r: RegExp): Pattern => ({ rule, find: (t) => r.exec(t)?.[0] ?? null, literals: requiredLiterals(r) });

/** Loopback, private, link-local, CGNAT and documentation-free reserved ranges: the cluster's own traffic. */
export function isPublicIPv4(ip: string): boolean {
  const o = ip.split('.').map(Number);
  if (o.length !== 4 || o.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return false;
  const [a, b] = o as [number, number, number, number];
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 100 && b >= 64 && b <= 127) return false;
  return true;
}

/** Ports of common services (web, DNS, NTP, mail, directory, databases, messaging, SSH): a raw IP on these is routine. */
const SERVICE_PORTS = new Set([
  20, 21, 22, 25, 53, 80, 110, 123, 143, 389, 443, 465, 587, 636, 993, 995, 1433, 1521, 2181, 3306, 3389, 5432, 5671, 5672, 6379, 6380,
  8000, 8080, 8081, 8443, 8883, 9042, 9092, 9093, 9200, 9300, 10250, 11211, 27017, 6443,
]);

// curl ... | sh, wget -qO- ... | bash
const PIPE_TO_SHELL = /\b(?:curl|wget)\b[^|\n]{0,1000}\|\s*(?:sudo\s+)?(?:ba|da|z|k|a)?sh\b/i;
const DOWNLOAD_PATTERNS: Pattern[] = [
  re(CONTENT_RULES.downloadExecute, PIPE_TO_SHELL),
  // curl -o /tmp/x, wget -O /dev/shm/x, curl ... > /tmp/x
  re(CONTENT_RULES.downloadExecute, new RegExp(String.raw`\b(?:curl|wget)\b[^\n]{0,1000}?(?:\s-[a-zA-Z]*[oO]\s*|\s--output(?:-document)?[=\s]\s*|\s>\s*)${TEMP_DIR}`, 'i')),
  // chmod +x /tmp/x, chmod 755 /dev/shm/x
  re(CONTENT_RULES.downloadExecute, new RegExp(String.raw`\bchmod\s+(?:-\w+\s+)*(?:[ugoa]*\+[rwxX]*x[rwxX]*|0?[0-7]?[1357][0-7]{2})\s+${TEMP_DIR}`, 'i')),
];

const DEV_TCP = /\/dev\/(?:tcp|udp)\/[\w.-]{1,253}\/\d{1,5}\b|\/inet\/tcp\/\d+\/[\w.-]{1,253}\/\d{1,5}\b/i;
const NC_EXEC = new RegExp(String.raw`${CMD}(?:busybox\s+)?${NC}\s(?:[^\n;|&]{0,200}?\s)?(?:-[a-zA-Z]*[ec]\b|--(?:sh-)?exec\b)[^\n;|&]{0,200}`, 'i');
const FIFO_NC = new RegExp(String.raw`\bmk(?:fifo|nod)\b[^\n]{0,300}?${CMD}(?:${NC}|telnet|openssl|socat)\b`, 'i');
const SHELL_PIPE_NC = new RegExp(String.raw`\b(?:ba|z|k|da)?sh\s+-i\b[^\n]{0,200}?\|\s*(?:${NC}|telnet|openssl)\b|\b(?:${NC}|telnet|openssl\s+s_client)\b[^\n|]{0,200}\|\s*(?:/bin/|/usr/bin/)?(?:ba|z|k|da)?sh\b`, 'i');
const SOCAT_EXEC = /\bsocat\b[^\n]{0,300}?\b(?:exec|system):/i;
const LISTEN = /\s-[a-zA-Z]*l|\btcp[46]?-listen:|\.listen\(/i;

const SOCKET = { php: /fsockopen|socket_create|stream_socket/i, ruby: /TCPSocket|-rsocket/i, node: /net\.Socket|net\.connect|require\(['"]net['"]\)/i, other: /socket/i };

/** Scripting one-liners that open a socket and hand it a shell (python, perl, php, ruby, node). */
function scriptShell(t: string): string | null {
  const one = /\b(python[\d.]*|perl|php|ruby|node)\b[^\n]{0,40}?\s-(?:c|e|r|[a-zA-Z]*e)\b/i.exec(t);
  if (!one) return null;
  const body = t.slice(one.index);
  const lang = one[1]!.toLowerCase();
  const socket = lang === 'php' ? SOCKET.php : lang === 'ruby' ? SOCKET.ruby : lang === 'node' ? SOCKET.node : SOCKET.other;
  const shell = /\bpty\.spawn|\bdup2\b|subprocess|\bexec\b|\bsystem\b|shell_exec|passthru|proc_open|popen|child_process|\/bin\/(?:ba)?sh/i;
  return socket.test(body) && shell.test(body) ? body.slice(0, 200) : null;
}

/** The shell patterns, split into reverse and bind by whether the command listens. */
function shellPattern(t: string): { bind: boolean; match: string } | null {
  for (const r of [DEV_TCP, NC_EXEC, FIFO_NC, SHELL_PIPE_NC, SOCAT_EXEC]) {
    const m = r.exec(t);
    if (m) return { bind: r !== DEV_TCP && LISTEN.test(r === SOCAT_EXEC ? t.slice(m.index) : m[0]), match: m[0] };
  }
  const s = scriptShell(t);
  return s ? { bind: /\.bind\(/.test(s) && /\.listen\(/.test(s), match: s } : null;
}

/** A shell pattern hit holds one of its regexes' literals, or (a script one-liner) one of a socket regex's, matched in a slice of the text. */
const SHELL_LITERALS = requiredOfAny([DEV_TCP, NC_EXEC, FIFO_NC, SHELL_PIPE_NC, SOCAT_EXEC]) && requiredOfAny(Object.values(SOCKET), { slice: true }) && [
  ...requiredOfAny([DEV_TCP, NC_EXEC, FIFO_NC, SHELL_PIPE_NC, SOCAT_EXEC])!,
  ...requiredOfAny(Object.values(SOCKET), { slice: true })!,
];
const SHELL_PATTERNS: Pattern[] = [
  { rule: CONTENT_RULES.reverseShell, find: (t) => { const s = shellPattern(t); return s && !s.bind ? s.match : null; }, literals: SHELL_LITERALS },
  { rule: CONTENT_RULES.bindShell, find: (t) => { const s = shellPattern(t); return s?.bind ? s.match : null; }, literals: SHELL_LITERALS },
];

const RAW_IP_URL = new RegExp(String.raw`\b(?:curl|wget|fetch|aria2c|tftp|lwp-download|Invoke-WebRequest|iwr)\b[^\n]{0,300}?\b(?:https?|ftp|tftp)://(${IPV4})\b`, 'i');
const RAW_IP_PATTERNS: Pattern[] = [
  { rule: CONTENT_RULES.rawIpDownload, find: (t) => { const m = RAW_IP_URL.exec(t); return m && isPublicIPv4(m[1]!) ? m[0] : null; }, literals: requiredLiterals(RAW_IP_URL) },
];

const CONNECT_WORDS = String.raw`(?:connect(?:ing|ed|ion)?|dial(?:ing|ed)?|beacon(?:ing)?|callback|call(?:ing)?\s+home|check(?:ing)?[- ]in|c2|c&c|sending\s+to|upload(?:ing)?\s+to|exfil\w*|tunnel(?:ing)?|reverse)`;
const C2_LOG = new RegExp(String.raw`\b${CONNECT_WORDS}\b[^\n]{0,80}?\b(${IPV4}):(\d{1,5})\b`, 'i');
const C2_CMD = new RegExp(String.raw`${CMD}(?:${NC}|telnet|socat)\b[^\n;|&]{0,100}?\b(${IPV4})(?:\s+|:)(\d{1,5})\b`, 'i');
const c2 = (r: RegExp): Pattern => ({
  rule: CONTENT_RULES.c2Beacon,
  find: (t) => {
    const m = r.exec(t);
    return m && isPublicIPv4(m[1]!) && !SERVICE_PORTS.has(Number(m[2])) ? m[0] : null;
  },
  literals: requiredLiterals(r),
});

const LOG_AGENTS = String.raw`fluentd|fluent-bit|td-agent|ama-logs|omsagent|mdsd|falco|auditd|rsyslogd?|syslog-ng|filebeat|datadog-agent|splunkd|promtail|otelcol\S*|systemd-journald|journald`;
const HISTORY_FILE = String.raw`\.(?:bash|zsh|sh|ash|mysql|psql|python|node_repl|rediscli|lesshst)_?history\b`;
const COVERING_TRACKS = new RegExp(
  [
    String.raw`\bhistory\s+-[a-zA-Z]*c\b`,
    String.raw`\bunset\s+(?:-v\s+)?HIST(?:FILE|SIZE|FILESIZE)\b`,
    String.raw`\bHISTFILE=(?:/dev/null|["']{2}|\s|$)`,
    String.raw`\bHIST(?:FILE)?SIZE=0\b`,
    String.raw`\bset\s+\+o\s+history\b`,
    String.raw`\b(?:rm|shred|truncate|unlink|wipe)\b[^\n;|&]{0,200}?(?:${HISTORY_FILE}|\s['"]?/var/log(?:/|\b)|/var/lib/docker/containers\b)`,
    String.raw`(?:^|[;&|]|\becho|\bcat\s+/dev/null|:)\s*>\s*(?:~/|\$HOME/|/root/|/home/[\w.-]+/)?(?:${HISTORY_FILE}|/var/log/)`,
    String.raw`\bln\s+-[a-zA-Z]*s[a-zA-Z]*\s+/dev/null\s+\S*_history\b`,
    String.raw`\bjournalctl\b[^\n]{0,100}--vacuum`,
    String.raw`\b(?:kill|pkill|killall)\b[^\n;|&]{0,100}?\b(?:${LOG_AGENTS})\b`,
    String.raw`\bsystemctl\s+(?:stop|disable|kill|mask)\s+(?:auditd|rsyslog|falco|syslog|systemd-journald)\b`,
    String.raw`\bkubectl\b[^\n]{0,100}\bdelete\s+(?:ev|events?)\b`,
  ].join('|'),
  'i',
);

const HISTORY_PATTERNS: Pattern[] = [
  ...DOWNLOAD_PATTERNS,
  ...SHELL_PATTERNS,
  ...RAW_IP_PATTERNS,
  c2(C2_CMD),
  re(CONTENT_RULES.coveringTracks, COVERING_TRACKS),
  re(CONTENT_RULES.saToken, /\/(?:var\/)?run\/secrets\/kubernetes\.io\/serviceaccount\b/i),
  re(CONTENT_RULES.apiServer, /\bkubernetes\.default(?:\.svc)?\b|\$\{?KUBERNETES_SERVICE_HOST\b|\bAuthorization:\s*Bearer\b|(?:^|[\s;&|(`/])kubectl(?:\s|$)/i),
  re(CONTENT_RULES.cloudCredentials, /\/etc\/kubernetes\/azure\.json\b/i),
  re(CONTENT_RULES.imds, /\b169\.254\.169\.254\b|\bmetadata\.azure\.com\b/i),
  re(CONTENT_RULES.hostBreakout, /\bchroot\s+\/(?:host|node|rootfs|proc\/1\/root)\b|(?:^|[\s;&|(`/])(?:crictl|ctr)\s|\bdocker\s+(?:-H|--host)\b|\/(?:var\/)?run\/(?:docker|containerd\/containerd|crio\/crio)\.sock\b/i),
  re(CONTENT_RULES.nsenter, /\bnsenter\b[^\n]{0,200}?(?:\s-[a-zA-Z]*t\s*1\b|\s--target[=\s]1\b)/i),
  ...MINER_ARG.map((r) => re(CONTENT_RULES.miner, r)),
];

/** The rules that also run over a workload's command and args (a spec that curls into sh is a dropper too). */
const WORKLOAD_RULES = new Set<RuleMeta>([
  CONTENT_RULES.downloadExecute, CONTENT_RULES.reverseShell, CONTENT_RULES.bindShell, CONTENT_RULES.rawIpDownload, CONTENT_RULES.c2Beacon,
  CONTENT_RULES.coveringTracks, CONTENT_RULES.hostBreakout, CONTENT_RULES.nsenter,
]);
const WORKLOAD_PATTERNS = HISTORY_PATTERNS.filter((p) => WORKLOAD_RULES.has(p.rule));

const SCANNER = /\b(?:sqlmap|nikto|nuclei|masscan|zgrab\d?|gobuster|wfuzz|dirbuster|feroxbuster|wpscan|acunetix|netsparker|openvas|commix|jaeles|arachni|skipfish|w3af|whatweb|zmap|xsstrike|hydra)\b|Fuzz Faster U Fool|Nmap Scripting Engine|\b[\w-]+\.(?:oast\.(?:fun|me|pro|live|site|online)|interact\.sh|burpcollaborator\.net|dnslog\.cn)\b/i;
const REQUEST_TARGET = /\b(?:GET|POST|PUT|HEAD|DELETE|PATCH|OPTIONS)\s+(\S{1,4096})/;
const SEP = String.raw`(?:\s|%20|\+)`;
const INJECTION = new RegExp(
  [
    String.raw`(?:\.\.|%2e%2e|%252e%252e)(?:/|%2f|%252f|\\|%5c)(?:\.\.|%2e%2e|%252e%252e)`,
    String.raw`(?:/|%2f)etc(?:/|%2f)(?:passwd|shadow)\b`,
    String.raw`(?:;|%3b|\||%7c|&&|%26%26|\x60|%60|\$\(|%24%28)${SEP}*(?:id|whoami|uname|cat${SEP}+(?:/|%2f)etc|wget|curl|nc|bash|sh)\b`,
    String.raw`[?&](?:cmd|exec|command|shell|execute)=${SEP}*(?:id|whoami|uname|ls|pwd|cat|wget|curl|bash|sh|nc|ncat|python\d?|perl|echo|powershell|cmd(?:\.exe)?)\b`,
    String.raw`union${SEP}+(?:all${SEP}+)?select\b`,
    String.raw`'${SEP}*or${SEP}*'?1'?${SEP}*=${SEP}*'?1`,
    String.raw`<script|%3cscript`,
    String.raw`\{\{${SEP}*\d+${SEP}*\*${SEP}*\d+${SEP}*\}\}|%7b%7b\d+\*\d+%7d%7d`,
  ].join('|'),
  'i',
);
/** The injection rule needs both a request target and a payload in it: the payload's literals are the rarer. */
const INJECTION_LITERALS = requiredLiterals(INJECTION, { slice: true });

/**
 * The log rules, in the order their hits are reported. Most log lines match nothing: one pass of
 * the literals the rules' own regexes require (LOG_INDEX) rules a line out, and a line that holds
 * one runs only the rules whose literals it holds.
 */
const LOG_PATTERNS: Pattern[] = [
  re(CONTENT_RULES.rootOutput, /\buid=0\([^)\s]{0,32}\)\s+gid=\d/),
  re(CONTENT_RULES.logDownload, new RegExp(String.raw`\b(?:curl|wget)\b[^\n]{0,1000}?\b(?:https?|ftp)://${IPV4}\b`, 'i')),
  re(CONTENT_RULES.deserialization, /\b(?:org\.apache\.commons\.collections4?\.functors\.(?:InvokerTransformer|ChainedTransformer|InstantiateTransformer)|com\.sun\.org\.apache\.xalan\.internal\.xsltc\.trax\.TemplatesImpl|ysoserial)\b|\$\{jndi:|%24%7bjndi:/i),
  // Pool URLs and pool domains only: the pool-port pattern of the pod rules matches ordinary host:port text in logs.
  ...MINER_ARG.slice(0, 2).map((r) => re(CONTENT_RULES.miner, r)),
  ...SHELL_PATTERNS,
  c2(C2_LOG),
  re(CONTENT_RULES.scanner, SCANNER),
  { rule: CONTENT_RULES.injection, find: (t) => { const m = REQUEST_TARGET.exec(t); return m && INJECTION.test(m[1]!) ? m[0] : null; }, literals: INJECTION_LITERALS },
];
/** Every log rule, for tests and the rule catalogue. */
export const LOG_RULES: readonly RuleMeta[] = [...new Set(LOG_PATTERNS.map((p) => p.rule))];

const LOG_INDEX = new LiteralIndex(LOG_PATTERNS);
const HISTORY_INDEX = new LiteralIndex(HISTORY_PATTERNS);
const WORKLOAD_INDEX = new LiteralIndex(WORKLOAD_PATTERNS);

/** The content rules without the prefilter, every pattern run: what contentHits and commandHits must agree with (tests). */
export function ungatedHits(source: ContentSource | 'workload', text: string): ContentHit[] {
  const t = text.length > SCAN_MAX ? text.slice(0, SCAN_MAX) : text;
  if (source === 'workload') return run(WORKLOAD_PATTERNS, t);
  if (source === 'log') return run(LOG_PATTERNS, t);
  return withMinerCommand(run(HISTORY_PATTERNS, t), t);
}

/** Every literal the log prefilter looks for (tests and the gate bench). */
export const LOG_LITERALS: readonly string[] = [...new Set(LOG_PATTERNS.flatMap((p) => p.literals ?? []))];

let logGate: ByteGate | null | undefined;

/**
 * Whether a log line's text, given as its UTF-8 bytes buf[start, end), can hit a log rule: false
 * exactly when contentHits('log', text) would find its prefilter empty-handed, so the caller need
 * not decode the line at all (byteGate.ts). True whenever the bytes alone cannot tell: a text
 * past SCAN_MAX bytes (the rules read only its first SCAN_MAX characters), a rule without literals.
 */
export function logLineMayHit(buf: Uint8Array, start: number, end: number): boolean {
  if (logGate === undefined) logGate = LOG_INDEX.union ? ByteGate.of(LOG_LITERALS) : null;
  return logGate === null || end - start > SCAN_MAX || logGate.test(buf, start, end);
}

/** A miner binary run as a command word (`./xmrig -o ...`, `/tmp/kinsing`). */
function minerCommand(text: string): string | null {
  for (const token of text.split(/[\s;&|'"`()<>]+/)) {
    const base = token.slice(token.lastIndexOf('/') + 1);
    if (base && MINER_IMAGE.test(base)) return token;
  }
  return null;
}

function run(patterns: readonly Pattern[], text: string): ContentHit[] {
  const hits: ContentHit[] = [];
  for (const p of patterns) {
    if (hits.some((h) => h.rule === p.rule)) continue; // one hit per rule and text
    const m = p.find(text);
    if (m !== null) hits.push({ rule: p.rule, match: m });
  }
  return hits;
}

/** The content rules that fire on one history command or one log line. */
export function contentHits(source: ContentSource, text: string): ContentHit[] {
  const t = text.length > SCAN_MAX ? text.slice(0, SCAN_MAX) : text;
  if (source === 'log') return run(LOG_INDEX.candidates(t), t);
  return withMinerCommand(run(HISTORY_INDEX.candidates(t), t), t);
}

function withMinerCommand(hits: ContentHit[], t: string): ContentHit[] {
  if (!hits.some((h) => h.rule === CONTENT_RULES.miner)) {
    const cmd = minerCommand(t);
    if (cmd) hits.push({ rule: CONTENT_RULES.miner, match: cmd });
  }
  return hits;
}

/** The content rules over a workload container's command and args joined (miners are the pod rules' own). */
export function commandHits(text: string): ContentHit[] {
  const t = text.length > SCAN_MAX ? text.slice(0, SCAN_MAX) : text;
  return run(WORKLOAD_INDEX.candidates(t), t);
}

function bounded(s: string, max: number): string {
  const one = oneLine(s);
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function stamp(source: ContentSource, text: string, origin: ContentOrigin, hit: ContentHit): Finding {
  const what = source === 'history' ? 'A command in the shell history' : 'A log line';
  return {
    ...findingHead(hit.rule, hit.rule.severity),
    resource: { kind: 'Pod', namespace: origin.namespace, name: origin.pod, container: origin.container },
    podName: origin.pod,
    fieldPath: origin.fieldPath,
    // Evidence lines can carry tokens and passwords (curl -H "Authorization: Bearer ..."): masked.
    fieldValue: bounded(maskSecrets(text.slice(0, CONTENT_VALUE_MAX * 2)), CONTENT_VALUE_MAX),
    explanation: oneLine(`${what} of container ${JSON.stringify(origin.container)} in Pod ${origin.namespace}/${origin.pod} matches "${bounded(maskSecrets(hit.match), 120)}" (${hit.rule.title}).`),
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

  /**
   * `fieldPath` and `eventTime` may be functions: they are then called only when a rule hits (the
   * log scan's hot path builds no citation and parses no time for the lines that match nothing).
   */
  check(text: string, fieldPath: string | (() => string), eventTime: string | null | (() => string | null)): Finding[] {
    const hits = contentHits(this.source, text);
    if (hits.length === 0) return [];
    if (typeof eventTime === 'function') eventTime = eventTime();
    const room = Math.max(0, this.cap - this.kept);
    this.dropped += Math.max(0, hits.length - room);
    const kept = hits.slice(0, room);
    this.kept += kept.length;
    const path = typeof fieldPath === 'function' ? fieldPath() : fieldPath;
    return kept.map((h) => stamp(this.source, text, { ...this.where, fieldPath: path, eventTime }, h));
  }

  /** One info finding saying how many findings the cap left out, so the tree shows that there were more (null when none were). */
  capFinding(): Finding | null {
    if (this.dropped === 0) return null;
    const meta = CONTENT_RULES.capped;
    const where = `container ${JSON.stringify(this.where.container)} in Pod ${this.where.namespace}/${this.where.pod}`;
    return {
      ...findingHead(meta, 'info'),
      resource: { kind: 'Pod', namespace: this.where.namespace, name: this.where.pod, container: this.where.container },
      podName: this.where.pod,
      fieldPath: `${this.source === 'log' ? 'log' : 'history:'}(cap)`,
      fieldValue: `${this.dropped} more above the cap of ${this.cap}`,
      explanation: oneLine(`The ${this.source === 'log' ? 'log' : 'shell history'} of ${where} matched the content rules ${this.dropped} more time(s) than the ${this.cap} findings kept per container: read the ${this.source === 'log' ? 'log' : 'history'} itself for the rest.`),
      baseline: false,
      eventTime: null,
    };
  }
}

/** Where a log finding's line is: the stream, its line number and the log table's record (its id names the table). */
export function logCitation(previous: boolean, line: number, recordId: string): string {
  return `log${previous ? '(previous)' : ''}:line ${line}, record ${recordId}`;
}
