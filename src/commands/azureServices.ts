// The Azure pipeline as the commands see it, loaded on first use (dynamic import from
// ./services.ts) so the Azure SDKs never weigh on activation. Tokens come from VS Code's
// Microsoft sign-in, one session per audience; the Azure emulator's test-only connection is used
// when, and only when, KUBEFORENSYS_TEST_AZURE_ENDPOINTS names its endpoints file.
import type { TimelineRow } from '../core/schema/timeline.js';
import type { TimelineFilter } from '../core/timeline/filter.js';
import { credentialFromFunction, PUBLIC_CLOUD, TEST_ENDPOINTS_ENV, testConnectionFromEnv, type AzureConnection } from '../core/azure/credentials.js';
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
}

export interface WorkspaceRows {
  rows: TimelineRow[];
  /** Workspace name or id shown as the timeline's source. */
  label: string;
  /** Partial result or row limit reached: said, never silent. */
  warning?: string;
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

/**
 * The ids provisioning writes: the file the CLI shares, except against the emulator, where they
 * sit beside its endpoints file so tests never touch the user's real state.
 */
export function statePathFor(conn: Pick<AzureConnection, 'isTest'>, env: NodeJS.ProcessEnv, defaultPath: string): string {
  const endpoints = env[TEST_ENDPOINTS_ENV];
  return conn.isTest && endpoints ? `${endpoints}.azure-state.json` : defaultPath;
}

export async function loadAzureServices(env: NodeJS.ProcessEnv = process.env): Promise<AzureServices> {
  const [pipeline, { defaultStatePath }] = await Promise.all([import('./azurePipeline.js'), import('../core/azure/state.js')]);
  const state = (conn: AzureConnection) => statePathFor(conn, env, defaultStatePath());
  // The emulator answers long-running operations at once: poll it quickly.
  const timing = (conn: AzureConnection) => (conn.isTest ? { pollIntervalMs: 20, retryBaseMs: 20 } : {});
  return {
    connection: (auth) => extensionConnection(auth, env),
    provision: (conn, settings, run) => pipeline.provision(conn, settings, run, state(conn), timing(conn)),
    ingest: (conn, dir, run) => pipeline.ingest(conn, dir, run, state(conn), timing(conn)),
    queryTimeline: (conn, filter, settings, run) => pipeline.queryTimeline(conn, filter, settings, run, state(conn)),
  };
}
