// Read-only documents of the kubeforensys: scheme: a container's collected log lines or command
// history, rendered from the bundle. The URI carries the bundle folder and the container in its
// query (JSON), so a document reopened after a reload still resolves.
import type { Bundle } from '../core/evidence/reader.js';
import { commandHistory, containerLogs, type CommandHistoryRow, type ContainerLogRow } from '../core/schema/tables.js';
import { DOCUMENT_SCHEME } from './ids.js';

export type EvidenceKind = 'logs' | 'history';

export interface EvidenceRef {
  kind: EvidenceKind;
  bundleDir: string;
  namespace: string;
  pod: string;
  container: string;
}

/** The URI as a string (the host parses it with vscode.Uri.parse). */
export function evidenceUri(ref: EvidenceRef): string {
  const seg = (s: string) => encodeURIComponent(s || '-');
  const file = ref.kind === 'logs' ? 'log' : 'history';
  const query = encodeURIComponent(JSON.stringify({ k: ref.kind, b: ref.bundleDir, n: ref.namespace, p: ref.pod, c: ref.container }));
  return `${DOCUMENT_SCHEME}:/${seg(ref.namespace)}/${seg(ref.pod)}/${seg(ref.container)}.${file}?${query}`;
}

/** Parses the (already percent-decoded) query of a kubeforensys: URI; undefined when malformed. */
export function parseEvidenceQuery(query: string): EvidenceRef | undefined {
  let v: unknown;
  try {
    v = JSON.parse(query);
  } catch {
    try {
      v = JSON.parse(decodeURIComponent(query));
    } catch {
      return undefined;
    }
  }
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if ((o.k !== 'logs' && o.k !== 'history') || typeof o.b !== 'string' || typeof o.n !== 'string' || typeof o.p !== 'string' || typeof o.c !== 'string') return undefined;
  return { kind: o.k, bundleDir: o.b, namespace: o.n, pod: o.p, container: o.c };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

const same = (r: { Namespace: string; PodName: string; ContainerName: string }, ref: EvidenceRef) =>
  r.Namespace === ref.namespace && r.PodName === ref.pod && r.ContainerName === ref.container;

export async function renderEvidence(bundle: Pick<Bundle, 'readTable' | 'manifest'>, ref: EvidenceRef, signal?: AbortSignal): Promise<string> {
  return ref.kind === 'logs' ? renderLogs(bundle, ref, signal) : renderHistory(bundle, ref, signal);
}

async function renderLogs(bundle: Pick<Bundle, 'readTable' | 'manifest'>, ref: EvidenceRef, signal?: AbortSignal): Promise<string> {
  const previous: ContainerLogRow[] = [];
  const current: ContainerLogRow[] = [];
  for await (const row of bundle.readTable(containerLogs.name, { signal })) {
    if (same(row, ref)) (row.Previous ? previous : current).push(row);
  }
  const byLine = (a: ContainerLogRow, b: ContainerLogRow) => num(a.LineNumber) - num(b.LineNumber);
  const out = [header(bundle, ref, 'Container log')];
  const section = (title: string, rows: ContainerLogRow[]) => {
    out.push(`# ---- ${title}: ${rows.length} lines ----`);
    for (const r of rows.sort(byLine)) out.push(`${r.TimestampParsed === false ? '(no timestamp)' : str(r.EventTime)} ${str(r.Message)}`);
  };
  if (previous.length) section('previous instance', previous);
  section('current instance', current);
  return out.join('\n') + '\n';
}

async function renderHistory(bundle: Pick<Bundle, 'readTable' | 'manifest'>, ref: EvidenceRef, signal?: AbortSignal): Promise<string> {
  const files = new Map<string, CommandHistoryRow[]>();
  const status: CommandHistoryRow[] = [];
  for await (const row of bundle.readTable(commandHistory.name, { signal })) {
    if (!same(row, ref)) continue;
    // A container's status row (one per container, ok or not) is no history entry: it must not open a file section.
    if (row.EventType === 'HistoryStatus' || (row.Command === '' && row.LineNumber === null)) status.push(row);
    else {
      const file = str(row.HistoryFile);
      const list = files.get(file) ?? [];
      list.push(row);
      files.set(file, list);
    }
  }
  const out = [header(bundle, ref, 'Command history')];
  for (const s of status) out.push(`# ${str(s.HistoryFile) || 'container'}: ${str(s.CollectionStatus)}${s.StatusMessage ? `: ${str(s.StatusMessage)}` : ''}`);
  if (files.size === 0 && status.length === 0) out.push('# no command history was collected for this container');
  for (const [file, rows] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const first = rows[0]!;
    out.push(fileHeader(file, first));
    for (const r of rows.sort((a, b) => num(a.LineNumber) - num(b.LineNumber))) {
      const when = r.TimeSource === 'none' || !r.EventTime ? '' : `${r.EventTime} `;
      out.push(`${when}${str(r.Command)}`);
    }
  }
  return out.join('\n') + '\n';
}

/** `# ---- /root/.bash_history (bash, user root, times from bash-timestamp) ----`, naming only what is known. */
function fileHeader(file: string, first: CommandHistoryRow): string {
  const facts = [str(first.Shell), first.User ? `user ${str(first.User)}` : '', first.TimeSource && first.TimeSource !== 'none' ? `times from ${str(first.TimeSource)}` : 'no times recorded', first.CollectionStatus === 'truncated' ? 'truncated' : ''];
  return `# ---- ${file || '(history file without a path)'} (${facts.filter(Boolean).join(', ')}) ----`;
}

function header(bundle: Pick<Bundle, 'manifest'>, ref: EvidenceRef, what: string): string {
  const m = bundle.manifest;
  return `# ${what} of ${ref.namespace}/${ref.pod}/${ref.container} from snapshot ${m.snapshotId} (${m.cluster.context}, collected ${m.startedAt}); read-only copy of ${ref.bundleDir}`;
}
