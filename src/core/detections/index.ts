// Detections: pod and RBAC rules tagged with Threat Matrix for Kubernetes techniques.
export * from './types.js';
export { TECHNIQUES, technique, type Technique } from './techniques.js';
export { POD_RULES, RBAC_RULES, EXPOSURE_RULES, CONTENT_RULES, AUDIT_RULES, ACTIVITY_RULES, ALERT_RULES, OBJECT_RULES, AZURE_RULES, ALL_RULES, ruleMeta } from './rules.js';
export { exposureFindings, configMapFindings } from './configRules.js';
export { maskSecrets, secretValueKind } from './secrets.js';
export { contentHits, contentFindings, ContainerContentScanner, CONTENT_FINDINGS_PER_CONTAINER, CONTENT_VALUE_MAX, type ContentSource, type ContentOrigin, type ContentHit } from './contentRules.js';
export { DEFAULT_BASELINE, parseBaseline, mergeBaselines, matchesBaseline, BaselineError, type Baseline, type BaselineWorkload } from './baseline.js';
export { podTargets, type PodTarget } from './podTargets.js';
export { effectivePermissions, type RbacObjects, type SubjectPermissions } from './rbacAnalysis.js';
export { riskyServiceAccounts } from './rbacRules.js';
export { detectAll, DetectionStream, detectPodFindings, detectPodFindingGroups, detectRbacFindings, splitRbac, sortFindings, type DetectOptions } from './engine.js';
export { suspiciousPodRow, rbacFindingRow, FINDING_EVENT_TYPE } from './rows.js';
export { parseManifests, readManifests, ManifestError, type LoadedObject, type ManifestSink } from './manifests.js';
export { readInputs, defaultScanWorkers, type ScanLaneOptions, type ScanInput } from './scanLanes.js';
export { readInput } from '../regularFile.js';
export { MAX_STRING_CHARS } from './listStream.js';
export { objKey } from './podTargets.js';
export { toSarif, SARIF_SCHEMA, type SarifInputError } from './sarif.js';
