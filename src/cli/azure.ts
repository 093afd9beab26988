// `kubeforensys provision | ingest | kql | timeline`: the Azure side of the CLI. Heavy Azure SDK
// modules load only when a command that needs them runs.
import { Command, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { TABLES, type TableName } from '../core/schema/tables.js';
import { SEVERITIES, type Severity } from '../core/schema/timeline.js';
import { normalizeTime } from '../core/schema/time.js';
import { emptyFilter, type ContainerRef, type PodRef, type TimelineFilter } from '../core/timeline/filter.js';
import { buildTimelineQuery } from '../core/timeline/kql.js';
import { INSIGHTS_TABLE_NAMES, isInsightsTableName, type InsightsTableName } from '../core/azure/insightsTables.js';
import { defaultStatePath } from '../core/azure/state.js';
import { TEST_ENDPOINTS_ENV } from '../core/azure/testEndpoints.js';
import { EXIT, parseList } from './collect.js';
import { formatBytes, renderTable, safeText } from './format.js';
import { TIMELINE_OUTPUT_FORMATS, bundleOrigin, exportToFile, writeTimeline } from './timelineOutput.js';
import type { TimelineSource } from '../core/timeline/source.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

class UsageError extends Error {
  override name = 'UsageError';
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
    .option('--text <text>', 'case-insensitive text in summary, namespace, pod, container or event type');
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

/**
 * The state file: --state, else beside the emulator's endpoints file in tests (as the extension
 * does, so tests never touch the user's real ids), else ~/.kubeforensys/azure-state.json.
 */
export function statePath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit;
  const endpoints = env[TEST_ENDPOINTS_ENV];
  return endpoints ? `${endpoints}.azure-state.json` : defaultStatePath();
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

export function registerAzureCommands(program: Command, io: CliIo = { stdout: process.stdout, stderr: process.stderr }): void {
  program
    .command('provision')
    .description('Create or update the Log Analytics workspace, one custom table per bundle table and the data collection rule(s). Idempotent.')
    .option('--plan', 'print what would be created or changed and touch nothing')
    .option('--subscription <id>', 'Azure subscription id (default: AZURE_SUBSCRIPTION_ID)')
    .option('--resource-group <name>', 'existing resource group')
    .option('--workspace <name>', 'workspace name', 'KubeForenSys-LAW')
    .option('--location <region>', 'Azure region for new resources (default eastus; an existing workspace keeps its own)')
    .option('--retention-days <n>', 'workspace retention, 30-730 days', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 30 || n > 730) throw new InvalidArgumentError('retention must be a whole number of days from 30 to 730.');
      return n;
    })
    .option('--with-dce', 'also create a data collection endpoint (for private-link setups)')
    .option('--tenant <id>', 'Microsoft Entra tenant to sign in to')
    .option('--state <file>', `where the resulting ids are stored (default ${defaultStatePath()})`)
    .option('--json', 'print the steps and ids as JSON')
    .action(async (f: { plan?: boolean; subscription?: string; resourceGroup?: string; workspace: string; location?: string; retentionDays?: number; withDce?: boolean; tenant?: string; state?: string; json?: boolean }) => {
      const [{ cliConnection }, { provision }, { writeState }] = await Promise.all([import('../core/azure/credentials.js'), import('../core/azure/provision.js'), import('../core/azure/state.js')]);
      const conn = await cliConnection({ tenantId: f.tenant, subscriptionId: f.subscription });
      const subscriptionId = f.subscription ?? process.env.AZURE_SUBSCRIPTION_ID ?? conn.subscriptionId;
      if (!subscriptionId) throw new UsageError('pass --subscription (or set AZURE_SUBSCRIPTION_ID).');
      if (!f.resourceGroup) throw new UsageError('pass --resource-group: the resource group the workspace and rule go in (it must exist).');
      const result = await withSigint(io, 'provisioning', (signal) =>
        provision(
          conn,
          { subscriptionId, resourceGroup: f.resourceGroup!, workspaceName: f.workspace, location: f.location, retentionDays: f.retentionDays, withDce: f.withDce, plan: f.plan },
          {
            signal,
            // The emulator finishes long-running operations at once: poll it quickly.
            ...(conn.isTest ? { pollIntervalMs: 20, retryBaseMs: 20 } : {}),
            log: (m) => io.stderr.write(`${m}\n`),
            onStep: f.json ? undefined : (s) => io.stdout.write(`${f.plan ? 'would ' : ''}${s.action === 'unchanged' ? 'keep' : s.action} ${s.kind} ${s.name}${s.detail ? ` (${s.detail})` : ''}\n`),
          },
        ),
      );
      const stateFile = statePath(f.state);
      if (result.state && !f.plan) await writeState(result.state, stateFile);
      if (f.json) io.stdout.write(JSON.stringify({ changed: result.changed, steps: result.steps, state: result.state }, null, 2) + '\n');
      else if (f.plan) io.stdout.write(result.changed ? 'Plan only: nothing was changed.\n' : 'Everything is already in place: nothing to do.\n');
      else {
        io.stdout.write(result.changed ? `Provisioned. Ids saved to ${stateFile}\n` : `Nothing changed: everything was already in place. Ids saved to ${stateFile}\n`);
        if (result.changed && result.state) {
          // Provisioning does not grant itself data access (that needs Owner); say how, once.
          io.stdout.write('Sending data needs the "Monitoring Metrics Publisher" role on the rule(s) (or the custom role in docs/azure-custom-role.json):\n');
          for (const r of result.state.rules) io.stdout.write(`  az role assignment create --role "Monitoring Metrics Publisher" --assignee <you> --scope ${r.resourceId}\n`);
        }
      }
    });

  program
    .command('ingest')
    .argument('<bundle>', 'evidence bundle folder')
    .description('Send a bundle to the workspace through the Logs Ingestion API; resumes where an earlier run stopped.')
    .option('--state <file>', `ids written by provision (default ${defaultStatePath()})`)
    .option('--tenant <id>', 'Microsoft Entra tenant to sign in to')
    .option('--concurrency <n>', 'requests in flight (default 4)', (v) => Number(v))
    .option('--json', 'print the result as JSON')
    .action(async (bundle: string, f: { state?: string; tenant?: string; concurrency?: number; json?: boolean }) => {
      const [{ cliConnection }, { ingestBundle }, { readState }] = await Promise.all([import('../core/azure/credentials.js'), import('../core/azure/ingest.js'), import('../core/azure/state.js')]);
      const state = await readState(statePath(f.state));
      const conn = await cliConnection({ tenantId: f.tenant, subscriptionId: state.subscriptionId });
      const tty = (io.stderr as NodeJS.WriteStream).isTTY;
      const result = await withSigint(io, 'ingestion (the checkpoint keeps what was sent)', (signal) =>
        ingestBundle(conn, resolve(bundle), state, {
          signal,
          maxConcurrency: f.concurrency,
          log: (m) => io.stderr.write(`${tty ? '\r\x1b[2K' : ''}${m}\n`),
          onProgress: tty ? (p) => io.stderr.write(`\r\x1b[2K… ${p.table} ${p.rowsSent + p.rowsSkipped}/${p.rowsTotal} rows · ${formatBytes(p.bytesSent)}`) : undefined,
        }),
      );
      if (tty) io.stderr.write('\r\x1b[2K');
      if (f.json) {
        io.stdout.write(JSON.stringify(result, null, 2) + '\n');
        return;
      }
      const rows = Object.entries(result.tables).map(([t, r]) => [t, String(r!.rows), String(r!.sent), String(r!.skipped), formatBytes(r!.bytes)]);
      io.stdout.write(renderTable(['Table', 'Rows', 'Sent', 'Already sent', 'Bytes'], rows) + '\n');
      if (result.truncatedFields) io.stdout.write(`${result.truncatedFields} field(s) over 64 KB were truncated with a marker; the full values stay in the bundle.\n`);
      io.stdout.write(`${result.resumed ? 'Resumed and finished' : 'Finished'}: ${result.requests} request(s). Duplicates, if a retry ever doubles a batch, share a RecordId.\n`);
    });

  addFilterOptions(program.command('kql'))
    .description('Print the union KQL of the unified timeline, for pasting into the Azure portal.')
    .addOption(new Option('--with-insights <list>', `also union these Azure tables: ${INSIGHTS_TABLE_NAMES.join(', ')}`).argParser(collect))
    .option('--limit <n>', 'row limit', (v) => Number(v))
    .action((f: FilterFlags & { limit?: number }) => {
      io.stdout.write(buildTimelineQuery({ filter: filterFromFlags(f), insightsTables: insightsFromFlags(f.withInsights), limit: f.limit }) + '\n');
    });

  addFilterOptions(program.command('timeline'))
    .argument('[bundle]', 'evidence bundle folder (or use --workspace)')
    .description('Print the unified timeline of a bundle, or of the Log Analytics workspace.')
    .option('--workspace [id]', 'query the workspace (customer id; default: the one provision stored)')
    .option('--state <file>', `ids written by provision (default ${defaultStatePath()})`)
    .option('--tenant <id>', 'Microsoft Entra tenant to sign in to')
    .addOption(new Option('--with-insights <list>', `also union these Azure tables (or "auto": those the workspace has): ${INSIGHTS_TABLE_NAMES.join(', ')}`).argParser(collect))
    .addOption(new Option('--format <format>', 'output format (timesketch: JSONL that Timesketch imports)').choices(TIMELINE_OUTPUT_FORMATS).default('table'))
    .option('--out <file>', 'write the export to this file, with <file>.provenance.json beside it')
    .option('--limit <n>', 'at most this many rows (workspace default 499,999)', (v) => Number(v))
    .action(async (bundle: string | undefined, f: FilterFlags & { workspace?: string | boolean; state?: string; tenant?: string; format: string; limit?: number; out?: string }) => {
      const filter = filterFromFlags(f);
      if (!bundle === !f.workspace) throw new UsageError('give either a bundle folder or --workspace.');
      if (bundle) {
        if (f.withInsights?.length) throw new UsageError('--with-insights needs --workspace: a bundle holds only its own tables.');
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
        return;
      }
      const [{ cliConnection }, { queryWorkspaceTimeline }, { readState }] = await Promise.all([import('../core/azure/credentials.js'), import('../core/azure/query.js'), import('../core/azure/state.js')]);
      const workspaceId = typeof f.workspace === 'string' ? f.workspace : (await readState(statePath(f.state))).workspaceCustomerId;
      const conn = await cliConnection({ tenantId: f.tenant });
      const result = await withSigint(io, 'the query', async (signal) => {
        // `--with-insights auto`: union whichever Container Insights / AKS audit tables the workspace has.
        const auto = f.withInsights?.includes('auto');
        const insights = auto ? await (await import('../core/azure/query.js')).detectInsightsTables(conn, workspaceId, signal) : insightsFromFlags(f.withInsights);
        if (auto) io.stderr.write(`Azure tables joined: ${insights.length ? insights.join(', ') : 'none found'}\n`);
        return queryWorkspaceTimeline(conn, workspaceId, { filter, insightsTables: insights, limit: f.limit, signal });
      });
      if (f.out) {
        const source = (await import('../core/timeline/local.js')).timelineFromRows(result.rows);
        const res = await exportToFile(source, filter, f.format, resolve(f.out), { origin: { kind: 'workspace', label: workspaceId }, marks: {} });
        io.stderr.write(`Wrote ${res.provenance.rows} rows to ${f.out}, sha256 ${res.provenance.sha256}; provenance in ${res.provenancePath}.\n`);
      } else await writeTimeline(result.rows, f.format, io.stdout);
      if (result.partialError) io.stderr.write(`warning: the workspace returned a partial result: ${safeText(result.partialError, 400)}\n`);
      if (result.truncated) {
        io.stderr.write(`warning: more rows matched than the ${result.rows.length} shown; narrow the filter (time range, namespace, pod) to see the rest.\n`);
        process.exitCode = EXIT.partial;
      }
    });
}
