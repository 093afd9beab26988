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

/** A rule's test: a regex, or a function returning the matched part (null for no match). */
interface Pattern {
  rule: RuleMeta;
  find: (text: string) => string | null;
}

const TEMP_DIR = String.raw`['"]?(?:/tmp|/var/tmp|/dev/shm)/`;
const IPV4 = String.raw`(?:\d{1,3}\.){3}\d{1,3}`;
/** Where a command word starts: the line start, a separator, a quote or a path. */
const CMD = String.raw`(?:^|[\s;&|(\x60'"/])`;
const NC = String.raw`(?:nc|ncat|netcat|nc\.traditional|nc\.openbsd)`;

const re = (rule: RuleMeta, r: RegExp): Pattern => ({ rule, find: (t) => r.exec(t)?.[0] ?? null });

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

/** Scripting one-liners that open a socket and hand it a shell (python, perl, php, ruby, node). */
function scriptShell(t: string): string | null {
  const one = /\b(python[\d.]*|perl|php|ruby|node)\b[^\n]{0,40}?\s-(?:c|e|r|[a-zA-Z]*e)\b/i.exec(t);
  if (!one) return null;
  const body = t.slice(one.index);
  const lang = one[1]!.toLowerCase();
  const socket = lang === 'php' ? /fsockopen|socket_create|stream_socket/i : lang === 'ruby' ? /TCPSocket|-rsocket/i : lang === 'node' ? /net\.Socket|net\.connect|require\(['"]net['"]\)/i : /socket/i;
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

const SHELL_PATTERNS: Pattern[] = [
  { rule: CONTENT_RULES.reverseShell, find: (t) => { const s = shellPattern(t); return s && !s.bind ? s.match : null; } },
  { rule: CONTENT_RULES.bindShell, find: (t) => { const s = shellPattern(t); return s?.bind ? s.match : null; } },
];

const RAW_IP_URL = new RegExp(String.raw`\b(?:curl|wget|fetch|aria2c|tftp|lwp-download|Invoke-WebRequest|iwr)\b[^\n]{0,300}?\b(?:https?|ftp|tftp)://(${IPV4})\b`, 'i');
const RAW_IP_PATTERNS: Pattern[] = [
  { rule: CONTENT_RULES.rawIpDownload, find: (t) => { const m = RAW_IP_URL.exec(t); return m && isPublicIPv4(m[1]!) ? m[0] : null; } },
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

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * A regex matching any of `words` (lower-cased: use with the i flag), written as a trie so the
 * engine branches once per character instead of trying every word at every position (measured:
 * under a third of the cost of the plain alternation). A word that ends at a node makes the
 * longer ones through it unnecessary: the regex only has to tell whether one occurs.
 */
function prefixTrie(words: readonly string[]): string {
  type Node = Map<string, Node> & { end?: boolean };
  const root: Node = new Map();
  for (const w of words) {
    let n = root;
    for (const c of w.toLowerCase()) n = n.get(c) ?? (n.set(c, new Map() as Node), n.get(c)!);
    n.end = true;
  }
  const emit = (n: Node): string => {
    if (n.end) return '';
    const alts = [...n].map(([c, child]) => escapeRe(c) + emit(child));
    return alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
  };
  return emit(root);
}

/** Words at word starts, and marks anywhere, as one case-insensitive trie regex. */
function wordGate(words: readonly string[], marks: readonly string[] = []): RegExp {
  return new RegExp(`\\b${prefixTrie(words)}${marks.length ? `|${prefixTrie(marks)}` : ''}`, 'i');
}

const SCANNER_WORDS = ['sqlmap', 'nikto', 'nuclei', 'masscan', 'zgrab', 'gobuster', 'wfuzz', 'dirbuster', 'feroxbuster', 'wpscan', 'acunetix', 'netsparker', 'openvas', 'commix', 'jaeles', 'arachni', 'skipfish', 'w3af', 'whatweb', 'zmap', 'xsstrike', 'hydra', 'fuzz faster', 'nmap', 'oast', 'interact', 'burpcollaborator', 'dnslog'];
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

/** Log rules in groups, each behind a cheap test of its own: a line that passes the gate runs only the groups it can match. */
const LOG_GROUPS: { gate: RegExp; patterns: Pattern[] }[] = [
  { gate: /uid=0\(/, patterns: [re(CONTENT_RULES.rootOutput, /\buid=0\([^)\s]{0,32}\)\s+gid=\d/)] },
  { gate: wordGate(['curl', 'wget']), patterns: [re(CONTENT_RULES.logDownload, new RegExp(String.raw`\b(?:curl|wget)\b[^\n]{0,1000}?\b(?:https?|ftp)://${IPV4}\b`, 'i'))] },
  {
    gate: /Transformer|TemplatesImpl|ysoserial|jndi/i,
    patterns: [re(CONTENT_RULES.deserialization, /\b(?:org\.apache\.commons\.collections4?\.functors\.(?:InvokerTransformer|ChainedTransformer|InstantiateTransformer)|com\.sun\.org\.apache\.xalan\.internal\.xsltc\.trax\.TemplatesImpl|ysoserial)\b|\$\{jndi:|%24%7bjndi:/i)],
  },
  // Pool URLs and pool domains only: the pool-port pattern of the pod rules matches ordinary host:port text in logs.
  { gate: wordGate(['stratum', 'supportxmr', 'nanopool', 'minexmr', '2miners', 'f2pool', 'hashvault', 'moneroocean', 'nicehash', 'ethermine', 'c3pool', 'herominers', 'minergate', 'unmineable', 'xmrpool', 'monerohash', 'dwarfpool', 'xmrig']), patterns: MINER_ARG.slice(0, 2).map((r) => re(CONTENT_RULES.miner, r)) },
  {
    gate: wordGate(['nc', 'ncat', 'netcat', 'socat', 'mkfifo', 'mknod', 'socket', 'fsockopen', 'TCPSocket', 'telnet', 'openssl', 'sh -i', 'bash -i'], ['/dev/tcp', '/dev/udp', '/inet/tcp', '|sh', '| sh', '|bash', '| bash', '|/bin/', '| /bin/']),
    patterns: SHELL_PATTERNS,
  },
  { gate: /\d\.\d{1,3}:\d/, patterns: [c2(C2_LOG)] },
  { gate: wordGate(SCANNER_WORDS), patterns: [re(CONTENT_RULES.scanner, SCANNER)] },
  { gate: /\b(?:GET|POST|PUT|HEAD|DELETE|PATCH|OPTIONS) /, patterns: [{ rule: CONTENT_RULES.injection, find: (t) => { const m = REQUEST_TARGET.exec(t); return m && INJECTION.test(m[1]!) ? m[0] : null; } }] },
];
/** Every log rule, for tests and the rule catalogue. */
export const LOG_RULES: readonly RuleMeta[] = [...new Set(LOG_GROUPS.flatMap((g) => g.patterns.map((p) => p.rule)))];

function runLog(text: string): ContentHit[] {
  const hits: ContentHit[] = [];
  for (const g of LOG_GROUPS) if (g.gate.test(text)) hits.push(...run(g.patterns, text).filter((h) => !hits.some((x) => x.rule === h.rule)));
  return hits;
}


/** Words at least one of which every log rule needs (each at a word start). */
const GATE_WORDS = [
  // root id output, download tools, exploit gadgets, jndi lookups
  'uid=0(', 'curl', 'wget', 'InvokerTransformer', 'ChainedTransformer', 'InstantiateTransformer', 'TemplatesImpl', 'ysoserial', 'jndi',
  // miners: stratum URLs and pool domains
  'stratum', 'supportxmr', 'nanopool', 'minexmr', '2miners', 'f2pool', 'hashvault', 'moneroocean', 'nicehash', 'ethermine', 'c3pool', 'herominers',
  'minergate', 'unmineable', 'xmrpool', 'monerohash', 'dwarfpool', 'xmrig',
  // shells: netcat and friends, fifos, interactive shells, socket one-liners
  'nc', 'ncat', 'netcat', 'socat', 'mkfifo', 'mknod', 'sh -i', 'bash -i', 'socket', 'fsockopen', 'TCPSocket', 'telnet', 'openssl',
  // beacons: connection words (the rule checks the address and port)
  'connect', 'connecting', 'connected', 'connection', 'dial', 'dialing', 'beacon', 'callback', 'call home', 'check-in', 'checkin', 'c2', 'sending to', 'upload',
  'exfil', 'tunnel', 'reverse',
  // scanners and out-of-band domains
  'sqlmap', 'nikto', 'nuclei', 'masscan', 'zgrab', 'gobuster', 'wfuzz', 'dirbuster', 'feroxbuster', 'wpscan', 'acunetix', 'netsparker', 'openvas', 'commix',
  'jaeles', 'arachni', 'skipfish', 'w3af', 'whatweb', 'zmap', 'xsstrike', 'hydra', 'Fuzz Faster', 'Nmap', 'oast', 'interact', 'burpcollaborator', 'dnslog',
  // injection payloads in a request target
  'etc/passwd', 'etc%2fpasswd', 'etc/shadow', 'cmd=', 'exec=', 'command=', 'shell=', 'execute=', 'union', 'script',
];
/** Literals that start with punctuation, where a word boundary cannot anchor them (escaped), and command separators followed by a command. */
const GATE_MARKS = ['%20union', '+union', '/**/union', '/dev/tcp', '/dev/udp', '/inet/tcp', '../', '..%2f', '..\\', '%2e%2e', '<script', '%3cscript', '{{', '%7b%7b', '${jndi', '%24%7bjndi', '%3b', '%7c', '%60', '%24%28'];
const SEPARATED_COMMAND = String.raw`(?:;|\||\x60|\$\(|&&)\s*(?:/bin/|/usr/bin/)?(?:id|whoami|uname|cat|wget|curl|nc|bash|sh)\b`;

/**
 * Most log lines match nothing: two case-insensitive passes over literals, at least one of which
 * every log rule needs, decide whether any rule's own regex runs; the rules then run in groups
 * behind a cheap test of their own. Words are anchored at word starts and written as a trie.
 */
const LOG_GATE = new RegExp(`\\b${prefixTrie(GATE_WORDS)}|${prefixTrie(GATE_MARKS)}|${SEPARATED_COMMAND}`, 'i');
const logGate = (t: string): boolean => LOG_GATE.test(t);

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
    const m = p.find(text);
    if (m !== null) hits.push({ rule: p.rule, match: m });
  }
  return hits;
}

/** The content rules that fire on one history command or one log line. */
export function contentHits(source: ContentSource, text: string): ContentHit[] {
  const t = text.length > SCAN_MAX ? text.slice(0, SCAN_MAX) : text;
  if (source === 'log') return logGate(t) ? runLog(t) : [];
  const hits = run(HISTORY_PATTERNS, t);
  if (!hits.some((h) => h.rule === CONTENT_RULES.miner)) {
    const cmd = minerCommand(t);
    if (cmd) hits.push({ rule: CONTENT_RULES.miner, match: cmd });
  }
  return hits;
}

/** The content rules over a workload container's command and args joined (miners are the pod rules' own). */
export function commandHits(text: string): ContentHit[] {
  return run(WORKLOAD_PATTERNS, text.length > SCAN_MAX ? text.slice(0, SCAN_MAX) : text);
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
