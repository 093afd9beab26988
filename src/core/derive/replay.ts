// The cluster as the raw evidence recorded it: a ClusterApi that answers every list and exec
// from raw/ and its acquisition index, exactly as the server answered during collection
// (attempts, retries, 410 restarts and refusals included). Running a collector against it is
// how its rows are derived: the same code that chose what to ask now reads what came back,
// so the rows follow from the raw evidence alone, deterministically.
import type { ClusterApi, ExecRequest, ExecResult, ExecOutcome, ListRequest, LogFetch } from '../cluster/api.js';
import { unseenObjects } from '../cluster/client.js';
import { KubeApiError } from '../cluster/errors.js';
import type { KubeObject, ListableKind } from '../model.js';
import { readRawBody, type AcquisitionEntry } from '../evidence/raw.js';

type ListEntry = AcquisitionEntry & { ref: { kind: 'list' } };
type ExecEntry = AcquisitionEntry & { ref: { kind: 'exec' } };

const listKey = (kind: string, namespace: string | null | undefined) => `${kind}\u0000${namespace ?? ''}`;
const execKey = (ns: string, pod: string, container: string, command: readonly string[]) => JSON.stringify([ns, pod, container, command]);

export class ReplayClusterApi implements ClusterApi {
  private readonly lists = new Map<string, ListEntry[]>();
  private readonly execs = new Map<string, ExecEntry[]>();
  private readonly execContainers = new Set<string>();
  /** Body bytes of the recorded answers replayed so far (every attempt of each request). */
  bytesServed = 0;

  constructor(
    private readonly bundleDir: string,
    entries: readonly AcquisitionEntry[],
    readonly contextName = '',
    readonly server = '',
  ) {
    // Index lines are written as attempts end; requests are replayed in the order they started.
    const bySeq = [...entries].sort((a, b) => a.seq - b.seq);
    for (const e of bySeq) {
      if (e.ref.kind === 'list') push(this.lists, listKey(e.ref.listKind, e.ref.namespace), e as ListEntry);
      else if (e.ref.kind === 'exec') {
        push(this.execs, execKey(e.ref.namespace, e.ref.pod, e.ref.container, e.ref.command), e as ExecEntry);
        this.execContainers.add(JSON.stringify([e.ref.namespace, e.ref.pod, e.ref.container]));
      }
    }
  }

  async attachRaw(): Promise<void> {}

  /**
   * The pages as the collector received them: each request's last attempt decides; a failed
   * request followed by another was a 410 restart, a failed last request is the error the
   * collector saw. Objects are de-duplicated by uid across restarts, as the live client does.
   */
  async *listPages(kind: ListableKind, req: ListRequest): AsyncIterable<KubeObject[]> {
    const requests = lastAttempts(this.lists.get(listKey(kind, req.namespace)) ?? []);
    if (requests.length === 0) throw new KubeApiError(0, 'NotCollected', `${kind} was not listed during collection`);
    const seen = new Set<string>();
    this.bytesServed += (this.lists.get(listKey(kind, req.namespace)) ?? []).reduce((n, e) => n + e.bytes, 0);
    for (let i = 0; i < requests.length; i++) {
      const e = requests[i]!;
      if (e.error !== null || e.status < 200 || e.status > 299) {
        if (i < requests.length - 1) continue;
        throw new KubeApiError(e.status, e.reason ?? 'Error', e.error ?? `listing ${kind} failed with ${e.status}`);
      }
      const body = JSON.parse((await this.read(e)).toString('utf8')) as { items?: unknown[] };
      const items = unseenObjects(body.items, seen);
      if (items.length > 0) yield items;
    }
  }

  async list(kind: ListableKind, req: ListRequest): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    for await (const page of this.listPages(kind, req)) out.push(...page);
    return out;
  }

  execAttempted(namespace: string, pod: string, container: string): boolean {
    return this.execContainers.has(JSON.stringify([namespace, pod, container]));
  }

  /** The next recorded exec of this argv in this container, with its stdout as kept. */
  async exec(req: ExecRequest): Promise<ExecResult> {
    const queue = this.execs.get(execKey(req.namespace, req.pod, req.container, req.command));
    const e = queue?.shift();
    if (!e) return { outcome: 'failed', exitCode: null, stdout: Buffer.alloc(0), stderr: '', truncated: false, message: `exec of ${req.command.join(' ')} was not recorded` };
    const x = e.ref.exec;
    this.bytesServed += e.bytes;
    return { outcome: x.outcome as ExecOutcome, exitCode: x.exitCode, stdout: await this.read(e), stderr: x.stderr, truncated: x.truncated, message: x.message };
  }

  fetchLog(): Promise<LogFetch> {
    return Promise.reject(new Error('log rows are derived from raw/ by derive/logs.ts, not replayed'));
  }

  private async read(e: AcquisitionEntry): Promise<Buffer> {
    return readRawBody(this.bundleDir, e);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

/** The last attempt of each request (attempts of one request are consecutive, numbered from 1). */
function lastAttempts<T extends AcquisitionEntry>(entries: readonly T[]): T[] {
  const out: T[] = [];
  for (const e of entries) {
    if (e.attempt === 1 || out.length === 0) out.push(e);
    else out[out.length - 1] = e;
  }
  return out;
}
