// Public API of the Azure emulator (tests, `npm run demo`, benchmarks). See
// /work/shared/helpers/EMULATOR-API.md and test/emulators/azure/README.md for the AKS evidence routes.
export { startAzureEmulator, type AzureEmulator, type AksHandle, type EmulatorOptions, type EmulatorStats } from './server.js';
export type { AksTrail, ArmBody, TrailWorkspace } from './aksState.js';
export { managedCluster, managedClusterId, READ_CLUSTERS, type ManagedClusterSpec } from './managedClusters.js';
export { diagnosticSetting, AKS_LOG_CATEGORIES, READ_DIAGNOSTIC_SETTINGS, type DiagnosticSettingSpec } from './diagnosticSettings.js';
export { activityEvent, parseActivityFilter, READ_ACTIVITY, type ActivitySpec } from './activityLog.js';
export { securityAlert, READ_ALERTS, type AlertSpec } from './securityAlerts.js';
export { AKS_TABLES, routeToWorkspaces, type AuditEvent, type ControlPlaneLine } from './auditWorkspace.js';
export type { FaultRule, FaultTarget, FaultKind } from './faults.js';
export { demoAksTrail, DEMO_AKS, type DemoAksOptions } from './scenarios/demoAks.js';
