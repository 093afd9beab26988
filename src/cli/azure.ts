// `kubeforensys provision | ingest | kql | timeline`: the Azure side of the CLI. Heavy Azure SDK
// modules load only when a command that needs them runs.
import { Command, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { TABLES, type TableName } from '../core/schema/tables.js';
import { SEVERITIES, type Severity } from '../core/schema/timeline.js';
import { normalizeTime } from '../core/schema/time.js';
import { emptyFilter, type ContainerRef, type PodRef, type TimelineFilter } from '../core/timeline/filter.js';
import { buildTimelineQuery } from '../core/timeline/kql.js';
import { INSIGHTS_TABLE_NAMES, isInsightsTableName, type InsightsTableName } from '../core/schema/insightsTables.js';
import { azureStatePath, azureTiming, defaultStatePath, DEFAULT_LOCATION, DEFAULT_WORKSPACE_NAME } from '../core/azure/state.js';
import type { AzureConnection } from '../core/azure/credentials.js';
import type { ProvisionRequest } from '../core/azure/provision.js';
import type { Arrival } from '../core/azure/query.js';
import { setTimeout as delay } from 'node:timers/promises';
import { EXIT, UsageError, parseList } from './collect.js';
import { formatBytes, renderTable, safeText } from './format.js';
import { TIMELINE_OUTPUT_FORMATS, bundleOrigin, exportToFile, writeTimeline } from './timelineOutput.js';
import type { TimelineSource } from '../core/timeline/source.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const collect = (value: string, previous: string[] = []) => [...previous, ...parseList(value)];

function parseTime(value: string): string {
  const t = normalizeTime(value);
  if (!t) throw new InvalidArgumentError(`"${value}" is not a date and time; use ISO-8601, e.g. 2026-01-31T12:00:00Z.`);
  return t;
}

interface FilterFlags {
  from?: string;
  to?: string;
  namespace?: string[];
  pod?: string[];
  container?: string[];
  table?: string[];
  eventType?: string[];
  severity?: string[];
  text?: string;
  workload?: string[];
  hideBaseline?: boolean;
  record?: string[];
  withInsights?: string[];
}

function addFilterOptions(cmd: Command): Command {
  return cmd
    .option('--from <time>', 'inclusive start (ISO-8601)', parseTime)
    .option('--to <time>', 'exclusive end (ISO-8601)', parseTime)
    .option('--namespace <list>', 'namespaces (comma-separated, repeatable)', collect)
    .option('--pod <ns/pod>', 'pods as namespace/pod (comma-separated, repeatable)', collect)
    .option('--container <ns/pod/container>', 'containers as namespace/pod/container (repeatable)', collect)
    .option('--table <list>', `source tables: ${TABLES.map((t) => t.name).join(', ')}`, collect)
    .option('--event-type <list>', 'event types, e.g. LogLine,Finding', collect)
    .option('--severity <list>', `severities: ${SEVERITIES.join(', ')}`, collect)
    .option('--workload <ns/kind/name>', 'findings on workloads as namespace/kind/name, e.g. prod/Deployment/web (repeatable)', collect)
    .option('--hide-baseline', 'leave out findings on expected platform workloads (the baseline)')
    .option('--record <ids>', 'only these RecordIds (comma-separated, repeatable)', collect)
    .option('--text <text>', 'case-insensitive text in any text column or Details value (rule ids, IPs, messages)');
}

/** The filter from the flags; times are normalized so string comparison is time comparison. */
export function filterFromFlags(f: FilterFlags): TimelineFilter {
  const filter = emptyFilter();
  if (f.from) filter.from = f.from;
  if (f.to) filter.to = f.to;
  filter.namespaces = f.namespace ?? [];
  filter.pods = (f.pod ?? []).map((p): PodRef => {
    const i = p.indexOf('/');
    if (i <= 0 || i === p.length - 1) throw new UsageError(`--pod "${p}" must be namespace/pod.`);
    return { namespace: p.slice(0, i), pod: p.slice(i + 1) };
  });
  filter.containers = (f.container ?? []).map((c): ContainerRef => {
    const parts = c.split('/');
    if (parts.length !== 3 || parts.some((x) => !x)) throw new UsageError(`--container "${c}" must be namespace/pod/container.`);
    return { namespace: parts[0]!, pod: parts[1]!, container: parts[2]! };
  });
  const bad = (f.table ?? []).filter((t) => !TABLES.some((x) => x.name === t) && !isInsightsTableName(t));
  if (bad.length) throw new UsageError(`unknown table ${bad.join(', ')}.`);
  filter.sourceTables = (f.table ?? []) as TableName[];
  filter.eventTypes = f.eventType ?? [];
  const badSev = (f.severity ?? []).filter((s) => !(SEVERITIES as readonly string[]).includes(s));
  if (badSev.length) throw new UsageError(`unknown severity ${badSev.join(', ')}; choose from ${SEVERITIES.join(', ')}.`);
  filter.severities = (f.severity ?? []) as Severity[];
  filter.text = f.text ?? '';
  filter.workloads = (f.workload ?? []).map((w) => {
    const parts = w.split('/');
    if (parts.length !== 3 || parts.some((x) => !x)) throw new UsageError(`--workload "${w}" must be namespace/kind/name.`);
    return { namespace: parts[0]!, kind: parts[1]!, name: parts[2]! };
  });
  filter.hideBaseline = f.hideBaseline === true;
  filter.recordIds = f.record ?? [];
  return filter;
}

function insightsFromFlags(list: string[] | undefined): InsightsTableName[] {
  const names = list ?? [];
  const bad = names.filter((n) => !isInsightsTableName(n));
  if (bad.length) throw new UsageError(`--with-insights: unknown ${bad.join(', ')}; choose from ${INSIGHTS_TABLE_NAMES.join(', ')}.`);
  return names as InsightsTableName[];
}

export { writeTimeline };

/** The local timeline of a bundle, from the indexed local engine (rows.ts semantics). */
async function bundleTimeline(dir: string, signal: AbortSignal): Promise<TimelineSource> {
  const [{ openBundle }, { loadLocalTimeline }] = await Promise.all([import('../core/evidence/reader.js'), import('../core/timeline/local.js')]);
  return loadLocalTimeline(await openBundle(dir), { signal });
}

function withSigint<T>(io: CliIo, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    io.stderr.write(`\nCancelling ${what}…\n`);
    controller.abort(new Error('cancelled by the user'));
  };
  process.on('SIGINT', onSigint);
  return fn(controller.signal).finally(() => process.off('SIGINT', onSigint));
}

interface ProvisionFlags {
  plan?: boolean;
  check?: boolean;
  subscription?: string;
  resourceGroup?: string;
  workspace: string;
  location?: string;
  retentionDays?: number;
  withDce?: boolean;
  tenant?: string;
  state?: string;
  json?: boolean;
}

function provisionCommand(program: Command, io: CliIo): void {
  program
    .command('provision')
    .description('Create or update the Log Analytics workspace, one custom table per bundle table and the data collection rule(s). Idempotent.')
    .option('--plan', 'print what would be created or changed and touch nothing')
    .option('--check', 'read what exists and report drift from the schema and missing roles of the signed-in identity; writes nothing (exit 3 on drift)')
    .option('--subscription <id>', 'Azure subscription id (default: AZURE_SUBSCRIPTION_ID)')
    .option('--resource-group <name>', 'existing resource group')
    .option('--workspace <name>', 'workspace name', DEFAULT_WORKSPACE_NAME)
    .option('--location <region>', `Azure region for new resources (default ${DEFAULT_LOCATION}; an existing workspace keeps its own, and the rules and endpoint follow it)`)
    .option('--retention-days <n>', 'workspace retention, 30-730 days', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 30 || n > 730) throw new InvalidArgumentError('retention must be a whole number of days from 30 to 730.');
      return n;
    })
    .option('--with-dce', 'also create a data collection endpoint (for private-link setups)')
    .option('--tenant <id>', 'Microsoft Entra tenant to sign in to')
    .option('--state <file>', `where the resulting ids are stored (default ${defaultStatePath()})`)
    .option('--json', 'print the steps and ids as JSON')
    .action((f: ProvisionFlags) => runProvision(io, f));
}

async function runProvision(io: CliIo, f: ProvisionFlags): Promise<void> {
  const [{ cliConnection }, { provision }, { saveProvisioned }] = await Promise.all([import('../core/azure/credentials.js'), import('../core/azure/provision.js'), import('../core/azure/state.js')]);
  const conn = await cliConnection({ tenantId: f.tenant, subscriptionId: f.subscription });
  const subscriptionId = f.subscription ?? process.env.AZURE_SUBSCRIPTION_ID ?? conn.subscriptionId;
  if (!subscriptionId) throw new UsageError('pass --subscription (or set AZURE_SUBSCRIPTION_ID).');
  if (!f.resourceGroup) throw new UsageError('pass --resource-group: the resource group the workspace and rule go in (it must exist).');
  if (f.plan && f.check) throw new UsageError('--plan and --check both only read: pass one of them.');
  const req = { subscriptionId, resourceGroup: f.resourceGroup, workspaceName: f.workspace, location: f.location, retentionDays: f.retentionDays, withDce: f.withDce };
  const log = (m: string) => io.stderr.write(`${safeText(m, 2000)}\n`);
  if (f.check) return runCheck(io, conn, req, f, log);
  const result = await withSigint(io, 'provisioning', (signal) =>
    provision(conn, { ...req, plan: f.plan }, {
      signal,
      ...azureTiming(conn),
      log,
      onStep: f.json ? undefined : (s) => io.stdout.write(`${f.plan ? 'would ' : ''}${s.action === 'unchanged' ? 'keep' : s.action} ${s.kind} ${s.name}${s.detail ? ` (${s.detail})` : ''}\n`),
    }),
  );
  const stateFile = azureStatePath(f.state);
  if (result.state && !f.plan) await saveProvisioned(result.state, stateFile);
  if (f.json) return void io.stdout.write(JSON.stringify({ changed: result.changed, steps: result.steps, state: result.state }, null, 2) + '\n');
  if (f.plan) return void io.stdout.write(result.changed ? 'Plan only: nothing was changed.\n' : 'Everything is already in place: nothing to do.\n');
  io.stdout.write(result.changed ? `Provisioned. Ids saved to ${stateFile}\n` : `Nothing changed: everything was already in place. Ids saved to ${stateFile}\n`);
  if (result.changed && result.state) {
    // Provisioning does not grant itself data access (that needs Owner); say how, once.
    io.stdout.write('Sending data needs the "Monitoring Metrics Publisher" role on the rule(s) (or the custom role in docs/azure-custom-role.json):\n');
    for (const r of result.state.rules) io.stdout.write(`  az role assignment create --role "Monitoring Metrics Publisher" --assignee <you> --scope ${r.resourceId}\n`);
  }
}

async function runCheck(io: CliIo, conn: AzureConnection, req: ProvisionRequest, f: ProvisionFlags, log: (m: string) => void): Promise<void> {
  const { checkProvisioned } = await import('../core/azure/check.js');
  const result = await withSigint(io, 'the check', (signal) => checkProvisioned(conn, req, { signal, ...azureTiming(conn), log }));
  if (f.json) io.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else {
    for (const s of result.drift) io.stdout.write(`drift: ${s.kind} ${s.name} would be ${s.action === 'create' ? 'created' : 'updated'}${s.detail ? ` (${s.detail})` : ''}\n`);
    for (const r of result.roles) io.stdout.write(r.ok ? `ok: can ${r.purpose} (${r.role})\n` : `missing: cannot ${r.purpose}: needs "${r.role}" on ${r.scope} (${r.missing})\n`);
    io.stdout.write(result.ok ? 'Everything matches the schema and the signed-in identity holds the roles it needs.\n' : `Not ready: ${result.drift.length} resource(s) differ from the schema, ${result.roles.filter((r) => !r.ok).length} role(s) missing; nothing was changed.\n`);
  }
  if (!result.ok) process.exitCode = EXIT.partial;
}

function ingestCommand(program: Command, io: CliIo): void {
  program
    .command('ingest')
    .argument('<bundle>', 'evidence bundle folder')
    .description('Send a bundle to the workspace through the Logs Ingestion API; resumes where an earlier run stopped.')
    .option('--state <file>', `ids written by provision (default ${defaultStatePath()})`)
    .option('--tenant <id>', 'Microsoft Entra tenant to sign in to')
    .option('--concurrency <n>', 'requests in flight (default 4)', (v) => Number(v))
    .option('--json', 'print the result as JSON')
    .action((bundle: string, f: { state?: string; tenant?: string; concurrency?: number; json?: boolean }) => runIngest(io, bundle, f));
}

async function runIngest(io: CliIo, bundle: string, f: { state?: string; tenant?: string; concurrency?: number; json?: boolean }): Promise<void> {
  const [{ cliConnection }, { ingestBundle }, { readState, recordIngest }, { readManifest }] = await Promise.all([
    import('../core/azure/credentials.js'),
    import('../core/azure/ingest.js'),
    import('../core/azure/state.js'),
    import('../core/evidence/reader.js'),
  ]);
  const stateFile = azureStatePath(f.state);
  const state = await readState(stateFile);
  const conn = await cliConnection({ tenantId: f.tenant, subscriptionId: state.subscriptionId });
  const tty = (io.stderr as NodeJS.WriteStream).isTTY;
  const dir = resolve(bundle);
  const result = await withSigint(io, 'ingestion (the checkpoint keeps what was sent)', (signal) =>
    ingestBundle(conn, dir, state, {
      signal,
      maxConcurrency: f.concurrency,
      log: (m) => io.stderr.write(`${tty ? '\r\x1b[2K' : ''}${safeText(m, 2000)}\n`),
      onProgress: tty ? (p) => io.stderr.write(`\r\x1b[2K… ${p.table} ${p.rowsSent + p.rowsSkipped}/${p.rowsTotal} rows · ${formatBytes(p.bytesSent)}`) : undefined,
    }),
  );
  if (tty) io.stderr.write('\r\x1b[2K');
  const snapshotId = (await readManifest(dir)).snapshotId;
  await recordIngest(stateFile, { snapshotId, rows: result.delivered, at: new Date().toISOString() });
  const incomplete = result.quarantined.length > 0 || Object.values(result.tables).some((t) => t?.stopped);
  if (incomplete) process.exitCode = EXIT.partial;
  if (f.json) return void io.stdout.write(JSON.stringify(result, null, 2) + '\n');
  const rows = Object.entries(result.tables).map(([t, r]) => [t, String(r!.rows), String(r!.sent), String(r!.skipped), String(r!.quarantined), formatBytes(r!.bytes)]);
  io.stdout.write(renderTable(['Table', 'Rows', 'Sent', 'Already sent', 'Refused', 'Bytes'], rows) + '\n');
  if (result.checkpointRejected) io.stdout.write(`warning: the bundle's ingestion checkpoint was not trusted (${result.checkpointRejected}), so every record was sent.\n`);
  if (result.truncatedFields) io.stdout.write(`${result.truncatedFields} field(s) over 64 KB were truncated with a marker; the full values stay in the bundle.\n`);
  for (const q of result.quarantined.slice(0, 20)) io.stdout.write(`refused: ${q.table} ${safeText(q.recordId, 80)} (${q.code || q.status}): ${safeText(q.reason, 200)}\n`);
  for (const [t, r] of Object.entries(result.tables)) if (r?.stopped) io.stdout.write(`stopped: ${t}: ${r.stopped}.\n`);
  if (incomplete) io.stdout.write(`${result.quarantined.length} record(s) were refused by the service and stay only in the bundle; the other tables were sent.\n`);
  io.stdout.write(`${result.resumed ? 'Resumed and finished' : 'Finished'}: ${result.requests} request(s). Duplicates, if a retry ever doubles a batch, share a RecordId.\n`);
}

function kqlCommand(program: Command, io: CliIo): void {
  addFilterOptions(program.command('kql'))
    .description('Print the union KQL of the unified timeline, for pasting into the Azure portal (it filters on EventTime; the portal\'s time range applies to TimeGenerated).')
    .addOption(new Option('--with-insights <list>', `also union these Azure tables: ${INSIGHTS_TABLE_NAMES.join(', ')}`).argParser(collect))
    .option('--limit <n>', 'row limit', (v) => Number(v))
    .action((f: FilterFlags & { limit?: number }) => {
      io.stdout.write(buildTimelineQuery({ filter: filterFromFlags(f), insightsTables: insightsFromFlags(f.withInsights), limit: f.limit, forPortal: true }) + '\n');
    });
}

type TimelineFlags = FilterFlags & { workspace?: string | boolean; state?: string; tenant?: string; format: string; limit?: number; out?: string; wait?: number };

function timelineCommand(program: Command, io: CliIo): void {
  addFilterOptions(program.command('timeline'))
    .argument('[bundle]', 'evidence bundle folder (or use --workspace)')
    .description('Print the unified timeline of a bundle, or of the Log Analytics workspace.')
    .option('--workspace [id]', 'query the workspace (customer id; default: the one provision stored)')
    .option('--state <file>', `ids written by provision (default ${defaultStatePath()})`)
    .option('--tenant <id>', 'Microsoft Entra tenant to sign in to')
    .option('--wait <minutes>', 'with --workspace: wait up to this long for the last ingestion to become queryable', (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0 || n > 60) throw new InvalidArgumentError('--wait takes minutes, more than 0 and at most 60.');
      return n;
    })
    .addOption(new Option('--with-insights <list>', `also union these Azure tables (or "auto": those the workspace has): ${INSIGHTS_TABLE_NAMES.join(', ')}`).argParser(collect))
    .addOption(new Option('--format <format>', 'output format (timesketch: JSONL that Timesketch imports)').choices(TIMELINE_OUTPUT_FORMATS).default('table'))
    .option('--out <file>', 'write the export to this file, with <file>.provenance.json beside it')
    .option('--limit <n>', 'at most this many rows (workspace default 499,999)', (v) => Number(v))
    .action(async (bundle: string | undefined, f: TimelineFlags) => {
      const filter = filterFromFlags(f);
      if (!bundle === !f.workspace) throw new UsageError('give either a bundle folder or --workspace.');
      if (bundle) return bundleTimelineOutput(io, bundle, filter, f);
      return workspaceTimelineOutput(io, filter, f);
    });
}

async function bundleTimelineOutput(io: CliIo, bundle: string, filter: TimelineFilter, f: TimelineFlags): Promise<void> {
  if (f.withInsights?.length) throw new UsageError('--with-insights needs --workspace: a bundle holds only its own tables.');
  if (f.wait) throw new UsageError('--wait needs --workspace: a bundle has nothing to wait for.');
  const dir = resolve(bundle);
  const timeline = await withSigint(io, 'the timeline', (signal) => bundleTimeline(dir, signal));
  const from = await bundleOrigin(dir);
  if (f.out) {
    const res = await exportToFile(timeline, filter, f.format, resolve(f.out), from);
    io.stderr.write(`Wrote ${res.provenance.rows} rows (${res.provenance.filterDescription}) to ${f.out}, sha256 ${res.provenance.sha256}; provenance in ${res.provenancePath}.\n`);
    return;
  }
  const rows = timeline.query(filter, { offset: 0, limit: timeline.size }).rows;
  await writeTimeline(f.limit ? rows.slice(0, f.limit) : rows, f.format, io.stdout, from.marks);
  if (f.limit && rows.length > f.limit) io.stderr.write(`Showing the first ${f.limit} of ${rows.length} rows.\n`);
}

/**
 * The workspace's timeline. New data takes minutes to become queryable, so when the last ingestion
 * into this workspace is not all visible yet this says how much is, and how to refresh, rather
 * than passing a short (or empty) answer off as the timeline.
 */
async function workspaceTimelineOutput(io: CliIo, filter: TimelineFilter, f: TimelineFlags): Promise<void> {
  const [{ cliConnection }, query, { readState }] = await Promise.all([import('../core/azure/credentials.js'), import('../core/azure/query.js'), import('../core/azure/state.js')]);
  const explicit = typeof f.workspace === 'string' ? f.workspace : undefined;
  const state = explicit ? await readState(azureStatePath(f.state)).catch(() => null) : await readState(azureStatePath(f.state));
  const workspaceId = explicit ?? state!.workspaceCustomerId;
  const last = state?.workspaceCustomerId === workspaceId ? state.lastIngest : undefined;
  const conn = await cliConnection({ tenantId: f.tenant });
  const { result, arrival } = await withSigint(io, 'the query', async (signal) => {
    const arrival = last ? await waitForArrival(io, () => query.workspaceArrival(conn, workspaceId, last, signal), (f.wait ?? 0) * 60_000, azureTiming(conn).arrivalPollMs, signal) : null;
    // `--with-insights auto`: union whichever Container Insights / AKS audit tables the workspace has.
    const auto = f.withInsights?.includes('auto');
    const insights = auto ? await query.detectInsightsTables(conn, workspaceId, signal) : insightsFromFlags(f.withInsights);
    if (auto) io.stderr.write(`Azure tables joined: ${insights.length ? insights.join(', ') : 'none found'}\n`);
    return { result: await query.queryWorkspaceTimeline(conn, workspaceId, { filter, insightsTables: insights, limit: f.limit, signal }), arrival };
  });
  if (f.out) {
    const source = (await import('../core/timeline/local.js')).timelineFromRows(result.rows);
    const res = await exportToFile(source, filter, f.format, resolve(f.out), { origin: { kind: 'workspace', label: workspaceId }, marks: {} });
    io.stderr.write(`Wrote ${res.provenance.rows} rows to ${f.out}, sha256 ${res.provenance.sha256}; provenance in ${res.provenancePath}.\n`);
  } else await writeTimeline(result.rows, f.format, io.stdout);
  if (arrival && !arrival.complete) {
    io.stderr.write(`note: ${arrival.message} Run the same command again to refresh, or add --wait 15 to wait for it.\n`);
    process.exitCode = EXIT.partial;
  } else if (result.rows.length === 0) io.stderr.write('The workspace holds no rows that match this filter.\n');
  if (result.partialError) io.stderr.write(`warning: the workspace returned a partial result: ${safeText(result.partialError, 400)}\n`);
  if (result.truncated) {
    io.stderr.write(`warning: more rows matched than the ${result.rows.length} shown; narrow the filter (time range, namespace, pod) to see the rest.\n`);
    process.exitCode = EXIT.partial;
  }
}

/** Polls until the workspace shows every row of the last ingestion or `waitMs` is over. */
async function waitForArrival(io: CliIo, check: () => Promise<Arrival>, waitMs: number, pollMs: number, signal: AbortSignal): Promise<Arrival> {
  const deadline = Date.now() + waitMs;
  let a = await check();
  while (!a.complete && Date.now() + pollMs <= deadline) {
    io.stderr.write(`Waiting for the workspace: ${a.message}\n`);
    await delay(pollMs, undefined, { signal });
    a = await check();
  }
  return a;
}

export function registerAzureCommands(program: Command, io: CliIo = { stdout: process.stdout, stderr: process.stderr }): void {
  provisionCommand(program, io);
  ingestCommand(program, io);
  kqlCommand(program, io);
  timelineCommand(program, io);
}
