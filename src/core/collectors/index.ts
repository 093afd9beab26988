// Every collector by artifact id, and the shared object cache the snapshot gives them.
import type { ArtifactId } from '../schema/artifacts.js';
import type { Collector } from './types.js';
import { eventsCollector } from './events.js';
import { podInventoryCollector } from './podInventory.js';
import { containerLogsCollector } from './containerLogs.js';
import { commandHistoryCollector } from './commandHistory.js';
import { serviceAccountsCollector } from './serviceAccounts.js';
import { suspiciousPodsCollector } from './suspiciousPods.js';
import { rbacCollector } from './rbac.js';
import { cronJobsCollector } from './cronJobs.js';
import { networkPoliciesCollector } from './networkPolicies.js';
import { servicesCollector } from './services.js';

export { createObjectCache } from './objectCache.js';

export const COLLECTORS: Record<ArtifactId, Collector> = {
  events: eventsCollector,
  podInventory: podInventoryCollector,
  containerLogs: containerLogsCollector,
  commandHistory: commandHistoryCollector,
  serviceAccounts: serviceAccountsCollector,
  suspiciousPods: suspiciousPodsCollector,
  rbac: rbacCollector,
  cronJobs: cronJobsCollector,
  networkPolicies: networkPoliciesCollector,
  services: servicesCollector,
};
