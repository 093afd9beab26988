// Scenario files: Kubernetes objects as `kubectl get -o yaml` writes them (a List or several YAML
// documents) plus one KubeForenSysEmulatorData document holding what the API objects cannot:
// container logs, container files, binaries, the token and faults. README.md documents the format.
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../src/core/model.js';
import { checkFault, type FaultSpec } from './faults.js';
import { parseRfc3339, type BooleanParsing } from './params.js';

export const EMULATOR_DATA_API_VERSION = 'kubeforensys.dev/emulator-v1';
export const EMULATOR_DATA_KIND = 'KubeForenSysEmulatorData';

/** One log line. `time` is RFC 3339 with up to nine fractional digits. */
export interface LogLine {
  time: string;
  /** UTF-8 text of the line, without the newline. */
  text?: string;
  /** Raw bytes of the line (non-UTF-8 content); wins over `text`. */
  bytes?: Buffer;
  /** Repeat the text/bytes this many times on the one line (huge lines without huge scenario files). */
  repeat?: number;
}

/** Lines held in memory, or produced on demand (the large benchmark cluster never holds its logs). */
export type LogSource = readonly LogLine[] | (() => Iterable<LogLine>);

export interface ContainerFile {
  content: Buffer;
  /** Repeat the content this many times (default 1). */
  repeat?: number;
  /** Modification time, RFC 3339. Default: the emulator's start. */
  mtime?: string;
}

export interface ContainerData {
  logs?: LogSource;
  /** Present only when the container has a previous (terminated) instance. */
  previousLogs?: LogSource;
  files?: Record<string, ContainerFile>;
  /** Extra (empty) directories; parents of files always exist. */
  dirs?: string[];
  /** Executables on $PATH; default a busybox-like set (see DEFAULT_BINARIES). */
  binaries?: string[];
  /** No binaries and no base directories at all (gcr.io/distroless/static). */
  distroless?: boolean;
}

export interface ScenarioAuth {
  token: string;
  username: string;
  groups: string[];
}

export interface Scenario {
  /** Cluster name: names the kubeconfig's cluster, context and user. */
  cluster: string;
  auth: ScenarioAuth;
  objects: KubeObject[];
  /** Keyed by containerKey(namespace, pod, container). */
  containers: Map<string, ContainerData>;
  faults: FaultSpec[];
  /** Exec subprotocols the server accepts, in preference order (default v5 then v4). */
  execProtocols?: string[];
  /** Serve every core/v1 Event also as events.k8s.io/v1 and back, like a real API server (default true). */
  mirrorEvents?: boolean;
  /** gitVersion answered by /version (default v1.30.6). */
  serverVersion?: string;
  /** The reference time relative times were resolved against, and where the emulator's clock starts. */
  now?: Date;
  /** How boolean query parameters are read (default `apiserver`; see params.ts). */
  booleanParams?: BooleanParsing;
}

export const DEFAULT_BINARIES: readonly string[] = [
  'sh', 'ash', 'cat', 'ls', 'stat', 'head', 'tail', 'wc', 'test', 'id', 'echo', 'true', 'false', 'env', 'ps',
];

export const DEFAULT_AUTH: ScenarioAuth = {
  token: 'kubeforensys-emulator-token',
  username: 'system:serviceaccount:kube-system:kubeforensys',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
};

export function containerKey(namespace: string, pod: string, container: string): string {
  return `${namespace}/${pod}/${container}`;
}

// ---- relative times ------------------------------------------------------------------------

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const REL_TIME = /\$\{(?:(epoch|micro):)?now(?:([+-])((?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+))?\}/g;

function offsetMs(spec: string): number {
  let total = 0;
  for (const m of spec.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

/** ISO-8601 UTC; whole seconds are written without a fraction, like Kubernetes metadata times. */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.replace(/\.000Z$/, 'Z') : iso;
}

/**
 * Replaces `${now}`, `${now-40m}`, `${now+1h30m}`, `${now-2.5s}` with RFC 3339 times and
 * `${epoch:now-40m}` with Unix seconds (for bash `#<epoch>` history lines) and `${micro:now-40m}`
 * with six fractional digits (metav1.MicroTime, as in events.k8s.io eventTime).
 */
export function resolveRelativeTimes(text: string, now: Date): string {
  return text.replace(REL_TIME, (_m, fmt: string | undefined, sign: string | undefined, spec: string | undefined) => {
    const ms = now.getTime() + (sign ? (sign === '-' ? -1 : 1) * offsetMs(spec!) : 0);
    if (fmt === 'epoch') return String(Math.floor(ms / 1000));
    // metav1.MicroTime (events.k8s.io eventTime) always carries six fractional digits.
    if (fmt === 'micro') return new Date(ms).toISOString().replace(/Z$/, '000Z');
    return formatTime(ms);
  });
}

function resolveDeep(value: unknown, now: Date): unknown {
  if (typeof value === 'string') return value.includes('${') ? resolveRelativeTimes(value, now) : value;
  if (Array.isArray(value)) return value.map((v) => resolveDeep(v, now));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveDeep(v, now);
    return out;
  }
  return value;
}

// ---- the emulator data document -----------------------------------------------------------

function fail(source: string, msg: string): never {
  throw new Error(`scenario ${source}: ${msg}`);
}

/**
 * Raw bytes from `base64: "..."` or `latin1: "caf\xe9"` (a YAML double-quoted string whose \xNN
 * escapes become single bytes; every character must be below U+0100).
 */
function rawBytes(e: { base64?: unknown; latin1?: unknown }, where: string, source: string): Buffer | undefined {
  if (typeof e.base64 === 'string') return Buffer.from(e.base64, 'base64');
  if (typeof e.latin1 === 'string') {
    if ([...e.latin1].some((ch) => ch.charCodeAt(0) > 0xff)) fail(source, `${where}.latin1 may only hold characters \\x00-\\xff`);
    return Buffer.from(e.latin1, 'latin1');
  }
  return undefined;
}

function parseLogLines(raw: unknown, where: string, source: string): LogLine[] {
  if (!Array.isArray(raw)) fail(source, `${where} must be a list of log lines`);
  return raw.map((entry, i) => {
    if (typeof entry === 'string') {
      const sp = entry.indexOf(' ');
      if (sp < 0) fail(source, `${where}[${i}] must be "TIME TEXT"`);
      return { time: entry.slice(0, sp), text: entry.slice(sp + 1) };
    }
    if (!entry || typeof entry !== 'object') fail(source, `${where}[${i}] must be a string or a mapping`);
    const e = entry as { time?: unknown; text?: unknown; base64?: unknown; latin1?: unknown; repeat?: unknown };
    if (typeof e.time !== 'string') fail(source, `${where}[${i}].time is required`);
    const line: LogLine = { time: e.time };
    const bytes = rawBytes(e, `${where}[${i}]`, source);
    if (bytes) line.bytes = bytes;
    else if (typeof e.text === 'string') line.text = e.text;
    else fail(source, `${where}[${i}] needs text, base64 or latin1`);
    if (e.repeat !== undefined) line.repeat = Number(e.repeat);
    return line;
  });
}

/** Files as a list of `{path, content|base64|latin1, mtime?, repeat?}` or a mapping path → that (or → text). */
function parseFiles(raw: unknown, where: string, source: string): Record<string, ContainerFile> {
  const out: Record<string, ContainerFile> = {};
  if (raw === undefined || raw === null) return out;
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((e, i) => [`${where}[${i}]`, e])
    : typeof raw === 'object'
      ? Object.entries(raw).map(([path, v]) => [`${where}["${path}"]`, typeof v === 'string' ? { path, content: v } : { ...(v as object), path }])
      : fail(source, `${where} must be a list of {path, content|base64|latin1, mtime} or a mapping path → file`);
  for (const [w, entry] of entries) {
    const e = entry as { path?: unknown; content?: unknown; base64?: unknown; latin1?: unknown; mtime?: unknown; repeat?: unknown };
    if (typeof e.path !== 'string' || !e.path.startsWith('/')) fail(source, `${w}.path must be absolute`);
    let content = rawBytes(e, w, source);
    if (!content && typeof e.content === 'string') content = Buffer.from(e.content, 'utf8');
    if (!content) fail(source, `${w} needs content, base64 or latin1`);
    const file: ContainerFile = { content };
    if (typeof e.mtime === 'string') file.mtime = e.mtime;
    if (e.repeat !== undefined) file.repeat = Number(e.repeat);
    out[e.path] = file;
  }
  return out;
}

interface DataDoc {
  cluster?: unknown;
  auth?: { token?: unknown; username?: unknown; groups?: unknown };
  containers?: unknown;
  faults?: unknown;
  execProtocols?: unknown;
  mirrorEvents?: unknown;
  serverVersion?: unknown;
  now?: unknown;
  booleanParams?: unknown;
}

function applyData(s: Scenario, doc: DataDoc, source: string): void {
  if (typeof doc.cluster === 'string') s.cluster = doc.cluster;
  if (doc.auth) {
    if (typeof doc.auth.token === 'string') s.auth.token = doc.auth.token;
    if (typeof doc.auth.username === 'string') s.auth.username = doc.auth.username;
    if (Array.isArray(doc.auth.groups)) s.auth.groups = doc.auth.groups.map(String);
  }
  if (Array.isArray(doc.execProtocols)) s.execProtocols = doc.execProtocols.map(String);
  if (typeof doc.mirrorEvents === 'boolean') s.mirrorEvents = doc.mirrorEvents;
  if (typeof doc.serverVersion === 'string') s.serverVersion = doc.serverVersion;
  if (doc.booleanParams !== undefined) {
    if (doc.booleanParams !== 'apiserver' && doc.booleanParams !== 'strconv') fail(source, 'booleanParams must be apiserver or strconv');
    s.booleanParams = doc.booleanParams;
  }
  if (doc.faults !== undefined) {
    if (!Array.isArray(doc.faults)) fail(source, 'faults must be a list');
    doc.faults.forEach((f, i) => {
      try {
        s.faults.push(checkFault(f));
      } catch (e) {
        fail(source, `faults[${i}]: ${(e as Error).message}`);
      }
    });
  }
  if (doc.containers !== undefined) {
    if (!Array.isArray(doc.containers)) fail(source, 'containers must be a list');
    doc.containers.forEach((raw, i) => {
      const c = raw as Record<string, unknown>;
      const where = `containers[${i}]`;
      if (typeof c.namespace !== 'string' || typeof c.pod !== 'string' || typeof c.container !== 'string') {
        fail(source, `${where} needs namespace, pod and container`);
      }
      const data: ContainerData = {};
      if (c.logs !== undefined) data.logs = parseLogLines(c.logs, `${where}.logs`, source);
      if (c.previousLogs !== undefined) data.previousLogs = parseLogLines(c.previousLogs, `${where}.previousLogs`, source);
      if (c.files !== undefined) data.files = parseFiles(c.files, `${where}.files`, source);
      if (Array.isArray(c.dirs)) data.dirs = c.dirs.map(String);
      if (Array.isArray(c.binaries)) data.binaries = c.binaries.map(String);
      if (c.distroless === true) data.distroless = true;
      s.containers.set(containerKey(c.namespace, c.pod, c.container), data);
    });
  }
}

/** The `now:` of the emulator data document (top level or a List item), read before anything is resolved. */
function fileNow(docs: ReturnType<typeof parseAllDocuments>, source: string): Date | undefined {
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const v = doc.toJS({ maxAliasCount: -1 }) as { kind?: unknown; items?: unknown; now?: unknown } | null;
    const data = v?.kind === EMULATOR_DATA_KIND ? v : Array.isArray(v?.items) ? (v.items as (typeof v)[]).find((i) => i?.kind === EMULATOR_DATA_KIND) : undefined;
    if (data?.now === undefined) continue;
    // YAML may read an unquoted timestamp as a Date already.
    if (data.now instanceof Date) return data.now;
    if (typeof data.now !== 'string') fail(source, 'now must be an RFC 3339 time');
    try {
      return new Date(parseRfc3339(data.now));
    } catch {
      fail(source, `now: "${data.now}" is not an RFC 3339 time (like 2026-11-30T10:00:00Z)`);
    }
  }
  return undefined;
}

/**
 * Parses scenario YAML text. Relative times are resolved against `now`: the one given here, else
 * the data document's `now:`, else this moment; truncated to the second either way.
 */
export function parseScenario(text: string, opts: { now?: Date; source?: string } = {}): Scenario {
  const source = opts.source ?? '<text>';
  const docs = parseAllDocuments(text);
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    if (doc.errors.length) fail(source, `document ${i + 1}: ${doc.errors[0]!.message}`);
  }
  // Whole seconds keep metadata timestamps in Kubernetes' usual form.
  const now = new Date(Math.floor((opts.now ?? fileNow(docs, source) ?? new Date()).getTime() / 1000) * 1000);
  const s: Scenario = {
    cluster: 'kubeforensys-emulator',
    auth: { ...DEFAULT_AUTH, groups: [...DEFAULT_AUTH.groups] },
    objects: [],
    containers: new Map(),
    faults: [],
    now,
  };
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    const value = resolveDeep(doc.toJS({ maxAliasCount: -1 }), now) as KubeObject | null;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) fail(source, `document ${i + 1} is not a mapping`);
    if (value.kind === EMULATOR_DATA_KIND) {
      if (value.apiVersion !== EMULATOR_DATA_API_VERSION) fail(source, `${EMULATOR_DATA_KIND} needs apiVersion ${EMULATOR_DATA_API_VERSION}`);
      applyData(s, value as DataDoc, source);
    } else if (value.kind === 'List' || (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items))) {
      for (const item of (value.items as KubeObject[] | undefined) ?? []) {
        if (item.kind === EMULATOR_DATA_KIND) applyData(s, item as DataDoc, source);
        else s.objects.push(item);
      }
    } else {
      s.objects.push(value);
    }
  }
  return s;
}

export async function loadScenario(path: string, opts: { now?: Date } = {}): Promise<Scenario> {
  return parseScenario(await readFile(path, 'utf8'), { ...opts, source: path });
}
