// ClusterApi over the real @kubernetes/client-node 1.4. Lists go through the generated API
// classes with per-call middleware: `pre` attaches the AbortSignal, `post` keeps the raw JSON
// exactly as the server sent it (client-node's model classes drop unknown fields and turn
// timestamps into Dates; forensics wants the object as kubectl shows it). Logs are a raw
// streaming request carrying the kubeconfig's TLS and credentials; exec is client-node's Exec.
import https from 'node:https';
import { createSecureContext } from 'node:tls';
import http from 'node:http';
import { Writable } from 'node:stream';
import {
  AppsV1Api,
  AuthenticationV1Api,
  BatchV1Api,
  CoreV1Api,
  EventsV1Api,
  Exec,
  NetworkingV1Api,
  Observable,
  RbacAuthorizationV1Api,
  ResponseContext,
  type ConfigurationOptions,
  type KubeConfig,
  type ObservableMiddleware,
  type RequestContext,
  type V1Status,
} from '@kubernetes/client-node';
import WebSocket from 'ws';
import type { KubeObject, ListableKind } from '../model.js';
import type { BodyRef } from '../evidence/raw.js';
import type { ClusterApi, ExecRequest, ExecResult, ListRequest, LogFetch, LogRequest } from './api.js';
import { CLUSTER_SCOPED_KINDS } from './api.js';
import { KubeApiError, fromStatus, isAbort, parseStatus, toKubeApiError, type CallTarget } from './errors.js';
import type { LoadedKubeconfig } from './kubeconfig.js';
import { Recorder } from './recorder.js';
import { ResumingAgent } from './tlsAgent.js';
import { DEFAULT_RETRY_POLICY, RetryBudget, isTransient, parseRetryAfter, retryDelay, withRetry, type RetryPolicy } from './retry.js';
import { START, resumeAfter, resumeSinceTime, type ResumeState } from './logFormat.js';
import pLimit, { type LimitFunction } from 'p-limit';
import type { AcquisitionRef, LogResume, NewEntry, RawStore } from '../evidence/raw.js';
import { setTimeout as sleep } from 'node:timers/promises';

const DEFAULT_PAGE = 500;
/** How many times a list restarts after 410 Expired before giving up. */
const MAX_RESTARTS = 3;

interface Apis {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  rbac: RbacAuthorizationV1Api;
  networking: NetworkingV1Api;
  events: EventsV1Api;
}

type Page = { limit: number; _continue?: string };
type Opts = ConfigurationOptions<ObservableMiddleware>;
type ListFn = (a: Apis, p: Page, o: Opts) => Promise<unknown>;
type NsListFn = (a: Apis, ns: string, p: Page, o: Opts) => Promise<unknown>;

/** For each kind: the cluster-wide list and, for namespaced kinds, the per-namespace list. */
const LISTS: Record<ListableKind, { all: ListFn; ns?: NsListFn }> = {
  namespaces: { all: (a, p, o) => a.core.listNamespace(p, o) },
  pods: { all: (a, p, o) => a.core.listPodForAllNamespaces(p, o), ns: (a, namespace, p, o) => a.core.listNamespacedPod({ namespace, ...p }, o) },
  events: { all: (a, p, o) => a.core.listEventForAllNamespaces(p, o), ns: (a, namespace, p, o) => a.core.listNamespacedEvent({ namespace, ...p }, o) },
  eventsV1: { all: (a, p, o) => a.events.listEventForAllNamespaces(p, o), ns: (a, namespace, p, o) => a.events.listNamespacedEvent({ namespace, ...p }, o) },
  serviceaccounts: {
    all: (a, p, o) => a.core.listServiceAccountForAllNamespaces(p, o),
    ns: (a, namespace, p, o) => a.core.listNamespacedServiceAccount({ namespace, ...p }, o),
  },
  roles: { all: (a, p, o) => a.rbac.listRoleForAllNamespaces(p, o), ns: (a, namespace, p, o) => a.rbac.listNamespacedRole({ namespace, ...p }, o) },
  clusterroles: { all: (a, p, o) => a.rbac.listClusterRole(p, o) },
  rolebindings: {
    all: (a, p, o) => a.rbac.listRoleBindingForAllNamespaces(p, o),
    ns: (a, namespace, p, o) => a.rbac.listNamespacedRoleBinding({ namespace, ...p }, o),
  },
  clusterrolebindings: { all: (a, p, o) => a.rbac.listClusterRoleBinding(p, o) },
  cronjobs: { all: (a, p, o) => a.batch.listCronJobForAllNamespaces(p, o), ns: (a, namespace, p, o) => a.batch.listNamespacedCronJob({ namespace, ...p }, o) },
  jobs: { all: (a, p, o) => a.batch.listJobForAllNamespaces(p, o), ns: (a, namespace, p, o) => a.batch.listNamespacedJob({ namespace, ...p }, o) },
  deployments: { all: (a, p, o) => a.apps.listDeploymentForAllNamespaces(p, o), ns: (a, namespace, p, o) => a.apps.listNamespacedDeployment({ namespace, ...p }, o) },
  daemonsets: { all: (a, p, o) => a.apps.listDaemonSetForAllNamespaces(p, o), ns: (a, namespace, p, o) => a.apps.listNamespacedDaemonSet({ namespace, ...p }, o) },
  statefulsets: { all: (a, p, o) => a.apps.listStatefulSetForAllNamespaces(p, o), ns: (a, namespace, p, o) => a.apps.listNamespacedStatefulSet({ namespace, ...p }, o) },
  replicasets: { all: (a, p, o) => a.apps.listReplicaSetForAllNamespaces(p, o), ns: (a, namespace, p, o) => a.apps.listNamespacedReplicaSet({ namespace, ...p }, o) },
  networkpolicies: {
    all: (a, p, o) => a.networking.listNetworkPolicyForAllNamespaces(p, o),
    ns: (a, namespace, p, o) => a.networking.listNamespacedNetworkPolicy({ namespace, ...p }, o),
  },
  services: { all: (a, p, o) => a.core.listServiceForAllNamespaces(p, o), ns: (a, namespace, p, o) => a.core.listNamespacedService({ namespace, ...p }, o) },
  ingresses: { all: (a, p, o) => a.networking.listIngressForAllNamespaces(p, o), ns: (a, namespace, p, o) => a.networking.listNamespacedIngress({ namespace, ...p }, o) },
};

/** What the middleware saw: the request as sent and the raw response body. */
interface Captured {
  method?: string;
  url?: string;
  status?: number;
  body?: Buffer;
  retryAfter?: string;
}

/**
 * Per-call options: the signal goes on the request; the raw body is kept and, on success, the
 * generated deserializer is handed an empty object (we parse the raw JSON ourselves).
 */
function callOptions(signal: AbortSignal, sink: Captured, agent: http.Agent | undefined): Opts {
  const mw: ObservableMiddleware = {
    pre: (ctx: RequestContext) => {
      ctx.setSignal(signal as Parameters<RequestContext['setSignal']>[0]);
      // client-node 1.x gives each call an agent of its own: a new TLS connection and full handshake per list page.
      if (agent) ctx.setAgent(agent);
      sink.method = ctx.getHttpMethod();
      sink.url = ctx.getUrl();
      return new Observable(Promise.resolve(ctx));
    },
    post: (rsp: ResponseContext) =>
      new Observable(
        (async () => {
          // The body as bytes: it is kept as served, and parsed from these same bytes.
          const body = await rsp.body.binary();
          sink.status = rsp.httpStatusCode;
          sink.body = body;
          sink.retryAfter = rsp.headers['retry-after'];
          const ok = rsp.httpStatusCode >= 200 && rsp.httpStatusCode < 300;
          const handed = ok ? '{}' : body.toString('utf8');
          return new ResponseContext(rsp.httpStatusCode, { ...rsp.headers, 'content-type': ok ? 'application/json' : (rsp.headers['content-type'] ?? '') }, {
            text: async () => handed,
            binary: async () => Buffer.from(handed),
          });
        })(),
      ),
  };
  return { middleware: [mw], middlewareMergeStrategy: 'replace' };
}

/** The object as kubectl shows it, minus managedFields (noise for an investigator). */
export function toKubeObject(o: unknown): KubeObject {
  const obj = (o && typeof o === 'object' ? o : {}) as KubeObject;
  if (obj.metadata && 'managedFields' in obj.metadata) delete obj.metadata.managedFields;
  return obj;
}

interface LogAttempt {
  status: number;
  bytes: number;
  error: KubeApiError | null;
  /** Where the body of a 2xx stream that was cut is kept, to find where to resume. */
  cut: BodyRef | null;
}

/** 400 answers that mean "there is no such log", not a failure. */
function isNoLog(err: KubeApiError): boolean {
  return /previous terminated container|is waiting to start|ContainerCreating|PodInitializing|not found/i.test(err.message);
}

/** The path and query of a request URL, as the index records it. */
function requestPath(url: string | undefined, server: string): string {
  if (!url) return '';
  try {
    const u = new URL(url, server);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

/** The index entry of one attempt that went through the cluster layer's own request path. */
function attemptEntry(a: { method: string; path: string; attempt: number; startedAt: string; status: number; complete: boolean; error: KubeApiError | null; ref: AcquisitionRef }): NewEntry {
  const endedAt = new Date().toISOString();
  return { method: a.method, path: a.path, attempt: a.attempt, startedAt: a.startedAt, endedAt, status: a.status, reason: a.error?.reason ?? null, complete: a.complete, error: a.error?.message ?? null, ref: a.ref };
}

/** The page's objects not yet seen (by uid, else namespace/name): a restarted list yields nothing twice. */
export function unseenObjects(rawItems: unknown[] | undefined, seen: Set<string>): KubeObject[] {
  const items: KubeObject[] = [];
  for (const raw of rawItems ?? []) {
    const obj = toKubeObject(raw);
    const key = obj.metadata?.uid || `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push(obj);
  }
  return items;
}

export class KubeClusterApi implements ClusterApi {
  readonly contextName: string;
  readonly server: string;
  readonly target: CallTarget;
  private readonly kc: KubeConfig;
  private readonly apis: Apis;
  private agent?: http.Agent;
  private execClient?: Promise<Exec>;

  /** Deadline of one API call (one list page, one review). */
  callTimeoutMs = 120_000;
  /** Objects per list page (`limit`). */
  pageSize = DEFAULT_PAGE;
  /** Silence after which a log stream is given up. */
  logIdleTimeoutMs = 120_000;

  constructor(readonly loaded: LoadedKubeconfig) {
    this.kc = loaded.kubeConfig;
    this.contextName = loaded.contextName;
    this.server = loaded.server;
    this.target = { context: loaded.contextName, server: loaded.server, user: loaded.userName };
    this.apis = {
      core: this.kc.makeApiClient(CoreV1Api),
      apps: this.kc.makeApiClient(AppsV1Api),
      batch: this.kc.makeApiClient(BatchV1Api),
      rbac: this.kc.makeApiClient(RbacAuthorizationV1Api),
      networking: this.kc.makeApiClient(NetworkingV1Api),
      events: this.kc.makeApiClient(EventsV1Api),
    };
  }

  private readonly recorder = new Recorder();
  /**
   * Requests in flight to the API server, across every artifact: a responder who asks for
   * `--concurrency 4` on a struggling server gets 4, not 4 per artifact. A slot is held for one
   * attempt (a list page, a log stream, an exec), never across a retry's backoff.
   */
  private inFlight: LimitFunction = pLimit(Number.POSITIVE_INFINITY);

  /** At most `n` requests at once from now on (the snapshot's concurrency). */
  limitRequests(n: number): void {
    this.inFlight = pLimit(Math.max(1, Math.floor(n)));
  }
  /** Tries per call and the backoff between them. */
  retryPolicy: RetryPolicy = DEFAULT_RETRY_POLICY;
  /** Retry time for everything this connection does (one snapshot). */
  readonly retryBudget = new RetryBudget();
  private nextStream = 1;

  async attachRaw(store: RawStore): Promise<void> {
    await this.recorder.attach(store);
  }

  /** Runs one generated call, retrying transient failures; returns the parsed JSON body. */
  private call<T>(what: string, ref: AcquisitionRef, signal: AbortSignal, fn: (o: Opts) => Promise<unknown>): Promise<T> {
    return withRetry({ policy: this.retryPolicy, budget: this.retryBudget, signal }, (attempt) => this.callOnce<T>(what, ref, attempt, signal, fn));
  }

  /** One attempt, in its request slot: its body and outcome go to the raw evidence whatever happens. */
  private callOnce<T>(what: string, ref: AcquisitionRef, attempt: number, signal: AbortSignal, fn: (o: Opts) => Promise<unknown>): Promise<T> {
    return this.inFlight(() => this.attemptCall<T>(what, ref, attempt, signal, fn));
  }

  private async attemptCall<T>(what: string, ref: AcquisitionRef, attempt: number, signal: AbortSignal, fn: (o: Opts) => Promise<unknown>): Promise<T> {
    signal.throwIfAborted();
    const sink: Captured = {};
    const seq = this.recorder.begin();
    const startedAt = new Date().toISOString();
    // A stuck API server must not hang the snapshot: each call has its own deadline.
    const local = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      local.abort();
    }, this.callTimeoutMs);
    const onAbort = () => local.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let error: KubeApiError | null = null;
    try {
      await fn(callOptions(local.signal, sink, await this.sharedAgent()));
    } catch (err) {
      error =
        timedOut && !signal.aborted
          ? new KubeApiError(0, 'Timeout', `${what} timed out after ${Math.round(this.callTimeoutMs / 1000)} s`)
          : toKubeApiError(err, this.target, what, sink.body?.toString('utf8'));
      error.retryAfterMs = parseRetryAfter(sink.retryAfter);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
    const body = sink.body ?? Buffer.alloc(0);
    const path = requestPath(sink.url, this.server);
    await this.recorder.recordBody(seq, 'json', body, attemptEntry({ method: sink.method ?? 'GET', path, attempt, startedAt, status: sink.status ?? 0, complete: sink.body !== undefined, error, ref }));
    if (error) throw error;
    try {
      return JSON.parse(body.toString('utf8')) as T;
    } catch {
      throw new KubeApiError(sink.status ?? 0, 'BadResponse', `${what} returned a body that is not JSON`);
    }
  }

  async *listPages(kind: ListableKind, req: ListRequest): AsyncIterable<KubeObject[]> {
    const def = LISTS[kind];
    const ns = req.namespace;
    if (ns !== undefined && (CLUSTER_SCOPED_KINDS.has(kind) || !def.ns)) throw new Error(`${kind} is cluster-scoped`);
    const what = ns !== undefined ? `listing ${kind} in namespace ${ns}` : `listing ${kind}`;
    const limit = req.pageSize ?? this.pageSize;
    const seen = new Set<string>();
    let restarts = 0;
    let cont: string | undefined;
    for (;;) {
      let body: { items?: unknown[]; metadata?: { continue?: string } };
      try {
        const page: Page = cont ? { limit, _continue: cont } : { limit };
        const ref: AcquisitionRef = { kind: 'list', listKind: kind, namespace: ns ?? null, continued: !!cont };
        body = await this.call(what, ref, req.signal, (o) => (ns !== undefined ? def.ns!(this.apis, ns, page, o) : def.all(this.apis, page, o)));
      } catch (err) {
        // The continue token expired (410): start over; objects already yielded are skipped by uid.
        if (err instanceof KubeApiError && err.status === 410 && cont && restarts < MAX_RESTARTS) {
          restarts++;
          cont = undefined;
          continue;
        }
        throw err;
      }
      const items = unseenObjects(body.items, seen);
      if (items.length > 0) yield items;
      cont = body.metadata?.continue || undefined;
      if (!cont) return;
    }
  }

  async list(kind: ListableKind, req: ListRequest): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    for await (const page of this.listPages(kind, req)) out.push(...page);
    return out;
  }

  /** Who the API server says we are (SelfSubjectReview); null when it cannot be asked. */
  async whoAmI(signal: AbortSignal): Promise<string | null> {
    const auth = this.kc.makeApiClient(AuthenticationV1Api);
    try {
      const review = await this.call<{ status?: { userInfo?: { username?: string } } }>('asking who we are (SelfSubjectReview)', { kind: 'review' }, signal, (o) =>
        auth.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } }, o),
      );
      return review.status?.userInfo?.username || null;
    } catch (err) {
      if (err instanceof KubeApiError && [403, 404, 405].includes(err.status)) return null;
      throw err;
    }
  }

  /**
   * The server's version (/version): proves the server answers, and goes into the manifest.
   * Null when refused. A raw GET: the generated VersionApi skips per-call middleware, so its
   * body could not be kept.
   */
  async serverVersion(signal: AbortSignal): Promise<string | null> {
    const what = 'reading the server version';
    const body = await withRetry({ policy: this.retryPolicy, budget: this.retryBudget, signal }, (attempt) => this.inFlight(async () => {
      const seq = this.recorder.begin();
      const startedAt = new Date().toISOString();
      const chunks: Buffer[] = [];
      const out: LogAttempt = { status: 0, bytes: 0, error: null, cut: null };
      let complete = false;
      try {
        complete = await this.streamInto('/version', what, signal, { write: async (c) => void chunks.push(c) }, out);
      } catch (err) {
        out.error = toKubeApiError(err, this.target, what);
      }
      const buf = Buffer.concat(chunks);
      await this.recorder.recordBody(seq, 'json', buf, attemptEntry({ method: 'GET', path: '/version', attempt, startedAt, status: out.status, complete, error: out.error, ref: { kind: 'version' } }));
      if (out.error) throw out.error;
      return buf;
    })).catch((err: unknown) => {
      if (err instanceof KubeApiError && [403, 404].includes(err.status)) return null;
      throw err;
    });
    if (body === null) return null;
    try {
      const v = JSON.parse(body.toString('utf8')) as { gitVersion?: unknown };
      return typeof v.gitVersion === 'string' ? v.gitVersion : null;
    } catch {
      throw new KubeApiError(200, 'BadResponse', `${what} returned a body that is not JSON`);
    }
  }

  /** The keep-alive agent every request shares (none through a proxy: client-node's proxy agent is kept). */
  private async sharedAgent(): Promise<http.Agent | undefined> {
    if (this.agent || this.kc.getCurrentCluster()?.proxyUrl) return this.agent;
    return (await this.rawOptions()).agent as http.Agent | undefined;
  }

  /** TLS settings and credentials for a raw request (tokens from exec plugins refresh here). */
  private async rawOptions(): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    const cluster = this.kc.getCurrentCluster();
    if (!cluster?.proxyUrl) {
      // One keep-alive agent for all log requests: thousands of containers, one TLS session pool.
      this.agent ??= this.server.startsWith('https:')
        ? new ResumingAgent({
            keepAlive: true,
            // One TLS context for every connection: without it each new connection (every exec
            // is one) parses the CA and key again and holds its own native context until a GC.
            secureContext: createSecureContext({ ca: opts.ca, cert: opts.cert, key: opts.key, pfx: opts.pfx, passphrase: opts.passphrase }),
            servername: cluster?.tlsServerName,
            rejectUnauthorized: cluster?.skipTLSVerify ? false : (opts.rejectUnauthorized ?? true),
          })
        : new http.Agent({ keepAlive: true });
      opts.agent = this.agent;
    }
    return opts;
  }

  async fetchLog(req: LogRequest): Promise<LogFetch> {
    const what = `reading the ${req.previous ? 'previous ' : ''}log of ${req.namespace}/${req.pod}/${req.container}`;
    const stream = this.nextStream++;
    let state: ResumeState = START;
    let bytes = 0;
    for (let attempt = 1; ; attempt++) {
      req.signal.throwIfAborted();
      const resume: LogResume | null = state.at === null ? null : { sinceTime: resumeSinceTime(state.at), at: state.at, skip: state.count };
      const ref: AcquisitionRef = { kind: 'log', namespace: req.namespace, pod: req.pod, container: req.container, previous: req.previous, stream, resume };
      const r = await this.inFlight(() => this.logAttempt(req, what, ref, attempt));
      bytes += r.bytes;
      if (r.error === null) return { outcome: 'ok', bytes, attempts: attempt, message: '' };
      const err = r.error;
      if (isAbort(err) || req.signal.aborted) throw err;
      if (r.status === 400 && isNoLog(err)) return { outcome: 'no-log', bytes, attempts: attempt, message: '' };
      if (r.status === 403) return { outcome: 'forbidden', bytes, attempts: attempt, message: err.message };
      // A cut stream resumes after the lines it delivered whole; the rest is asked for again.
      if (r.cut) state = resumeAfter(await this.recorder.readBack(r.cut), state);
      const retry = attempt < this.retryPolicy.maxAttempts && (r.cut !== null || isTransient(err));
      const wait = retry ? retryDelay(attempt, this.retryPolicy, err) : 0;
      if (!retry || !this.retryBudget.take(wait)) {
        const outcome = bytes > 0 ? 'partial' : 'failed';
        const where = bytes > 0 ? ` after ${bytes} bytes (the bytes received are kept)` : '';
        return { outcome, bytes, attempts: attempt, message: `${err.message}${where}; gave up after ${attempt} attempt(s)` };
      }
      await sleep(wait, undefined, { signal: req.signal });
    }
  }

  /** One request of a log stream, its body streamed into a raw file as it arrives. */
  private async logAttempt(req: LogRequest, what: string, ref: Extract<AcquisitionRef, { kind: 'log' }>, attempt: number): Promise<LogAttempt> {
    const q = new URLSearchParams({ container: req.container, timestamps: 'true' });
    if (req.previous) q.set('previous', 'true');
    if (ref.resume) q.set('sinceTime', ref.resume.sinceTime);
    else if (req.sinceSeconds !== undefined) q.set('sinceSeconds', String(Math.max(1, Math.floor(req.sinceSeconds))));
    const path = `/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods/${encodeURIComponent(req.pod)}/log?${q.toString()}`;
    const seq = this.recorder.begin();
    const startedAt = new Date().toISOString();
    const out: LogAttempt = { status: 0, bytes: 0, error: null, cut: null };
    const file = this.recorder.stream('log');
    let complete = false;
    try {
      complete = await this.streamInto(path, what, req.signal, file, out);
    } catch (err) {
      out.error = toKubeApiError(err, this.target, what);
    }
    if (!complete && out.error === null) out.error = new KubeApiError(0, 'ECONNRESET', `${what} was cut off`);
    const entry = await this.recorder.finish(seq, file, attemptEntry({ method: 'GET', path, attempt, startedAt, status: out.status, complete, error: out.error, ref }));
    if (!complete && out.status >= 200 && out.status < 300 && entry?.file) out.cut = entry;
    return out;
  }

  /** Streams one response into `file`; true when the body ended normally. Non-2xx bodies are kept too. */
  private async streamInto(path: string, what: string, signal: AbortSignal, file: { write(chunk: Buffer): Promise<void> } | null, out: LogAttempt): Promise<boolean> {
    signal.throwIfAborted();
    const url = new URL(`${this.server}${path}`);
    const opts = await this.rawOptions().catch((err: unknown) => {
      throw toKubeApiError(err, this.target, what);
    });
    // The signal is not passed to http.request: Node hands it on to the pooled keep-alive
    // socket, which an abort would later destroy with nobody listening (an uncaught error).
    let request: http.ClientRequest | undefined;
    let response: http.IncomingMessage | undefined;
    const onAbort = () => {
      const err = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
      response?.destroy(err);
      request?.destroy(err);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const mod = url.protocol === 'https:' ? https : http;
        request = mod.request(url, { ...opts, method: 'GET', headers: { ...(opts.headers ?? {}), Accept: 'text/plain, */*' } }, resolve);
        request.on('error', (err) => reject(toKubeApiError(err, this.target, what)));
        // A log that stops sending (a stuck kubelet) fails after this much silence.
        request.setTimeout(this.logIdleTimeoutMs, () => {
          const err = new KubeApiError(0, 'Timeout', `${what} stalled: no data for ${Math.round(this.logIdleTimeoutMs / 1000)} s`);
          response?.destroy(err);
          request?.destroy(err);
        });
        request.end();
      });
      response = res;
      res.on('error', () => undefined);
      out.status = res.statusCode ?? 0;
      const ok = out.status >= 200 && out.status <= 299;
      // Keep the Status body of a refusal (bounded): it says why (e.g. no previous terminated container).
      let errorBody = '';
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          out.bytes += chunk.length;
          if (ok || out.bytes <= 65536) await file?.write(chunk);
          if (!ok && errorBody.length < 65536) errorBody += chunk.toString('utf8');
        }
      } finally {
        if (!res.complete) res.destroy();
      }
      if (!ok) {
        const e = fromStatus(out.status, parseStatus(errorBody), this.target, what);
        e.retryAfterMs = parseRetryAfter(res.headers['retry-after']);
        out.error = e;
      }
      return res.complete;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Exec WebSockets through the same agent as the log requests: each exec is a new connection,
   * and the agent's TLS session cache turns its full handshake into a resumption (on a cluster
   * with thousands of containers, most of the CPU an exec costs).
   */
  private async execWithSharedTls(): Promise<Exec> {
    const exec = new Exec(this.kc);
    const agent = (await this.rawOptions()).agent;
    // client-node 1.x does not export its WebSocketHandler, but builds one per Exec with an
    // optional socket factory (its documented constructor argument): set that factory.
    const handler = (exec as unknown as { handler?: { socketFactory?: unknown } }).handler;
    if (agent && handler && 'socketFactory' in handler) {
      handler.socketFactory = (uri: string, protocols: string[], opts: WebSocket.ClientOptions) => new WebSocket(uri, protocols, { ...opts, agent: agent as http.Agent });
    }
    return exec;
  }

  execAttempted(): boolean {
    return true;
  }

  /** Runs the exec and records it: stdout as the raw body, the Status outcome in the index. */
  async exec(req: ExecRequest): Promise<ExecResult> {
    const { seq, startedAt, r } = await this.inFlight(async () => ({ seq: this.recorder.begin(), startedAt: new Date().toISOString(), r: await this.execOnce(req) }));
    const q = new URLSearchParams({ container: req.container, stdout: 'true', stderr: 'true' });
    for (const c of req.command) q.append('command', c);
    const upgraded = r.outcome === 'ok' || r.outcome === 'nonzero-exit' || r.outcome === 'binary-missing';
    await this.recorder.recordBody(seq, 'bin', r.stdout, {
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods/${encodeURIComponent(req.pod)}/exec?${q.toString()}`,
      attempt: 1,
      startedAt,
      endedAt: new Date().toISOString(),
      status: r.outcome === 'forbidden' ? 403 : upgraded ? 101 : 0,
      reason: r.outcome === 'ok' ? null : r.outcome,
      complete: !r.truncated,
      error: r.message || null,
      ref: {
        kind: 'exec',
        namespace: req.namespace,
        pod: req.pod,
        container: req.container,
        command: req.command,
        exec: { outcome: r.outcome, exitCode: r.exitCode, truncated: r.truncated, message: r.message, stderr: r.stderr },
      },
    });
    return r;
  }

  private async execOnce(req: ExecRequest): Promise<ExecResult> {
    const where = `exec into ${req.namespace}/${req.pod}/${req.container}`;
    const result: ExecResult = { outcome: 'failed', exitCode: null, stdout: Buffer.alloc(0), stderr: '', truncated: false, message: '' };
    if (req.signal.aborted) return { ...result, message: `${where} was cancelled` };
    let status: V1Status | null = null;
    let socket: { close(): void; readyState: number; on(ev: 'close', fn: () => void): void } | null = null;
    let finish: () => void = () => undefined;
    // Enough read: close the stream rather than pull the rest of a huge file.
    const out = new ExecCapture(req.maxBytes, () => queueMicrotask(() => socket?.close()));
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const timer = setTimeout(() => {
      result.message = `${where} timed out after ${Math.round(req.timeoutMs / 1000)} s`;
      socket?.close();
      finish();
    }, req.timeoutMs);
    const onAbort = () => {
      result.message = `${where} was cancelled`;
      socket?.close();
      finish();
    };
    req.signal.addEventListener('abort', onAbort, { once: true });
    try {
      // One Exec for every exec: it only holds the socket factory (credentials are applied per connection).
      this.execClient ??= this.execWithSharedTls().catch((err: unknown) => {
        // A credential failure is not kept: the next exec asks again.
        this.execClient = undefined;
        throw err;
      });
      const connecting = (await this.execClient).exec(req.namespace, req.pod, req.container, req.command, out.stdout, out.stderr, null, false, (st) => {
        status = st;
      });
      // The timeout and the signal also bound the WebSocket upgrade, not only the stream after it.
      const ws = await Promise.race([connecting, done.then(() => null)]);
      if (!ws) {
        connecting.then(
          (late) => late.close(),
          () => undefined,
        );
      } else {
        socket = ws as unknown as typeof socket;
        ws.on('close', () => finish());
        if (ws.readyState === ws.CLOSED) finish();
        if (req.signal.aborted) ws.close();
        await done;
      }
    } catch (err) {
      const e = toKubeApiError(err, this.target, where);
      clearTimeout(timer);
      req.signal.removeEventListener('abort', onAbort);
      if (e.status === 403) return { ...result, outcome: 'forbidden', message: `${where} is forbidden (pods/exec denied by RBAC)` };
      return { ...result, message: e.message };
    }
    clearTimeout(timer);
    req.signal.removeEventListener('abort', onAbort);
    Object.assign(result, out.result());
    return { ...result, ...interpretStatus(status, result, where) };
  }
}

/** An exec's stdout kept up to a bound (truncated past it) and the start of its stderr. */
class ExecCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;
  private err = '';
  readonly stdout: Writable;
  readonly stderr: Writable;

  constructor(
    private readonly maxBytes: number,
    onFull: () => void,
  ) {
    this.stdout = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        if (!this.truncated) {
          const room = this.maxBytes - this.size;
          if (chunk.length > room) {
            this.chunks.push(chunk.subarray(0, room));
            this.size += room;
            this.truncated = true;
            onFull();
          } else {
            this.chunks.push(chunk);
            this.size += chunk.length;
          }
        }
        cb();
      },
    });
    this.stderr = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        if (this.err.length < 4096) this.err += chunk.toString('utf8');
        cb();
      },
    });
    this.stdout.on('error', () => undefined);
    this.stderr.on('error', () => undefined);
  }

  result(): Pick<ExecResult, 'stdout' | 'stderr' | 'truncated'> {
    return { stdout: Buffer.concat(this.chunks, this.size), stderr: this.err, truncated: this.truncated };
  }
}

/** Reads the exec Status frame: Success, NonZeroExitCode, or the binary missing. */
export function interpretStatus(status: V1Status | null, partial: Pick<ExecResult, 'truncated' | 'message' | 'stderr'>, where: string): Pick<ExecResult, 'outcome' | 'exitCode' | 'message'> {
  if (!status) {
    // We closed the stream ourselves after reading enough: what we have is good.
    if (partial.truncated) return { outcome: 'ok', exitCode: null, message: '' };
    return { outcome: 'failed', exitCode: null, message: partial.message || `${where}: the stream closed without a status` };
  }
  if (status.status === 'Success') return { outcome: 'ok', exitCode: 0, message: '' };
  const msg = status.message ?? '';
  if (status.reason === 'NonZeroExitCode') {
    const code = Number(status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message);
    const exitCode = Number.isFinite(code) ? code : null;
    return { outcome: 'nonzero-exit', exitCode, message: `${where}: the command exited with code ${exitCode ?? '?'}` };
  }
  if (/executable file not found|no such file or directory|not found in \$PATH/i.test(msg)) {
    return { outcome: 'binary-missing', exitCode: null, message: `${where}: the binary is missing in the container (${msg.slice(0, 200)})` };
  }
  if (status.reason === 'Forbidden' || status.code === 403) {
    return { outcome: 'forbidden', exitCode: null, message: `${where} is forbidden: ${msg.slice(0, 200)}` };
  }
  return { outcome: 'failed', exitCode: null, message: `${where} failed: ${msg.slice(0, 200) || status.reason || 'unknown error'}` };
}
