// The Azure pipeline as the commands see it, loaded on first use (dynamic import from
// ./services.ts) so the Azure SDKs never weigh on activation. Tokens come from VS Code's
// Microsoft sign-in, one session per audience; the Azure emulator's test-only connection is used
// when, and only when, KUBEFORENSYS_TEST_AZURE_ENDPOINTS names its endpoints file.
import type { TimelineRow } from '../core/schema/timeline.js';
import type { TimelineFilter } from '../core/timeline/filter.js';
import { credentialFromFunction, PUBLIC_CLOUD, testConnectionFromEnv, type AzureConnection } from '../core/azure/credentials.js';
import type { AzureAuth } from './context.js';
import type { KfsSettings } from './settings.js';

export interface AzureProgress {
  message: string;
  /** 0..100 of the whole job, when known. */
  percent?: number;
}

export interface AzureRun {
  signal: AbortSignal;
  onProgress?: (p: AzureProgress) => void;
  log?: { info(m: string): void; warn(m: string): void; error(m: string): void };
}

export interface ProvisionOutcome {
  /** One sentence for the notification. */
  summary: string;
  changed: boolean;
}

export interface IngestOutcome {
  summary: string;
  rows: number;
  /** Rows the service refused (quarantined: kept only in the bundle). */
  refused: number;
}

export interface WorkspaceRows {
  rows: TimelineRow[];
  /** Workspace name or id shown as the timeline's source. */
  label: string;
  /** Partial result, row limit reached, or data still arriving: said, never silent. */
  warning?: string;
  /** The workspace has not caught up with the last ingestion yet: offer to load it again. */
  refreshable?: boolean;
}

export interface AzureServices {
  connection(auth: AzureAuth): Promise<AzureConnection>;
  provision(conn: AzureConnection, settings: KfsSettings['azure'], run: AzureRun): Promise<ProvisionOutcome>;
  ingest(conn: AzureConnection, bundleDir: string, run: AzureRun): Promise<IngestOutcome>;
  queryTimeline(conn: AzureConnection, filter: TimelineFilter, settings: KfsSettings['azure'], run: AzureRun): Promise<WorkspaceRows>;
}

/** The extension's Azure connection: the emulator in end-to-end tests, VS Code's Microsoft sign-in otherwise. */
export async function extensionConnection(auth: AzureAuth, env: NodeJS.ProcessEnv = process.env): Promise<AzureConnection> {
  const test = await testConnectionFromEnv(env);
  if (test) return test;
  return { credential: credentialFromFunction((scopes) => auth.getToken(scopes)), ...PUBLIC_CLOUD, isTest: false };
}

export async function loadAzureServices(env: NodeJS.ProcessEnv = process.env): Promise<AzureServices> {
  const [pipeline, { azureStatePath, azureTiming }] = await Promise.all([import('./azurePipeline.js'), import('../core/azure/state.js')]);
  // The state file's rule (the emulator's beside its endpoints file) and the timings live in core.
  const state = () => azureStatePath(undefined, env);
  const timing = azureTiming;
  return {
    connection: (auth) => extensionConnection(auth, env),
    provision: (conn, settings, run) => pipeline.provision(conn, settings, run, state(), timing(conn)),
    ingest: (conn, dir, run) => pipeline.ingest(conn, dir, run, state(), timing(conn)),
    queryTimeline: (conn, filter, settings, run) => pipeline.queryTimeline(conn, filter, settings, run, state()),
  };
}
