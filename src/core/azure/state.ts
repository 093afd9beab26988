// The ids provisioning produced, kept so ingest and timeline reuse them without asking ARM again.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TableName } from '../schema/tables.js';

export interface RuleState {
  name: string;
  resourceId: string;
  immutableId: string;
  /** Stream names (Custom-<table>) this rule accepts. */
  streams: string[];
}

export interface AzureState {
  version: 1;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  workspaceName: string;
  workspaceResourceId: string;
  /** The workspace id the query API takes. */
  workspaceCustomerId: string;
  /** Logs Ingestion endpoint (the rule's, or the data collection endpoint's). */
  ingestionEndpoint: string;
  dataCollectionEndpointId: string | null;
  rules: RuleState[];
  /** Where each table's rows go: its stream and the rule that declares it. */
  streams: Partial<Record<TableName, { stream: string; ruleImmutableId: string }>>;
  provisionedAt: string;
}

export function defaultStatePath(): string {
  return join(homedir(), '.kubeforensys', 'azure-state.json');
}

export class StateError extends Error {
  override name = 'UsageError';
}

export async function readState(path: string = defaultStatePath()): Promise<AzureState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new StateError(`No Azure state at ${path}: run "kubeforensys provision" first (or pass --state).`);
  }
  const s = JSON.parse(text) as AzureState;
  if (s.version !== 1 || !s.workspaceCustomerId) throw new StateError(`${path} is not a KubeForenSys Azure state file.`);
  return s;
}

/** Written atomically and privately: it names the workspace and rule, which is worth keeping to the user. */
export async function writeState(state: AzureState, path: string = defaultStatePath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, path);
}
