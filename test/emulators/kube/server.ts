// The emulated API server: HTTPS on loopback with the emulator's CA, bearer-token auth, lists,
// gets, logs, exec over WebSocket, identity reviews, discovery, and fault injection.
import { createHash, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { stringify } from 'yaml';
import type { KubeObject } from '../../../src/core/model.js';
import { ServedBody } from './body.js';
import { execProtocolFor, runExec } from './exec.js';
import { FaultControl, type FaultSpec } from './faults.js';
import { writeLog, type LogQuery } from './logs.js';
import { ParamError, boolParam, intParam, parseRfc3339, type BooleanParsing } from './params.js';
import { RESOURCES, findResource, groupVersion, resourceKey, type ResourceDef } from './resources.js';
import { containerKey, loadScenario, type Scenario } from './scenario.js';
import * as S from './status.js';
import { ObjectStore, decodeContinue, encodeContinue, listKind, parseFieldSelector, parseLabelSelector } from './store.js';
import { emulatorTls } from './tls.js';

export interface RequestLogEntry {
  /** Position in `requests` (the argument of servedBody). */
  index: number;
  method: string;
  /** Path and query as the client sent them. */
  path: string;
  /** HTTP status answered; 101 for an accepted exec upgrade, 0 when no status line was sent (drop). */
  status: number;
  /** Body bytes written to the connection (after any cut); 0 for a drop and for an accepted exec. */
  bytes: number;
  /** SHA-256 (hex) of exactly those bytes; filled when the request ends. */
  sha256: string;
  /**
   * Why the answer is incomplete, if it is: `drop` (a drop fault: no answer at all), `reset` (a
   * reset fault cut the body), `client` (the client went away before the end).
   */
  cut?: 'drop' | 'reset' | 'client';
  /** Fault types that acted on this request, in the order they fired. */
  faults: FaultSpec['type'][];
  /** Wall-clock epoch ms the request arrived and ended (undefined while in flight). */
  startedAt: number;
  endedAt?: number;
  /** Whether the request came on a TLS connection that resumed an earlier session (no full handshake). */
  tlsResumed: boolean;
  /** Which connection it came on (numbered from 1 as connections are first seen): keep-alive reuse shows here. */
  connection: number;
}

export interface KubeEmulator {
  url: string;
  kubeconfigYaml: string;
  writeKubeconfig(path: string): Promise<void>;
  faults: FaultControl;
  /** Every request served, in arrival order (the same array as `requestLog`). */
  requests: RequestLogEntry[];
  /** The same array under its older name. */
  requestLog: RequestLogEntry[];
  /** The exact body bytes request `index` was sent, when bodies were being recorded for it. */
  servedBody(index: number): Buffer | undefined;
  /** Turns body recording on or off (or on for requests whose path+query a predicate accepts). */
  recordBodies(on: RecordBodies): void;
  /** Resolves when no request is in flight any more (every entry has its final status, bytes and hash). */
  settled(): Promise<void>;
  scenario: Scenario;
  /** PEM of the emulator's CA (what the kubeconfig trusts). */
  caPem: string;
  /** The emulator's clock: the scenario's "now" plus the time since start. */
  now(): Date;
  /** Scenario problems that do not stop the emulator (objects of unserved kinds, data for unknown containers). */
  warnings: string[];
  close(): Promise<void>;
}

export interface StartOptions {
  scenario: Scenario | string;
  port?: number;
  /** Overrides the scenario's token. */
  token?: string;
  /** Reference time for relative scenario times (only when `scenario` is a path); wins over the file's `now:`. */
  now?: Date;
  /** Keep the body bytes of every request (true) or of those a predicate picks; default false. */
  recordBodies?: RecordBodies;
  /** Overrides the scenario's `booleanParams` (default `apiserver`, see params.ts). */
  booleanParams?: BooleanParsing;
}

/** Which requests' body bytes to keep for servedBody() (hashes and counts are always kept). */
export type RecordBodies = boolean | ((req: { method: string; path: string }) => boolean);

const EMPTY_SHA256 = createHash('sha256').digest('hex');

const ANONYMOUS_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

type PodSpecContainer = { name?: string };
interface PodLike {
  metadata: { name?: string; namespace?: string };
  spec?: { containers?: PodSpecContainer[]; initContainers?: PodSpecContainer[]; ephemeralContainers?: PodSpecContainer[] };
  status?: { phase?: string };
}

export function podContainerNames(pod: PodLike): { all: string[]; main: string[]; init: string[] } {
  const names = (l?: PodSpecContainer[]) => (l ?? []).map((c) => c.name ?? '').filter(Boolean);
  const main = names(pod.spec?.containers);
  const init = names(pod.spec?.initContainers);
  return { all: [...init, ...main, ...names(pod.spec?.ephemeralContainers)], main, init };
}

/** Resolves the container a log or exec request means, or the 400 a real API server answers. */
export function resolveContainer(pod: PodLike, requested: string | null): { name: string } | { error: S.StatusBody } {
  const podName = pod.metadata.name ?? '';
  const { all, main, init } = podContainerNames(pod);
  if (!requested) {
    if (main.length === 1) return { name: main[0]! };
    const initPart = init.length ? ` or one of the init containers: [${init.join(' ')}]` : '';
    return { error: S.badRequest(`a container name must be specified for pod ${podName}, choose one of: [${main.join(' ')}]${initPart}`) };
  }
  if (!all.includes(requested)) return { error: S.badRequest(`container ${requested} is not valid for pod ${podName}`) };
  return { name: requested };
}

// The body writer of each response (faults and recording); handlers only ever see `res`.
const bodies = new WeakMap<ServerResponse, ServedBody>();

function bodyOf(res: ServerResponse): ServedBody {
  const b = bodies.get(res);
  if (!b) throw new Error('response without a ServedBody');
  return b;
}

/** A complete answer: status, Content-Type, optional extra headers, body text. */
interface Answer {
  code: number;
  type: string;
  text: string;
  headers?: Record<string, string>;
}

function send(res: ServerResponse, a: Answer): void {
  if (res.headersSent) return;
  res.writeHead(a.code, {
    'Content-Type': a.type,
    'Content-Length': Buffer.byteLength(a.text),
    'Cache-Control': 'no-cache, private',
    'Audit-Id': randomUUID(),
    ...a.headers,
  });
  bodyOf(res).end(a.text);
}

function jsonAnswer(code: number, body: unknown, headers?: Record<string, string>): Answer {
  return { code, type: 'application/json', text: JSON.stringify(body), ...(headers ? { headers } : {}) };
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  send(res, jsonAnswer(code, body));
}

function sendStatus(res: ServerResponse, body: S.StatusBody): void {
  sendJson(res, body.code, body);
}

/** Answers a refused WebSocket upgrade with a plain HTTP response; returns the body it sent. */
function refuseUpgrade(socket: Duplex, a: Answer): Buffer {
  const text = Buffer.from(a.text);
  const extra = Object.entries(a.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 ${a.code} ${S.HTTP_REASON[a.code] ?? 'Error'}\r\nContent-Type: ${a.type}\r\nContent-Length: ${text.length}\r\n${extra}Connection: close\r\n\r\n`,
      ),
      text,
    ]),
  );
  return text;
}

/** The answer an error fault gives: a Status, or the filters' plain-text 429. */
function faultAnswer(f: Extract<FaultSpec, { type: 'error' }>): Answer {
  const code = f.status ?? 500;
  const headers: Record<string, string> = f.retryAfter !== undefined ? { 'Retry-After': String(f.retryAfter) } : {};
  if (f.body === 'text') {
    // http.Error in Go: text/plain, nosniff, the message and a newline.
    return { code, type: 'text/plain; charset=utf-8', text: `${f.message ?? 'Too many requests, please try again later.'}\n`, headers: { ...headers, 'X-Content-Type-Options': 'nosniff' } };
  }
  const body = S.injected(code, { ...(f.reason ? { reason: f.reason } : {}), ...(f.message ? { message: f.message } : {}), ...(f.retryAfter !== undefined ? { retryAfter: f.retryAfter } : {}) });
  return jsonAnswer(code, body, headers);
}

const statusAnswer = (b: S.StatusBody): Answer => jsonAnswer(b.code, b);

interface ParsedPath {
  group: string;
  version: string;
  namespace?: string;
  plural: string;
  name?: string;
  subresource?: string;
}

function parseResourcePath(pathname: string): ParsedPath | undefined {
  const segs = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    [group, version, rest] = ['', segs[1]!, segs.slice(2)];
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    [group, version, rest] = [segs[1]!, segs[2]!, segs.slice(3)];
  } else return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    if (rest.length > 5) return undefined;
    return { group, version, namespace: rest[1], plural: rest[2]!, name: rest[3], subresource: rest[4] };
  }
  if (rest.length > 3) return undefined;
  return { group, version, plural: rest[0]!, name: rest[1], subresource: rest[2] };
}

function stripTypeMeta(o: KubeObject): KubeObject {
  // A real API server leaves kind and apiVersion out of list items (only the list carries them).
  const { kind: _k, apiVersion: _a, ...rest } = o;
  return rest;
}

function scenarioWarnings(scenario: Scenario, store: ObjectStore): string[] {
  const warnings = store.unserved.map(
    (o) => `${o.kind ?? '?'} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '?'} (${o.apiVersion ?? '?'}) is not a kind the emulator serves`,
  );
  const pods = findResource('', 'v1', 'pods')!;
  for (const key of scenario.containers.keys()) {
    const [ns, pod, container] = key.split('/') as [string, string, string];
    const p = store.get(pods, ns, pod) as PodLike | undefined;
    if (!p) warnings.push(`container data for ${key}: no pod ${ns}/${pod} in the scenario`);
    else if (!podContainerNames(p).all.includes(container)) warnings.push(`container data for ${key}: pod ${ns}/${pod} has no container ${container}`);
  }
  return warnings;
}

export async function startKubeEmulator(opts: StartOptions): Promise<KubeEmulator> {
  const scenario = typeof opts.scenario === 'string' ? await loadScenario(opts.scenario, { now: opts.now }) : opts.scenario;
  const token = opts.token ?? scenario.auth.token;
  const username = scenario.auth.username;
  const store = new ObjectStore(scenario.objects, { mirrorEvents: scenario.mirrorEvents ?? true });
  const faults = new FaultControl(scenario.faults);
  const warnings = scenarioWarnings(scenario, store);
  const requestLog: RequestLogEntry[] = [];
  const served = new Map<number, Buffer>();
  let recording: RecordBodies = opts.recordBodies ?? false;
  const booleans: BooleanParsing = opts.booleanParams ?? scenario.booleanParams ?? 'apiserver';
  const inFlight = new Set<number>();
  let idle: (() => void)[] = [];
  const startedAt = Date.now();
  const scenarioNow = (scenario.now ?? new Date(startedAt)).getTime();
  const clock = () => new Date(scenarioNow + (Date.now() - startedAt));
  const tls = emulatorTls();
  const gitVersion = scenario.serverVersion ?? 'v1.30.6';
  const protocols = scenario.execProtocols ?? ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
  let address = '';

  const authOk = (req: IncomingMessage, pathname: string): boolean => {
    const h = req.headers.authorization;
    if (h === undefined) return ANONYMOUS_PATHS.has(pathname);
    return h === `Bearer ${token}`;
  };

  const forbiddenBody = (verb: string, p: ParsedPath): S.StatusBody =>
    S.forbidden({ user: username, verb, group: p.group, plural: p.plural, subresource: p.subresource, namespace: p.namespace, name: p.name });

  const findPod = (namespace: string, name: string) => store.get(findResource('', 'v1', 'pods')!, namespace, name) as PodLike | undefined;

  function discovery(pathname: string): unknown {
    if (pathname === '/api') {
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }] };
    }
    const groups = [...new Set(RESOURCES.filter((r) => r.group).map((r) => `${r.group}/${r.version}`))];
    if (pathname === '/apis') {
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups.map((gv) => {
          const [name, version] = gv.split('/') as [string, string];
          const v = { groupVersion: gv, version };
          return { name, versions: [v], preferredVersion: v };
        }),
      };
    }
    const m = pathname.match(/^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/?$/);
    if (!m) return undefined;
    const [group, version] = m[1] ? ['', 'v1'] : [m[2]!, m[3]!];
    const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
    if (!rs.length) return undefined;
    const resources = rs.flatMap((r) => [
      { name: r.plural, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'list', 'watch'] },
      ...(r.plural === 'pods'
        ? [
            { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
            { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
          ]
        : []),
    ]);
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : 'v1', resources };
  }

  async function readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > 1024 * 1024) throw new Error('request body too large');
      chunks.push(c);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? JSON.parse(text) : {};
  }

  async function handleReview(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    if (req.method !== 'POST') return false;
    if (pathname === '/apis/authentication.k8s.io/v1/selfsubjectreviews') {
      await readBody(req);
      sendJson(res, 201, {
        kind: 'SelfSubjectReview',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { creationTimestamp: null },
        status: { userInfo: { username, groups: scenario.auth.groups } },
      });
      return true;
    }
    if (pathname === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') {
      // Allowed unless a forbidden fault would refuse the same request (faults are only peeked at).
      const body = (await readBody(req)) as { spec?: { resourceAttributes?: Record<string, string> } };
      const ra = body.spec?.resourceAttributes ?? {};
      const probe = new FaultControl(faults.list().map((f) => ({ ...f, times: undefined })));
      const denied = probe.forbiddenFor({
        verb: ra.verb ?? 'get',
        group: ra.group ?? '',
        plural: ra.resource ?? '',
        subresource: ra.subresource || undefined,
        namespace: ra.namespace || undefined,
      });
      sendJson(res, 201, {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: body.spec ?? {},
        status: denied ? { allowed: false } : { allowed: true, reason: 'RBAC: allowed by the emulator' },
      });
      return true;
    }
    return false;
  }

  function handleList(res: ServerResponse, url: URL, r: ResourceDef, p: ParsedPath): void {
    let items = store.all(r).filter((o) => p.namespace === undefined || o.metadata.namespace === p.namespace);
    const labelSel = url.searchParams.get('labelSelector');
    const fieldSel = url.searchParams.get('fieldSelector');
    try {
      if (labelSel) {
        const reqs = parseLabelSelector(labelSel);
        items = items.filter((o) => reqs.every((q) => q(o.metadata.labels ?? {})));
      }
      if (fieldSel) {
        const reqs = parseFieldSelector(fieldSel);
        items = items.filter((o) => reqs.every((q) => q(o)));
      }
    } catch (e) {
      sendStatus(res, S.badRequest((e as Error).message));
      return;
    }
    const limit = intParam(url.searchParams, 'limit') ?? 0;
    const cont = url.searchParams.get('continue');
    const key = resourceKey(r.group, r.plural) + (p.namespace ? `@${p.namespace}` : '');
    let start = 0;
    let page = 1;
    if (cont) {
      const t = decodeContinue(cont);
      if (!t || t.r !== key) {
        sendStatus(res, S.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'));
        return;
      }
      if (faults.expiredFor(r.group, r.plural, t.page)) {
        noteFault(res, 'expireContinue');
        sendStatus(res, S.expired());
        return;
      }
      start = t.start;
      page = t.page;
    }
    const slice = limit > 0 ? items.slice(start, start + limit) : items.slice(start);
    const end = start + slice.length;
    const more = limit > 0 && end < items.length;
    const metadata: Record<string, unknown> = { resourceVersion: store.resourceVersion };
    if (more) {
      metadata.continue = encodeContinue({ r: key, rv: store.resourceVersion, start: end, page: page + 1 });
      // Like a real server, the count is left out when selectors make it unknowable cheaply.
      if (!labelSel && !fieldSel) metadata.remainingItemCount = items.length - end;
    }
    sendJson(res, 200, { kind: listKind(r), apiVersion: groupVersion(r), metadata, items: slice.map(stripTypeMeta) });
  }

  /** PodLogOptions as the apiserver decodes them (a 400 for a malformed value) and validates them (422). */
  function logQuery(url: URL, pod: string): { q: LogQuery; previous: boolean } | { error: S.StatusBody } {
    const params = url.searchParams;
    boolParam(params, 'follow', booleans); // decoded (and refused when malformed) but a log always ends here
    const previous = boolParam(params, 'previous', booleans);
    const sinceSeconds = intParam(params, 'sinceSeconds');
    const tailLines = intParam(params, 'tailLines');
    const limitBytes = intParam(params, 'limitBytes');
    const sinceTimeText = params.get('sinceTime');
    // metav1.Time: an empty value is the zero time, i.e. no sinceTime at all.
    const sinceTime = sinceTimeText ? parseRfc3339(sinceTimeText) : undefined;
    const q: LogQuery = { timestamps: boolParam(params, 'timestamps', booleans) };
    if (tailLines !== undefined) q.tailLines = tailLines;
    if (limitBytes !== undefined) q.limitBytes = limitBytes;

    const errs: Parameters<typeof S.invalidLogOptions>[1] = [];
    if (tailLines !== undefined && tailLines < 0) errs.push({ field: 'tailLines', type: 'FieldValueInvalid', body: `Invalid value: ${tailLines}: must be greater than or equal to 0` });
    if (limitBytes !== undefined && limitBytes < 1) errs.push({ field: 'limitBytes', type: 'FieldValueInvalid', body: `Invalid value: ${limitBytes}: must be greater than 0` });
    if (sinceSeconds !== undefined && sinceTime !== undefined) {
      errs.push({ field: 'sinceSeconds', type: 'FieldValueForbidden', body: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified' });
    } else if (sinceSeconds !== undefined && sinceSeconds < 1) {
      errs.push({ field: 'sinceSeconds', type: 'FieldValueInvalid', body: `Invalid value: ${sinceSeconds}: must be greater than 0` });
    }
    if (errs.length) return { error: S.invalidLogOptions(pod, errs) };

    if (sinceSeconds !== undefined) q.sinceMs = clock().getTime() - sinceSeconds * 1000;
    // The apiserver forwards sinceTime to the kubelet as time.RFC3339, i.e. truncated to the whole
    // second: a resume at 10:00:00.5 gets every line from 10:00:00 again.
    if (sinceTime !== undefined) q.sinceMs = Math.floor(sinceTime / 1000) * 1000;
    return { q, previous };
  }

  async function handleLog(res: ServerResponse, url: URL, p: ParsedPath): Promise<void> {
    const parsed = logQuery(url, p.name!);
    if ('error' in parsed) return sendStatus(res, parsed.error);
    const pod = findPod(p.namespace!, p.name!);
    if (!pod) return sendStatus(res, S.notFound('', 'pods', p.name!));
    const c = resolveContainer(pod, url.searchParams.get('container'));
    if ('error' in c) return sendStatus(res, c.error);
    const data = scenario.containers.get(containerKey(p.namespace!, p.name!, c.name));
    if (parsed.previous && !data?.previousLogs) {
      return sendStatus(res, S.badRequest(`previous terminated container "${c.name}" in pod "${p.name}" not found`));
    }
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Audit-Id': randomUUID() });
    const body = bodyOf(res);
    await writeLog(body, (parsed.previous ? data!.previousLogs : data?.logs) ?? [], parsed.q);
    body.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://emulator');
    const pathname = url.pathname;
    const method = req.method ?? 'GET';

    if (pathname === '/version') {
      return sendJson(res, 200, {
        major: '1',
        minor: gitVersion.split('.')[1] ?? '30',
        gitVersion,
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2024-10-22T20:34:37Z',
        goVersion: 'go1.22.8',
        compiler: 'gc',
        platform: 'linux/amd64',
      });
    }
    if (['/healthz', '/livez', '/readyz'].includes(pathname)) {
      return send(res, { code: 200, type: 'text/plain; charset=utf-8', text: 'ok' });
    }
    if (await handleReview(req, res, pathname)) return;
    const disc = method === 'GET' ? discovery(pathname) : undefined;
    if (disc) return sendJson(res, 200, disc);

    const p = parseResourcePath(pathname);
    const r = p && findResource(p.group, p.version, p.plural);
    if (!p || !r || (p.namespace !== undefined && !r.namespaced)) {
      return sendStatus(res, S.failure(404, 'NotFound', 'the server could not find the requested resource', {}));
    }
    if (method !== 'GET') {
      return sendStatus(res, S.methodNotAllowed(`the KubeForenSys emulator is read-only: ${method} ${pathname} is not allowed`));
    }
    // ListOptions booleans are decoded (and refused when malformed) before anything else.
    const watch = boolParam(url.searchParams, 'watch', booleans);
    boolParam(url.searchParams, 'allowWatchBookmarks', booleans);
    if (url.searchParams.has('sendInitialEvents')) boolParam(url.searchParams, 'sendInitialEvents', booleans);
    if (watch) {
      return sendStatus(res, S.methodNotAllowed('watch is not supported by the KubeForenSys emulator'));
    }
    const sub = p.subresource;
    if (sub === 'exec' || sub === 'attach' || sub === 'portforward') {
      return sendStatus(res, S.badRequest('Upgrade request required'));
    }
    if (sub && !(sub === 'log' && r.plural === 'pods')) {
      return sendStatus(res, S.failure(404, 'NotFound', 'the server could not find the requested resource', {}));
    }
    const verb = p.name ? 'get' : 'list';
    if (faults.forbiddenFor({ verb, group: p.group, plural: p.plural, subresource: sub, namespace: p.namespace })) {
      noteFault(res, 'forbidden');
      return sendStatus(res, forbiddenBody(verb, p));
    }
    if (sub === 'log') return handleLog(res, url, p);
    if (p.name) {
      const o = store.get(r, p.namespace, p.name);
      if (!o) return sendStatus(res, S.notFound(r.group, r.plural, p.name));
      return sendJson(res, 200, { ...o, apiVersion: groupVersion(r), kind: r.kind });
    }
    handleList(res, url, r, p);
  }

  // The log entry of each plain response, so handlers can note the faults that acted.
  const entries = new WeakMap<ServerResponse, RequestLogEntry>();
  const noteFault = (res: ServerResponse, type: FaultSpec['type']) => entries.get(res)?.faults.push(type);

  const connections = new WeakMap<object, number>();
  let connectionCount = 0;
  const connectionOf = (socket: object): number => {
    let n = connections.get(socket);
    if (n === undefined) connections.set(socket, (n = ++connectionCount));
    return n;
  };

  function newEntry(req: IncomingMessage): RequestLogEntry {
    const entry: RequestLogEntry = {
      index: requestLog.length,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: 0,
      bytes: 0,
      sha256: '',
      faults: [],
      startedAt: Date.now(),
      tlsResumed: req.socket instanceof TLSSocket && req.socket.isSessionReused(),
      connection: connectionOf(req.socket),
    };
    requestLog.push(entry);
    inFlight.add(entry.index);
    return entry;
  }

  function endEntry(entry: RequestLogEntry, sent: { bytes: number; sha256: string; body?: Buffer }): void {
    if (entry.endedAt !== undefined) return;
    entry.bytes = sent.bytes;
    entry.sha256 = sent.sha256;
    entry.endedAt = Date.now();
    if (sent.body) served.set(entry.index, sent.body);
    inFlight.delete(entry.index);
    if (!inFlight.size) {
      const waiting = idle;
      idle = [];
      for (const w of waiting) w();
    }
  }

  const wantBody = (entry: RequestLogEntry) => (typeof recording === 'function' ? recording({ method: entry.method, path: entry.path }) : recording);

  /** Latency, drop, auth and error faults common to plain requests and upgrades. Returns false when answered. */
  async function preamble(req: IncomingMessage, pathname: string, entry: RequestLogEntry, answer: (a: Answer) => void, drop: () => void): Promise<boolean> {
    const delay = faults.delayFor(pathname);
    if (delay > 0) {
      entry.faults.push('latency');
      await new Promise((r) => setTimeout(r, delay));
    }
    if (faults.dropFor(pathname)) {
      entry.faults.push('drop');
      entry.cut = 'drop';
      drop();
      return false;
    }
    if (!authOk(req, pathname)) {
      answer(statusAnswer(S.unauthorized()));
      return false;
    }
    const err = faults.errorFor(req.method ?? 'GET', pathname);
    if (err) {
      entry.faults.push('error');
      answer(faultAnswer(err));
      return false;
    }
    return true;
  }

  /** A query parameter the client got wrong is a 400 BadRequest; anything else a 500. */
  const errorStatus = (e: unknown): S.StatusBody =>
    e instanceof ParamError ? S.badRequest(e.message) : S.internalError(e instanceof Error ? e.message : String(e));

  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const entry = newEntry(req);
    const pathname = new URL(req.url ?? '/', 'https://emulator').pathname;
    entries.set(res, entry);
    // Body faults are chosen when the request arrives, so `times` counts requests, not writes.
    const shaping = faults.shapingFor(pathname);
    for (const t of ['reset', 'trickle', 'bandwidth'] as const) if (shaping[t]) entry.faults.push(t);
    const body = new ServedBody(res, shaping, wantBody(entry));
    bodies.set(res, body);
    // 'close' also covers a log stream the client abandoned half-way, and a drop or reset.
    res.on('close', () => {
      if (!body.writableFinished) body.destroy();
      const sent = body.summary();
      entry.status = res.headersSent ? res.statusCode : 0;
      if (sent.reset) entry.cut = 'reset';
      else if (!entry.cut && !res.writableFinished) entry.cut = 'client';
      endEntry(entry, sent);
    });
    void (async () => {
      if (!(await preamble(req, pathname, entry, (a) => send(res, a), () => req.socket.destroy()))) return;
      await handle(req, res);
    })().catch((e: unknown) => {
      if (!res.headersSent) sendStatus(res, errorStatus(e));
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({
    noServer: true,
    // The subprotocol was checked before the upgrade; pick the server's preferred offered one.
    handleProtocols: (offered) => protocols.find((p) => offered.has(p)) ?? false,
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const entry = newEntry(req);
    const url = new URL(req.url ?? '/', 'https://emulator');
    const refuse = (a: Answer) => {
      entry.status = a.code;
      const text = refuseUpgrade(socket, a);
      endEntry(entry, { bytes: text.length, sha256: createHash('sha256').update(text).digest('hex'), ...(wantBody(entry) ? { body: text } : {}) });
    };
    const refuseStatus = (b: S.StatusBody) => refuse(statusAnswer(b));
    const dropped = () => {
      socket.destroy();
      endEntry(entry, { bytes: 0, sha256: EMPTY_SHA256 });
    };
    // Whatever else happens (ws refusing a malformed upgrade itself, the client leaving), the
    // entry ends with the socket, so settled() never waits forever.
    socket.once('close', () => endEntry(entry, { bytes: 0, sha256: EMPTY_SHA256 }));
    void (async () => {
      if (!(await preamble(req, url.pathname, entry, refuse, dropped))) return;
      const p = parseResourcePath(url.pathname);
      if (!p || p.group !== '' || p.plural !== 'pods' || !p.namespace || !p.name || p.subresource !== 'exec') {
        return refuseStatus(S.failure(404, 'NotFound', 'the server could not find the requested resource', {}));
      }
      // PodExecOptions booleans, decoded before anything is looked up (a malformed one is a 400).
      const stdout = boolParam(url.searchParams, 'stdout', booleans);
      const stderr = boolParam(url.searchParams, 'stderr', booleans);
      boolParam(url.searchParams, 'stdin', booleans);
      boolParam(url.searchParams, 'tty', booleans);
      if (faults.forbiddenFor({ verb: 'create', group: '', plural: 'pods', subresource: 'exec', namespace: p.namespace })) {
        entry.faults.push('forbidden');
        return refuseStatus(forbiddenBody('create', p));
      }
      const pod = findPod(p.namespace, p.name);
      if (!pod) return refuseStatus(S.notFound('', 'pods', p.name));
      const c = resolveContainer(pod, url.searchParams.get('container'));
      if ('error' in c) return refuseStatus(c.error);
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') {
        return refuseStatus(S.badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`));
      }
      const offered = String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((s) => s.trim());
      if (!execProtocolFor(offered, protocols)) {
        return refuseStatus(S.badRequest(`unable to upgrade: no supported subprotocol in [${offered.join(', ')}]; supported: [${protocols.join(', ')}]`));
      }
      const argv = url.searchParams.getAll('command');
      if (!argv.length) return refuseStatus(S.badRequest('you must specify at least 1 command'));
      const data = scenario.containers.get(containerKey(p.namespace, p.name, c.name));
      wss.handleUpgrade(req, socket, head, (ws) => {
        entry.status = 101;
        ws.once('close', () => endEntry(entry, { bytes: 0, sha256: EMPTY_SHA256 }));
        void runExec(ws, argv, data, { stdout, stderr, defaultMtime: scenarioNow });
      });
    })().catch((e: unknown) => refuseStatus(errorStatus(e)));
  });

  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `https://${address}`;
  const name = scenario.cluster;
  const kubeconfigYaml = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: url, 'certificate-authority-data': Buffer.from(tls.caPem).toString('base64') } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    users: [{ name, user: { token } }],
    preferences: {},
  });

  return {
    url,
    kubeconfigYaml,
    writeKubeconfig: (path: string) => writeFile(path, kubeconfigYaml, { mode: 0o600 }),
    faults,
    requests: requestLog,
    requestLog,
    servedBody: (index: number) => served.get(index),
    recordBodies: (on: RecordBodies) => {
      recording = on;
    },
    settled: () => (inFlight.size ? new Promise<void>((resolve) => idle.push(resolve)) : Promise.resolve()),
    scenario,
    caPem: tls.caPem,
    now: clock,
    warnings,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
