// The serving limit for `npm run bench:collect`: every container log of the cluster fetched straight
// from the API server with node:https (no client library, no parsing, no disk), counting bytes only.
// The requests are the ones the collector makes: the current log with timestamps=true and the since
// window, plus previous=true where the pod status says the container restarted.
//
// Run in its own process (like the collector) so the client's TLS and socket work does not share
// the emulator's event loop:
//   node --import tsx bench/servingLimit.ts --kubeconfig <file> --concurrency 32,1
// After an untimed warm-up (the first 2 × the widest concurrency requests) it prints one JSON line:
//   { requests, current, previous, runs: [{ concurrency, wallMs, bytes, failed, statuses }] }
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

export interface Target {
  server: string;
  ca: string;
  token: string;
}

export interface LogRequest {
  path: string;
  previous: boolean;
}

export interface FetchRun {
  concurrency: number;
  wallMs: number;
  bytes: number;
  /** Requests not answered 200 (or that failed on the socket). */
  failed: number;
  /** Count of answers per HTTP status ("error" for a socket failure). */
  statuses: Record<string, number>;
}

export interface ServingReport {
  requests: number;
  current: number;
  previous: number;
  runs: FetchRun[];
}

interface NamedUser {
  name?: string;
  user?: { token?: string };
}
interface NamedCluster {
  name?: string;
  cluster?: { server?: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string };
}
interface NamedContext {
  name?: string;
  context?: { cluster?: string; user?: string };
}

/** Server, CA and bearer token of the kubeconfig's current context (what the emulator writes). */
export async function targetFromKubeconfig(file: string): Promise<Target> {
  const kc = parse(await readFile(file, 'utf8')) as {
    'current-context'?: string;
    contexts?: NamedContext[];
    clusters?: NamedCluster[];
    users?: NamedUser[];
  };
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context']) ?? kc.contexts?.[0];
  const cluster = kc.clusters?.find((c) => c.name === ctx?.context?.cluster) ?? kc.clusters?.[0];
  const user = kc.users?.find((u) => u.name === ctx?.context?.user) ?? kc.users?.[0];
  const server = cluster?.cluster?.server;
  const caData = cluster?.cluster?.['certificate-authority-data'];
  const caFile = cluster?.cluster?.['certificate-authority'];
  const ca = caData ? Buffer.from(caData, 'base64').toString('utf8') : caFile ? await readFile(caFile, 'utf8') : undefined;
  const token = user?.user?.token;
  if (!server || !ca || !token) throw new Error(`${file}: need a server, a certificate authority and a token in the current context`);
  return { server, ca, token };
}

function get(t: Target, agent: Agent, path: string, onData?: (n: number) => void): Promise<{ status: number; body?: string }> {
  return new Promise((done, fail) => {
    const req = request(new URL(path, t.server), { agent, headers: { Authorization: `Bearer ${t.token}`, Accept: onData ? '*/*' : 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => (onData ? onData(c.length) : chunks.push(c)));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: onData ? undefined : Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

interface PodJson {
  metadata?: { name?: string; namespace?: string };
  spec?: { containers?: { name?: string }[]; initContainers?: { name?: string }[]; ephemeralContainers?: { name?: string }[] };
  status?: {
    containerStatuses?: { name?: string; restartCount?: number }[];
    initContainerStatuses?: { name?: string; restartCount?: number }[];
    ephemeralContainerStatuses?: { name?: string; restartCount?: number }[];
  };
}

/** Every log request for the cluster: lists the pods (paginated, not timed) and derives the paths. */
export async function listLogRequests(t: Target, sinceSeconds: number): Promise<LogRequest[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: t.ca });
  const out: LogRequest[] = [];
  try {
    let cont = '';
    do {
      const q = new URLSearchParams({ limit: '500' });
      if (cont) q.set('continue', cont);
      const r = await get(t, agent, `/api/v1/pods?${q}`);
      if (r.status !== 200) throw new Error(`listing pods answered ${r.status}: ${r.body?.slice(0, 300)}`);
      const list = JSON.parse(r.body ?? '{}') as { items?: PodJson[]; metadata?: { continue?: string } };
      for (const pod of list.items ?? []) {
        const ns = pod.metadata?.namespace;
        const name = pod.metadata?.name;
        if (!ns || !name) continue;
        const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
        const restarted = new Set(statuses.filter((s) => (s.restartCount ?? 0) > 0).map((s) => s.name));
        const names = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c) => c.name);
        for (const c of names) {
          if (!c) continue;
          const base = `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/log`;
          const q = new URLSearchParams({ container: c, timestamps: 'true' });
          if (sinceSeconds > 0) q.set('sinceSeconds', String(sinceSeconds));
          out.push({ path: `${base}?${q}`, previous: false });
          if (restarted.has(c)) {
            q.set('previous', 'true');
            out.push({ path: `${base}?${q}`, previous: true });
          }
        }
      }
      cont = list.metadata?.continue ?? '';
    } while (cont);
  } finally {
    agent.destroy();
  }
  return out;
}

/** Fetches every log with `concurrency` requests in flight over keep-alive connections. */
export async function fetchLogs(t: Target, reqs: readonly LogRequest[], concurrency: number): Promise<FetchRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: t.ca });
  const statuses: Record<string, number> = {};
  let bytes = 0;
  let failed = 0;
  let next = 0;
  const count = (n: number) => (bytes += n);
  const worker = async () => {
    while (next < reqs.length) {
      const r = reqs[next++]!;
      try {
        const { status } = await get(t, agent, r.path, count);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== 200) failed++;
      } catch {
        statuses.error = (statuses.error ?? 0) + 1;
        failed++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, reqs.length)) }, worker));
  const wallMs = performance.now() - started;
  agent.destroy();
  return { concurrency, wallMs, bytes, failed, statuses };
}

export async function measureServing(kubeconfig: string, concurrencies: readonly number[], sinceSeconds = 24 * 3600): Promise<ServingReport> {
  const t = await targetFromKubeconfig(kubeconfig);
  const reqs = await listLogRequests(t, sinceSeconds);
  // Warm-up, not timed: JIT on both sides, so the first timed run is not paying for it alone.
  const widest = Math.max(1, ...concurrencies);
  await fetchLogs(t, reqs.slice(0, 2 * widest), widest);
  const runs: FetchRun[] = [];
  for (const c of concurrencies) runs.push(await fetchLogs(t, reqs, c));
  const previous = reqs.filter((r) => r.previous).length;
  return { requests: reqs.length, current: reqs.length - previous, previous, runs };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      concurrency: { type: 'string', default: '32,1' },
      'since-seconds': { type: 'string', default: String(24 * 3600) },
    },
  });
  if (!values.kubeconfig) throw new Error('--kubeconfig is required');
  const cs = values.concurrency.split(',').map((s) => Number(s.trim()));
  if (cs.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`--concurrency ${values.concurrency}: whole numbers ≥ 1, comma-separated`);
  const report = await measureServing(values.kubeconfig, cs, Number(values['since-seconds']));
  process.stdout.write(JSON.stringify(report) + '\n');
}
