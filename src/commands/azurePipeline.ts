// Provisioning, ingestion and the workspace query, adapted from src/core/azure for the commands.
// (The core pipeline modules are being written; until they land these say so plainly.)
import type { AzureConnection } from '../core/azure/credentials.js';
import type { TimelineFilter } from '../core/timeline/filter.js';
import type { AzureRun, IngestOutcome, ProvisionOutcome, WorkspaceRows } from './azureServices.js';
import type { KfsSettings } from './settings.js';

const notYet = (what: string) => new Error(`${what} is not available in this build of KubeForenSys yet.`);

export async function provision(_conn: AzureConnection, _settings: KfsSettings['azure'], _run: AzureRun): Promise<ProvisionOutcome> {
  throw notYet('Provisioning Log Analytics resources');
}

export async function ingest(_conn: AzureConnection, _bundleDir: string, _run: AzureRun): Promise<IngestOutcome> {
  throw notYet('Ingestion into Log Analytics');
}

export async function queryTimeline(_conn: AzureConnection, _filter: TimelineFilter, _settings: KfsSettings['azure'], _run: AzureRun): Promise<WorkspaceRows> {
  throw notYet('The workspace timeline');
}
