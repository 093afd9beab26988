// The ids provisioning produced, kept so ingest and timeline reuse them without asking ARM again,
// and the one home of the rules around them: where the state file lives (the user's, or beside the
// emulator's endpoints file in tests), the default resource names, and the emulator's timings.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { readInput } from '../regularFile.js';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TableName } from '../schema/tables.js';
import { TEST_ENDPOINTS_ENV } from './testEndpoints.js';

export const DEFAULT_WORKSPACE_NAME = 'KubeForenSys-LAW';
export const DEFAULT_RULE_NAME = 'KubeForenSys-DCR';
export const DEFAULT_DCE_NAME = 'KubeForenSys-DCE';
export const DEFAULT_LOCATION = 'eastus';

export interface RuleState {
  name: string;
  resourceId: string;
  immutableId: string;
  /** Stream names (Custom-<table>) this rule accepts. */
  streams: string[];
  /** Where this rule's streams are sent: its own logsIngestion host, or the data collection endpoint's. */
  ingestionEndpoint: string;
}

/** What provisioning returns: the ids of the resources as they exist. */
export interface ProvisionedState {
  version: 2;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  workspaceName: string;
  workspaceResourceId: string;
  /** The workspace id the query API takes. */
  workspaceCustomerId: string;
  dataCollectionEndpointId: string | null;
  rules: RuleState[];
  /** Where each table's rows go: its stream and the rule that declares it. */
  streams: Partial<Record<TableName, { stream: string; ruleImmutableId: string }>>;
  provisionedAt: string;
}

/** The last ingestion into this workspace, so the workspace timeline can say what is still arriving. */
export interface IngestRecord {
  snapshotId: string;
  /** Rows of that bundle the service has accepted (this run and earlier ones). */
  rows: number;
  at: string;
}

export interface AzureState extends ProvisionedState {
  /** Secret that authenticates the bundle's ingestion checkpoints written with this state (hex). */
  checkpointKey: string;
  lastIngest?: IngestRecord;
}

export function defaultStatePath(): string {
  return join(homedir(), '.kubeforensys', 'azure-state.json');
}

/**
 * The state file: an explicit path, else beside the emulator's endpoints file when the test-only
 * connection is in use (so tests never touch the user's real ids), else the user's default.
 */
export function azureStatePath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit;
  const endpoints = env[TEST_ENDPOINTS_ENV];
  return endpoints ? `${endpoints}.azure-state.json` : defaultStatePath();
}

export interface AzureTiming {
  /** Long-running operation polling (ARM's Retry-After wins). */
  pollIntervalMs?: number;
  /** First delay of retry back-offs. */
  retryBaseMs?: number;
  /** How often to ask whether newly ingested rows have become queryable. */
  arrivalPollMs: number;
}

/** Polling and back-off timings: the emulator answers at once, so poll it quickly; Azure takes minutes. */
export function azureTiming(conn: { isTest: boolean }): AzureTiming {
  return conn.isTest ? { pollIntervalMs: 20, retryBaseMs: 20, arrivalPollMs: 200 } : { arrivalPollMs: 15_000 };
}

export class StateError extends Error {
  override name = 'UsageError';
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export async function readState(path: string = defaultStatePath()): Promise<AzureState> {
  let text: string;
  try {
    text = await readInput(path);
  } catch {
    throw new StateError(`No Azure state at ${path}: run "kubeforensys provision" first (or pass --state).`);
  }
  let s: Omit<Partial<AzureState>, 'version'> & { version?: number };
  try {
    s = JSON.parse(text) as AzureState;
  } catch {
    throw new StateError(`${path} is not a KubeForenSys Azure state file (it is not JSON): run "kubeforensys provision" again to rewrite it.`);
  }
  if (s?.version === 1) {
    throw new StateError(`${path} was written by an earlier KubeForenSys that sent every rule's rows to one endpoint: run "kubeforensys provision" again (it changes nothing in Azure and rewrites the ids).`);
  }
  const rulesOk = Array.isArray(s?.rules) && s.rules.every((r) => isText(r?.immutableId) && isText(r?.ingestionEndpoint));
  if (s?.version !== 2 || !isText(s.workspaceCustomerId) || !rulesOk || !/^[0-9a-f]{64}$/.test(String(s.checkpointKey))) {
    throw new StateError(`${path} is not a KubeForenSys Azure state file: run "kubeforensys provision" again to rewrite it.`);
  }
  return s as AzureState;
}

/** Written atomically and privately: it names the workspace and holds the checkpoint key. */
export async function writeState(state: AzureState, path: string = defaultStatePath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, path);
}

/**
 * Saves freshly provisioned ids. The checkpoint key and the last ingestion survive when the file
 * already describes the same workspace (a re-run of provision must not orphan bundles' checkpoints).
 */
export async function saveProvisioned(ids: ProvisionedState, path: string = defaultStatePath()): Promise<AzureState> {
  const old = await readState(path).catch(() => null);
  const same = old && old.workspaceResourceId.toLowerCase() === ids.workspaceResourceId.toLowerCase();
  const state: AzureState = { ...ids, checkpointKey: same ? old.checkpointKey : randomBytes(32).toString('hex'), ...(same && old.lastIngest ? { lastIngest: old.lastIngest } : {}) };
  await writeState(state, path);
  return state;
}

/** Records what an ingestion delivered, for the workspace timeline's "so far" note. */
export async function recordIngest(path: string, record: IngestRecord): Promise<void> {
  const state = await readState(path);
  await writeState({ ...state, lastIngest: record }, path);
}
