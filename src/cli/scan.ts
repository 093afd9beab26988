// `kubeforensys scan PATH...`: the detections over manifests read offline (YAML or JSON files,
// multi-document, kubectl List output, or directories of them).
// Exit codes: 0 no non-baseline finding at or above --fail-on; 1 there is one; 2 a usage error or
// an input that could not be read (the other inputs are still scanned and reported).
import { Command, InvalidArgumentError, Option } from 'commander';
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  DEFAULT_BASELINE,
  defaultScanWorkers,
  DetectionStream,
  mergeBaselines,
  parseBaseline,
  objKey,
  MAX_STRING_CHARS,
  readInput,
  readInputs,
  severityRank,
  sortFindings,
  toSarif,
  type Baseline,
  type Finding,
  type ScanLaneOptions,
  type SarifInputError,
  type Severity,
} from '../core/detections/index.js';
import { DEFAULT_COLLECT_OPTIONS } from '../core/collectors/types.js';
import { TOOL_VERSION } from '../core/version.js';
import { UsageError } from './collect.js';
import { cliStreams, renderTable, safeText } from './format.js';

export const SCAN_EXIT = { clean: 0, findings: 1, usage: 2 } as const;

export type ScanFormat = 'table' | 'json' | 'sarif';

export interface ScanFlags {
  format: ScanFormat;
  failOn: Severity | 'none';
  baseline?: string;
  platformRegistries?: string[];
  /** Window for the Recent mark on RBAC findings, seconds before now. */
  sinceSeconds?: number;
  /** Worker threads reading the input beside the main thread (default defaultScanWorkers()). */
  workers?: number;
}

export interface ScanIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  now: () => Date;
  /** What `-` reads: the manifests piped in (null when standard input is a terminal). */
  stdin?: () => AsyncIterable<Uint8Array> | null;
}

const defaultIO = (): ScanIO => ({
  stdout: (s) => void cliStreams().stdout.write(s),
  stderr: (s) => void cliStreams().stderr.write(s),
  cwd: process.cwd(),
  now: () => new Date(),
  stdin: () => (process.stdin.isTTY ? null : process.stdin),
});

/** The path that names standard input, as in kubectl apply -f -. */
const STDIN = '-';

/** Standard input's text, for `-`; a UsageError when nothing is piped in or it is more than one string can hold. */
async function readStdin(io: Pick<ScanIO, 'stdin'>): Promise<string> {
  const source = io.stdin?.() ?? null;
  if (!source) throw new UsageError('scan - reads manifests from standard input, and nothing is piped in: e.g. kubectl get pods -A -o yaml | kubeforensys scan -');
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    if (bytes > MAX_STRING_CHARS) throw new UsageError(`standard input holds more than ${Math.round(MAX_STRING_CHARS / 2 ** 20)} MB: save it to a file and scan that (a large List export is then read a part at a time).`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const MANIFEST_EXT = /\.(ya?ml|json)$/i;

/**
 * Files named on the command line, and the manifest files inside named directories (sorted, no
 * dot-directories). Links to files are followed, links to directories are not (a link can make a
 * loop); an entry that is no file (a FIFO, a socket, a device) but is named like a manifest is
 * listed so that its read reports it instead of it being left out unsaid.
 */
async function expand(path: string, cwd: string, errors: SarifInputError[]): Promise<string[]> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    errors.push({ file: path, message: `${displayPath(path, cwd)} cannot be read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}.` });
    return [];
  }
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(path, e.name);
    if (e.isDirectory()) out.push(...(await expand(p, cwd, errors)));
    else if (MANIFEST_EXT.test(e.name) && !(e.isSymbolicLink() && (await isDirectory(p)))) out.push(p);
  }
  return out;
}

/**
 * Each file once, under the name it was first given: a file named twice, or named and inside a
 * named folder, or reached through a link, would count its findings twice.
 */
async function onceEach(files: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of files) {
    const key = f === STDIN ? f : await realpath(f).catch(() => f);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((st) => st.isDirectory(), () => false);
}

async function loadBaseline(file: string | undefined): Promise<Baseline> {
  if (!file) return DEFAULT_BASELINE;
  let doc: unknown;
  try {
    doc = parseYaml(await readInput(file));
  } catch (e) {
    throw new UsageError(`baseline file ${file} cannot be read: ${(e as Error).message.split('\n')[0]}`);
  }
  return mergeBaselines(DEFAULT_BASELINE, parseBaseline(doc, `baseline file ${file}`));
}

export interface ScanResult {
  findings: Finding[];
  errors: SarifInputError[];
  /** Files read as manifests. */
  files: number;
}

/** Reads every input and runs the detections over all of them together (RBAC spans files). */
export async function scanPaths(paths: readonly string[], flags: Omit<ScanFlags, 'format' | 'failOn'>, io: Pick<ScanIO, 'cwd' | 'now' | 'stdin'>, lanes?: ScanLaneOptions): Promise<ScanResult> {
  const errors: SarifInputError[] = [];
  const baseline = await loadBaseline(flags.baseline && resolve(io.cwd, flags.baseline));
  const named: string[] = [];
  for (const p of paths) named.push(...(p === STDIN ? [STDIN] : await expand(resolve(io.cwd, p), io.cwd, errors)));
  const files = await onceEach(named);
  const stdin = files.includes(STDIN) ? await readStdin(io) : undefined;
  const platformRegistries = flags.platformRegistries ?? DEFAULT_COLLECT_OPTIONS.platformRegistries;
  const stream = new DetectionStream({ platformRegistries, baseline, now: io.now(), sinceSeconds: flags.sinceSeconds ?? DEFAULT_COLLECT_OPTIONS.sinceSeconds });
  // File by file, a large List in runs of entries, on every core: objects are let go once their findings are taken.
  const inputs = files.map((file) => (file === STDIN ? { file, label: 'standard input', text: stdin } : { file, label: displayPath(file, io.cwd) }));
  const read = await readInputs(inputs, stream, platformRegistries, { workers: flags.workers, ...lanes });
  const findings = stream.finish().map((f) => ({ ...f, source: read.where.get(objKey(f.resource.kind, f.resource.namespace, f.resource.name)) }));
  return { findings: sortFindings(findings), errors: [...errors, ...read.errors], files: read.readable };
}

/** The JSON output: one object per finding with the fields of the issue, evidence grouped. */
export function findingJson(f: Finding, cwd: string) {
  return {
    ruleId: f.ruleId,
    title: f.title,
    severity: f.severity,
    techniqueId: f.techniqueId,
    techniqueName: f.techniqueName,
    tactics: f.tactics,
    resource: { ...f.resource },
    evidence: { fieldPath: f.fieldPath, value: f.fieldValue },
    explanation: f.explanation,
    baseline: f.baseline,
    ...(f.subject ? { subject: f.subject, bindings: f.bindings, recent: f.recent } : {}),
    ...(f.source ? { file: displayPath(f.source.file, cwd), line: f.source.line } : {}),
  };
}

/** A path as the user would write it: relative to the working directory when it is inside it. */
function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function renderFindingsTable(result: ScanResult): string {
  const rows = result.findings.map((f) => {
    const ns = f.resource.namespace ? `${f.resource.namespace}/` : '';
    const c = f.resource.container ? ` [${f.resource.container}]` : '';
    const subject = f.subject ? ` → ${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}` : '';
    return [
      f.severity + (f.baseline ? ' (baseline)' : f.recent ? ' (recent)' : ''),
      f.ruleId,
      safeText(`${f.resource.kind} ${ns}${f.resource.name}${c}${subject}`, 70),
      f.techniqueId,
      safeText(f.explanation, 160),
    ];
  });
  const count = (s: Severity) => result.findings.filter((f) => f.severity === s).length;
  const baseline = result.findings.filter((f) => f.baseline).length;
  const summary =
    `${result.findings.length} finding(s): ${count('high')} high, ${count('medium')} medium, ${count('low')} low, ${count('info')} info` +
    `; ${baseline} on expected platform workloads (baseline); ${result.files} file(s) scanned` +
    (result.errors.length ? `, ${result.errors.length} unreadable` : '') +
    '.';
  return (rows.length ? renderTable(['SEVERITY', 'RULE', 'RESOURCE', 'TECHNIQUE', 'EXPLANATION'], rows) + '\n\n' : '') + summary + '\n';
}

/** Runs the scan and writes the report; returns the exit code. */
export async function runScan(paths: readonly string[], flags: ScanFlags, io: ScanIO = defaultIO()): Promise<number> {
  const result = await scanPaths(paths, flags, io);
  for (const e of result.errors) io.stderr(`kubeforensys scan: ${safeText(e.message, 400)}\n`);
  switch (flags.format) {
    case 'json':
      io.stdout(JSON.stringify(result.findings.map((f) => findingJson(f, io.cwd)), null, 2) + '\n');
      break;
    case 'sarif':
      io.stdout(JSON.stringify(toSarif(result.findings, result.errors, { toolVersion: TOOL_VERSION, cwd: io.cwd }), null, 2) + '\n');
      break;
    default:
      io.stdout(renderFindingsTable(result));
  }
  if (result.errors.length) return SCAN_EXIT.usage;
  if (flags.failOn === 'none') return SCAN_EXIT.clean;
  const threshold = severityRank(flags.failOn);
  // Baseline findings are expected platform behaviour: reported, but they do not fail a pipeline.
  return result.findings.some((f) => !f.baseline && severityRank(f.severity) >= threshold) ? SCAN_EXIT.findings : SCAN_EXIT.clean;
}

function parseWorkers(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 64) throw new InvalidArgumentError(`"${value}" is not a number of worker threads; give a whole number from 0 to 64.`);
  return n;
}

function parseRegistries(value: string): string[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw new InvalidArgumentError('give at least one registry prefix, e.g. mcr.microsoft.com/');
  return list;
}

export function registerScanCommand(program: Command, io?: ScanIO): void {
  program
    .command('scan')
    .description('Scan Kubernetes manifests offline (YAML or JSON, multi-document, kubectl List output, or directories of them) for suspicious pods and risky RBAC, tagged with Threat Matrix for Kubernetes techniques.')
    .argument('<paths...>', 'manifest files or directories; - reads them from standard input')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'sarif']).default('table'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a non-baseline finding is at or above this severity').choices(['high', 'medium', 'low', 'info', 'none']).default('high'))
    .option('--baseline <file>', 'extra expected platform workloads (same shape as the built-in baseline.json)')
    .option('--platform-registries <list>', 'comma-separated image prefixes expected in kube-system', parseRegistries)
    .option('--workers <n>', `worker threads that read large inputs beside the main thread (default ${defaultScanWorkers()} here: one fewer than the cores, at most 3, none on 2 cores or fewer; 0 reads on the main thread only)`, parseWorkers)
    .action(async (paths: string[], flags: ScanFlags) => {
      process.exitCode = await runScan(paths, flags, io ?? defaultIO());
    });
}
