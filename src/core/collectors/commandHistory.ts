// Command history read from running containers through exec, with argv only (no shell):
// `ls -1 -A /home /root` finds the users and root's history files in one exec (for most
// containers the only one), one `stat -c '%Y %s %n' ...` finds which history files exist (with
// their modification time and size), then `cat PATH` reads each (or `tail -c N` when the file is
// larger than the bound: the newest commands are at the end). Each container gets a
// HistoryStatus row; anything not collected is also a gap for the manifest. Never fatal.
import { commandHistory, suspiciousPods } from '../schema/tables.js';
import { normalizeTime } from '../schema/time.js';
import { isAbort } from '../cluster/errors.js';
import type { ExecResult } from '../cluster/api.js';
import type { Collector, CollectorContext, CollectorEvent } from './types.js';
import type { GapStatus, CollectedRow, KubeObject } from '../model.js';
import { common, gapEvent, listWithGaps, mergeBounded, meta, obj, podContainers, rowEvent, str, type PodContainer } from './common.js';
import { HISTORY_FILES, parseHistory, type Shell } from './historyParsers.js';
import { ContainerContentScanner } from '../detections/contentRules.js';
import { suspiciousPodRow } from '../detections/rows.js';

type Row = CollectedRow<typeof commandHistory.name>;
type Status = 'ok' | 'empty' | 'not-found' | 'truncated' | 'distroless' | 'no-cat' | 'nonzero-exit' | 'exec-forbidden' | 'exec-failed';

const EXEC_TIMEOUT_MS = 30_000;
const LISTING_MAX_BYTES = 64 * 1024;
const MAX_USERS = 64;
/** /home entries we are willing to turn into a path: no separators, no dot-dot, no control bytes. */
const SAFE_USER = /^[A-Za-z0-9_][A-Za-z0-9._@-]{0,63}$/;

const GAP_OF: Partial<Record<Status, GapStatus>> = {
  distroless: 'skipped',
  'no-cat': 'skipped',
  'exec-forbidden': 'forbidden',
  'exec-failed': 'failed',
  'nonzero-exit': 'failed',
  truncated: 'partial',
};

interface Candidate {
  user: string;
  shell: Shell;
  path: string;
  mtime: string | null;
  size: number | null;
}

export function homeUsers(listing: string): string[] {
  return listing
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => SAFE_USER.test(s))
    .slice(0, MAX_USERS);
}

export function candidatesFor(users: string[]): Candidate[] {
  const homes = [{ user: 'root', dir: '/root' }, ...users.map((u) => ({ user: u, dir: `/home/${u}` }))];
  return homes.flatMap((h) => HISTORY_FILES.map((f) => ({ user: h.user, shell: f.shell, path: `${h.dir}/${f.rel}`, mtime: null, size: null })));
}

/** Parses `stat -c '%Y %s %n'` output, keeping only paths we asked about. */
export function parseStat(out: string, asked: Candidate[]): Candidate[] {
  const byPath = new Map(asked.map((c) => [c.path, c]));
  const found: Candidate[] = [];
  for (const line of out.split('\n')) {
    const m = /^(\d+) (\d+) (.+)$/.exec(line.trim());
    const c = m && byPath.get(m[3]!);
    if (!m || !c) continue;
    found.push({ ...c, mtime: normalizeTime(new Date(Number(m[1]) * 1000)), size: Number(m[2]) });
  }
  return found;
}

/** `ls -1 -A /home /root`: both home folders in one exec, each under its `DIR:` header. */
const LIST_HOMES = ['ls', '-1', '-A', '/home', '/root'];
const STAT = ['stat', '-c', '%Y %s %n'];

/** Every name in a listing of several folders (headers left out: a name cannot hold a '/'). */
export function listedNames(listing: string): string[] {
  return listing.split('\n').filter((l) => l !== '' && !(l.startsWith('/') && l.endsWith(':')));
}

/**
 * The history files worth a stat after the home listing. Names from both folders count for
 * both: a name holding a newline can fake a folder header, and reading every name as a possible
 * user and a possible root file means such a name can add a candidate but never hide one. Root's
 * files are narrowed to the listed names only when ls listed both folders without an error.
 */
export function statCandidates(ls: ExecResult): Candidate[] {
  const listed = ls.outcome === 'ok' || ls.outcome === 'nonzero-exit' ? listedNames(ls.stdout.toString('utf8')) : [];
  const names = new Set(listed);
  const all = candidatesFor(homeUsers(listed.join('\n')));
  const rootCount = HISTORY_FILES.length;
  const rootFiles = all.slice(0, rootCount).filter((f) => ls.outcome !== 'ok' || names.has(f.path.split('/')[2]!));
  return [...rootFiles, ...all.slice(rootCount)];
}

export const commandHistoryCollector: Collector = {
  artifact: 'commandHistory',
  async *collect(ctx: CollectorContext): AsyncIterable<CollectorEvent> {
    if (!ctx.options.execEnabled) {
      yield gapEvent('commandHistory', { scope: 'all containers', status: 'skipped', message: 'exec-based collection is switched off' });
      return;
    }
    const { items, gaps } = await listWithGaps(ctx, 'commandHistory', 'pods');
    yield* gaps;
    const targets: { pod: KubeObject; container: PodContainer }[] = [];
    for (const pod of items) {
      for (const container of podContainers(pod)) {
        // exec needs a running container; a replay leaves out those the snapshot never reached.
        if (obj(container.status?.state).running && ctx.cluster.execAttempted(str(meta(pod).namespace), str(meta(pod).name), container.name)) targets.push({ pod, container });
      }
    }
    const total = targets.length;
    let done = 0;
    yield { kind: 'progress', done, total };
    yield* mergeBounded(targets, ctx.options.concurrency, ctx.signal, async (t, emit, signal) => {
      try {
        await historyOfContainer(ctx, t.pod, t.container, emit, signal);
      } catch (err) {
        if (isAbort(err) || signal.aborted) throw err;
        const m = meta(t.pod);
        await emit(gapEvent('commandHistory', { scope: `exec into ${str(m.namespace)}/${str(m.name)}/${t.container.name}`, status: 'failed', message: err instanceof Error ? err.message : String(err) }));
      }
      done++;
      await emit({ kind: 'progress', done, total });
    });
  },
};

/** One container's history: list the home folders, stat what may be history, read each file. */
async function historyOfContainer(ctx: CollectorContext, pod: KubeObject, c: PodContainer, emit: (e: CollectorEvent) => Promise<void>, signal: AbortSignal): Promise<void> {
  const h = new ContainerHistory(ctx, pod, c, emit, signal);
  const found = await h.discover();
  if (!found) return;
  let readFiles = 0;
  let commands = 0;
  for (const f of found.files) {
    const read = await h.readFile(f, found);
    if (read === 'stop') return;
    if (read === 'skipped') continue;
    readFiles++;
    commands += read;
  }
  await h.finish(readFiles, commands);
}

/** What the listing and stat said: the files to read, and how sure we are they exist. */
interface Discovered {
  files: Candidate[];
  /** Files stat confirmed (a failed read of one of them is a problem; of a blind probe, normal). */
  verified: Set<Candidate>;
  lsMissing: boolean;
  statKnown: boolean;
}

/** The steps of one container's history collection, sharing its identity, exec and row helpers. */
class ContainerHistory {
  private readonly namespace: string;
  private readonly podName: string;
  private readonly where: string;
  private readonly max: number;
  // What was typed, not only what the spec allowed: each command also goes through the content rules.
  private readonly scanner: ContainerContentScanner;

  constructor(
    private readonly ctx: CollectorContext,
    pod: KubeObject,
    private readonly c: PodContainer,
    private readonly emit: (e: CollectorEvent) => Promise<void>,
    private readonly signal: AbortSignal,
  ) {
    const m = meta(pod);
    this.namespace = str(m.namespace);
    this.podName = str(m.name);
    this.where = `${this.namespace}/${this.podName}/${c.name}`;
    this.max = Math.max(1, ctx.options.historyMaxBytes);
    this.scanner = new ContainerContentScanner('history', { namespace: this.namespace, pod: this.podName, container: c.name });
  }

  private exec(command: string[], maxBytes = LISTING_MAX_BYTES): Promise<ExecResult> {
    return this.ctx.cluster.exec({ namespace: this.namespace, pod: this.podName, container: this.c.name, command, maxBytes, timeoutMs: EXEC_TIMEOUT_MS, signal: this.signal });
  }

  private fileColumns(f: Partial<Candidate> = {}) {
    return { HistoryFile: f.path ?? '', Shell: f.shell ?? '', User: f.user ?? '', FileModifiedTime: f.mtime ?? null };
  }

  /** A status row for the container (or one file), and a gap when the status is one. */
  async status(st: Status, message: string, f?: Candidate): Promise<void> {
    const row: Row = {
      ...common({ time: this.ctx.options.now, type: 'HistoryStatus', namespace: this.namespace, pod: this.podName, container: this.c.name, summary: `History ${st}${f ? ` for ${f.path}` : ''}: ${message}` }),
      Command: '',
      ...this.fileColumns(f),
      LineNumber: null,
      TimeSource: 'none',
      CollectionStatus: st,
      StatusMessage: message,
    };
    await this.emit(rowEvent(commandHistory.name, row));
    const gap = GAP_OF[st];
    if (gap) await this.emit(gapEvent('commandHistory', { scope: f ? `${f.path} in ${this.where}` : `exec into ${this.where}`, status: gap, message }));
  }

  /** Reports an exec that ends the container's collection (forbidden, failed); true when it did. */
  private async stopOn(r: ExecResult): Promise<boolean> {
    if (r.outcome === 'forbidden') {
      await this.status('exec-forbidden', r.message);
      return true;
    }
    if (r.outcome === 'failed') {
      this.signal.throwIfAborted();
      await this.status('exec-failed', r.message);
      return true;
    }
    return false;
  }

  /**
   * One listing of both home folders decides what to stat: most containers have no history at
   * all, and for them this single exec (a WebSocket and a CRI call each) is the whole cost.
   * Null when there is nothing to read (its status row is written).
   */
  async discover(): Promise<Discovered | null> {
    const ls = await this.exec(LIST_HOMES);
    if (await this.stopOn(ls)) return null;
    const toStat = statCandidates(ls);
    if (toStat.length === 0) {
      await this.status('not-found', 'no history file was found for root or any /home user');
      return null;
    }
    const st = await this.exec([...STAT, ...toStat.map((f) => f.path)]);
    if (st.outcome === 'forbidden' && (await this.stopOn(st))) return null;
    // stat exits 1 when some files are missing: its stdout still lists the others.
    const statKnown = st.outcome === 'ok' || st.outcome === 'nonzero-exit';
    // No stat: probe each file with cat.
    const files = statKnown ? parseStat(st.stdout.toString('utf8'), toStat) : toStat;
    return { files, verified: new Set(statKnown ? files : []), lsMissing: ls.outcome === 'binary-missing', statKnown };
  }

  /** Reads one file into rows: the commands it held, 'skipped' when it is not there, 'stop' when the container cannot be read. */
  async readFile(f: Candidate, found: Discovered): Promise<number | 'skipped' | 'stop'> {
    const max = this.max;
    const tooBig = f.size !== null && f.size > max;
    let r = await this.exec(tooBig ? ['tail', '-c', String(max), f.path] : ['cat', f.path], max);
    if (tooBig && r.outcome === 'binary-missing') r = await this.exec(['cat', f.path], max);
    if (r.outcome === 'binary-missing') {
      const st: Status = found.lsMissing && !found.statKnown ? 'distroless' : 'no-cat';
      await this.status(st, st === 'distroless' ? 'the container has no ls, stat or cat (distroless image)' : 'the container has no cat binary, so its files cannot be read');
      return 'stop';
    }
    if (await this.stopOn(r)) return 'stop';
    if (r.outcome === 'nonzero-exit') {
      // Without stat we probe blindly: a missing file is the normal case, not a problem.
      if (found.verified.has(f)) await this.status('nonzero-exit', `${r.message}${r.stderr ? `: ${r.stderr.trim().slice(0, 200)}` : ''}`, f);
      return 'skipped';
    }
    const truncated = r.truncated || tooBig;
    const n = await this.commandRows(f, r.stdout, truncated);
    if (truncated) await this.status('truncated', `${f.path} is larger than ${max} bytes; only ${max} bytes of it (its end when tail was available) were read`, f);
    return n;
  }

  /** One row per command of the file, each followed by what the content rules found in it. */
  private async commandRows(f: Candidate, bytes: Buffer, truncated: boolean): Promise<number> {
    let n = 0;
    for (const e of parseHistory(f.shell, bytes)) {
      n++;
      // While acquiring only the count matters (the closing status says ok or empty).
      if (this.ctx.acquiring) continue;
      const time = e.epoch !== null ? new Date(e.epoch * 1000) : f.mtime;
      const row: Row = {
        ...common({ time, type: 'HistoryCommand', namespace: this.namespace, pod: this.podName, container: this.c.name, summary: `${f.user}@${this.c.name} (${f.shell}): ${e.command}` }),
        Command: e.command,
        ...this.fileColumns(f),
        LineNumber: n,
        TimeSource: e.timeSource ?? (f.mtime ? 'file-mtime' : 'none'),
        CollectionStatus: truncated ? 'truncated' : 'ok',
        StatusMessage: '',
      };
      await this.emit(rowEvent(commandHistory.name, row));
      for (const hit of this.scanner.check(e.command, `history:${f.path}#${n}`, row.EventTime)) await this.emit(rowEvent(suspiciousPods.name, suspiciousPodRow(hit)));
    }
    return n;
  }

  /** The container's cap finding and its closing status row. */
  async finish(readFiles: number, commands: number): Promise<void> {
    const capped = this.scanner.capFinding();
    if (capped) await this.emit(rowEvent(suspiciousPods.name, suspiciousPodRow(capped)));
    if (readFiles === 0) await this.status('not-found', 'no history file was found for root or any /home user');
    else if (commands === 0) await this.status('empty', `${readFiles} history file(s) found, all empty`);
    else await this.status('ok', `${commands} command(s) from ${readFiles} history file(s)`);
  }
}
