// ClusterApi over the real @kubernetes/client-node 1.4. Lists go through the generated API
// classes with per-call middleware: `pre` attaches the AbortSignal, `post` keeps the raw JSON
// exactly as the server sent it (client-node's model classes drop unknown fields and turn
// timestamps into Dates; forensics wants the object as kubectl shows it). Logs are a raw
// streaming request carrying the kubeconfig's TLS and credentials; exec is client-node's Exec.
import https from 'node:https';
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
  VersionApi,
  type ConfigurationOptions,
  type KubeConfig,
  type ObservableMiddleware,
  type RequestContext,
  type V1Status,
} from '@kubernetes/client-node';
import type { KubeObject, ListableKind } from '../collectors/types.js';
import type { ClusterApi, ExecRequest, ExecResult, ListRequest, LogLineBytes, LogRequest } from './api.js';
import { CLUSTER_SCOPED_KINDS } from './api.js';
import { KubeApiError, fromStatus, parseStatus, toKubeApiError, type CallTarget } from './errors.js';
import { splitLines } from './lines.js';
import type { LoadedKubeconfig } from './kubeconfig.js';

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
};

/** What the `post` middleware saw: the raw response body. */
interface Captured {
  status?: number;
  text?: string;
}

/**
 * Per-call options: the signal goes on the request; the raw body is kept and, on success, the
 * generated deserializer is handed an empty object (we parse the raw JSON ourselves).
 */
function callOptions(signal: AbortSignal, sink: Captured): Opts {
  const mw: ObservableMiddleware = {
    pre: (ctx: RequestContext) => {
      ctx.setSignal(signal as Parameters<RequestContext['setSignal']>[0]);
      return new Observable(Promise.resolve(ctx));
    },
    post: (rsp: ResponseContext) =>
      new Observable(
        (async () => {
          const text = await rsp.body.text();
          sink.status = rsp.httpStatusCode;
          sink.text = text;
          const ok = rsp.httpStatusCode >= 200 && rsp.httpStatusCode < 300;
          const handed = ok ? '{}' : text;
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

export class KubeClusterApi implements ClusterApi {
  readonly contextName: string;
  readonly server: string;
  readonly target: CallTarget;
  private readonly kc: KubeConfig;
  private readonly apis: Apis;
  private agent?: http.Agent;

  /** Deadline of one API call (one list page, one review). */
  callTimeoutMs = 120_000;
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

  /** Runs one generated call and returns the raw JSON body; errors become KubeApiError. */
  private async call<T>(what: string, signal: AbortSignal, fn: (o: Opts) => Promise<unknown>): Promise<T> {
    signal.throwIfAborted();
    const sink: Captured = {};
    // A stuck API server must not hang the snapshot: each call has its own deadline.
    const local = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      local.abort();
    }, this.callTimeoutMs);
    const onAbort = () => local.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await fn(callOptions(local.signal, sink));
    } catch (err) {
      if (timedOut && !signal.aborted) throw new KubeApiError(0, 'Timeout', `${what} timed out after ${Math.round(this.callTimeoutMs / 1000)} s`);
      throw toKubeApiError(err, this.target, what, sink.text);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
    try {
      return JSON.parse(sink.text ?? '') as T;
    } catch {
      throw new KubeApiError(sink.status ?? 0, 'BadResponse', `${what} returned a body that is not JSON`);
    }
  }

  async *listPages(kind: ListableKind, req: ListRequest): AsyncIterable<KubeObject[]> {
    const def = LISTS[kind];
    const ns = req.namespace;
    if (ns !== undefined && (CLUSTER_SCOPED_KINDS.has(kind) || !def.ns)) throw new Error(`${kind} is cluster-scoped`);
    const what = ns !== undefined ? `listing ${kind} in namespace ${ns}` : `listing ${kind}`;
    const limit = req.pageSize ?? DEFAULT_PAGE;
    const seen = new Set<string>();
    let restarts = 0;
    let cont: string | undefined;
    for (;;) {
      let body: { items?: unknown[]; metadata?: { continue?: string } };
      try {
        const page: Page = cont ? { limit, _continue: cont } : { limit };
        body = await this.call(what, req.signal, (o) => (ns !== undefined ? def.ns!(this.apis, ns, page, o) : def.all(this.apis, page, o)));
      } catch (err) {
        // The continue token expired (410): start over; objects already yielded are skipped by uid.
        if (err instanceof KubeApiError && err.status === 410 && cont && restarts < MAX_RESTARTS) {
          restarts++;
          cont = undefined;
          continue;
        }
        throw err;
      }
      const items: KubeObject[] = [];
      for (const raw of body.items ?? []) {
        const obj = toKubeObject(raw);
        const key = obj.metadata?.uid || `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        items.push(obj);
      }
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
      const review = await this.call<{ status?: { userInfo?: { username?: string } } }>('asking who we are (SelfSubjectReview)', signal, (o) =>
        auth.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } }, o),
      );
      return review.status?.userInfo?.username || null;
    } catch (err) {
      if (err instanceof KubeApiError && [403, 404, 405].includes(err.status)) return null;
      throw err;
    }
  }

  /** A cheap call that proves the server answers and accepts our credentials. */
  async ping(signal: AbortSignal): Promise<void> {
    const version = this.kc.makeApiClient(VersionApi);
    try {
      await this.call('reading the server version', signal, (o) => version.getCode(o));
    } catch (err) {
      if (err instanceof KubeApiError && [403, 404].includes(err.status)) return;
      throw err;
    }
  }

  /** TLS settings and credentials for a raw request (tokens from exec plugins refresh here). */
  private async rawOptions(): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    const cluster = this.kc.getCurrentCluster();
    if (!cluster?.proxyUrl) {
      // One keep-alive agent for all log requests: thousands of containers, one TLS session pool.
      this.agent ??= this.server.startsWith('https:')
        ? new https.Agent({
            keepAlive: true,
            ca: opts.ca,
            cert: opts.cert,
            key: opts.key,
            pfx: opts.pfx,
            passphrase: opts.passphrase,
            servername: cluster?.tlsServerName,
            rejectUnauthorized: cluster?.skipTLSVerify ? false : (opts.rejectUnauthorized ?? true),
          })
        : new http.Agent({ keepAlive: true });
      opts.agent = this.agent;
    }
    return opts;
  }

  async *streamLog(req: LogRequest): AsyncIterable<LogLineBytes> {
    const what = `reading the ${req.previous ? 'previous ' : ''}log of ${req.namespace}/${req.pod}/${req.container}`;
    req.signal.throwIfAborted();
    const q = new URLSearchParams({ container: req.container });
    if (req.timestamps) q.set('timestamps', 'true');
    if (req.previous) q.set('previous', 'true');
    if (req.sinceSeconds !== undefined) q.set('sinceSeconds', String(Math.max(1, Math.floor(req.sinceSeconds))));
    const url = new URL(
      `${this.server}/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods/${encodeURIComponent(req.pod)}/log?${q.toString()}`,
    );
    let opts: https.RequestOptions;
    try {
      opts = await this.rawOptions();
    } catch (err) {
      throw toKubeApiError(err, this.target, what);
    }
    // The signal is not passed to http.request: Node hands it on to the pooled keep-alive
    // socket, which an abort would later destroy with nobody listening (an uncaught error).
    let request: http.ClientRequest | undefined;
    let response: http.IncomingMessage | undefined;
    const onAbort = () => {
      const err = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
      response?.destroy(err);
      request?.destroy(err);
    };
    req.signal.addEventListener('abort', onAbort, { once: true });
    try {
      req.signal.throwIfAborted();
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
      // Errors while reading reach us through the iterators below.
      res.on('error', () => undefined);
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) {
        // Keep the Status body (bounded): it says why (e.g. no previous terminated container).
        let body = '';
        for await (const chunk of res) {
          if (body.length < 65536) body += (chunk as Buffer).toString('utf8');
        }
        throw fromStatus(status, parseStatus(body), this.target, what);
      }
      try {
        for await (const line of splitLines(res as AsyncIterable<Buffer>)) yield { bytes: line.bytes, split: line.split };
      } finally {
        if (!res.complete) res.destroy();
      }
    } catch (err) {
      throw toKubeApiError(err, this.target, what);
    } finally {
      req.signal.removeEventListener('abort', onAbort);
    }
  }

  async exec(req: ExecRequest): Promise<ExecResult> {
    const where = `exec into ${req.namespace}/${req.pod}/${req.container}`;
    const result: ExecResult = { outcome: 'failed', exitCode: null, stdout: Buffer.alloc(0), stderr: '', truncated: false, message: '' };
    if (req.signal.aborted) return { ...result, message: `${where} was cancelled` };
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let status: V1Status | null = null;
    let socket: { close(): void; readyState: number; on(ev: 'close', fn: () => void): void } | null = null;
    let finish: () => void = () => undefined;
    const stdout = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        if (!result.truncated) {
          const room = req.maxBytes - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            size += room;
            result.truncated = true;
            // Enough read: close the stream rather than pull the rest of a huge file.
            queueMicrotask(() => socket?.close());
          } else {
            chunks.push(chunk);
            size += chunk.length;
          }
        }
        cb();
      },
    });
    const stderrSink = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        if (stderr.length < 4096) stderr += chunk.toString('utf8');
        cb();
      },
    });
    stdout.on('error', () => undefined);
    stderrSink.on('error', () => undefined);
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
      const connecting = new Exec(this.kc).exec(req.namespace, req.pod, req.container, req.command, stdout, stderrSink, null, false, (st) => {
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
    result.stdout = Buffer.concat(chunks, size);
    result.stderr = stderr;
    return { ...result, ...interpretStatus(status, result, where) };
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
