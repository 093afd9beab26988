// The core engine as the commands see it: one object of functions, so tests can hand in fakes
// (or real core functions) and activation stays light — every default below imports its module
// on first use (the Azure SDKs and @kubernetes/client-node are only evaluated when needed).
import type { SnapshotRequest, SnapshotResult, SnapshotRun } from '../core/snapshot.js';
import type { Bundle } from '../core/evidence/reader.js';
import type { VerifyReport } from '../core/evidence/verify.js';
import type { LoadOptions, LocalTimeline, TableSource } from '../core/timeline/local.js';
import type { TimelineFilter } from '../core/timeline/filter.js';
import type { TimelineRow } from '../core/schema/timeline.js';
import type { BundleFindings } from '../core/evidence/findings.js';
import type { AzureServices } from './azureServices.js';

export interface KubeContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  current: boolean;
}

export interface CoreServices {
  takeSnapshot(req: SnapshotRequest, run: SnapshotRun): Promise<SnapshotResult>;
  /** Contexts of the kubeconfig (`path` undefined: KUBECONFIG, else ~/.kube/config). */
  listContexts(path: string | undefined): Promise<KubeContext[]>;
  openBundle(dir: string): Promise<Bundle>;
  verifyBundle(dir: string, signal?: AbortSignal): Promise<VerifyReport>;
  loadLocalTimeline(bundle: TableSource, opts?: LoadOptions): Promise<LocalTimeline>;
  /** The same engine over rows a workspace query returned. */
  timelineFromRows(rows: Iterable<TimelineRow>): Promise<LocalTimeline>;
  loadFindings(dir: string): Promise<BundleFindings>;
  /** The unified KQL query for a filter (what Copy Timeline KQL puts on the clipboard). */
  timelineKql(filter: TimelineFilter, opts?: { includeContainerInsights?: boolean; includeAksAudit?: boolean }): Promise<string>;
  /** Loaded on first use: the Azure SDKs are heavy. */
  azure(): Promise<AzureServices>;
  /** Whether a workspace was provisioned (its ids are stored), without loading the Azure SDKs. */
  hasWorkspace(env: NodeJS.ProcessEnv): Promise<boolean>;
}

export function defaultCoreServices(): CoreServices {
  return {
    takeSnapshot: async (req, run) => (await import('../core/snapshot.js')).takeSnapshot(req, run),
    listContexts: async (path) => (await import('../core/cluster/kubeconfig.js')).listContexts({ path }),
    openBundle: async (dir) => (await import('../core/evidence/reader.js')).openBundle(dir),
    verifyBundle: async (dir, signal) => (await import('../core/evidence/verify.js')).verifyBundle(dir, signal),
    loadLocalTimeline: async (bundle, opts) => (await import('../core/timeline/local.js')).loadLocalTimeline(bundle, opts),
    timelineFromRows: async (rows) => (await import('../core/timeline/local.js')).timelineFromRows(rows),
    loadFindings: async (dir) => {
      const [{ openBundle }, { loadBundleFindings }] = await Promise.all([import('../core/evidence/reader.js'), import('../core/evidence/findings.js')]);
      return loadBundleFindings(await openBundle(dir));
    },
    timelineKql: async (filter, opts = {}) => {
      const [{ buildTimelineQuery }, { INSIGHTS_TABLE_NAMES }] = await Promise.all([import('../core/timeline/kql.js'), import('../core/schema/insightsTables.js')]);
      // AKSAudit* are the AKS audit tables; the rest are Container Insights'.
      const insightsTables = INSIGHTS_TABLE_NAMES.filter((t) => (t.startsWith('AKSAudit') ? opts.includeAksAudit : opts.includeContainerInsights));
      return buildTimelineQuery({ filter, insightsTables });
    },
    azure: async () => (await import('./azureServices.js')).loadAzureServices(),
    hasWorkspace: async (env) => {
      const [{ azureStatePath }, { existsSync }] = await Promise.all([import('../core/azure/state.js'), import('node:fs')]);
      return existsSync(azureStatePath(undefined, env));
    },
  };
}
