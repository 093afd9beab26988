// THE table schemas. Nothing else in the project spells a table or column name: import the
// definitions (or the row types derived from them) from here.
import { defineTable, type ColumnDef, type RowOf, type CommonRow } from './columns.js';

const s = <const N extends string>(name: N, description: string) => ({ name, type: 'string', description }) as const;
const dt = <const N extends string>(name: N, description: string) => ({ name, type: 'datetime', description }) as const;
const int = <const N extends string>(name: N, description: string) => ({ name, type: 'int', description }) as const;
const long = <const N extends string>(name: N, description: string) => ({ name, type: 'long', description }) as const;
const bool = <const N extends string>(name: N, description: string) => ({ name, type: 'boolean', description }) as const;
const dyn = <const N extends string>(name: N, description: string) => ({ name, type: 'dynamic', description }) as const;

export const containerLogs = defineTable({
  name: 'kubelogs_CL',
  description: 'Container log lines (current and previous instances) with their original timestamps.',
  columns: [
    s('Message', 'The log line as UTF-8; bytes that are not UTF-8 show as U+FFFD (the exact bytes are in MessageBase64).'),
    bool('Previous', 'True when the line comes from the previous (terminated) instance of the container.'),
    s('ContainerKind', 'container, init or ephemeral.'),
    s('Image', 'Image of the container.'),
    s('NodeName', 'Node the pod ran on.'),
    long('LineNumber', 'Line number within the collected log stream, from 1.'),
    bool('TimestampParsed', 'False when the line had no parsable timestamp (EventTime is then the previous line\'s or the collection time).'),
    bool('NonUtf8', 'True when the line held bytes that are not UTF-8.'),
    s('MessageBase64', 'The line\'s exact bytes in base64 when they are not UTF-8; empty otherwise (so no text can pass for them).'),
    long('LinePart', '0 for a whole line; 1, 2, … for the pieces of a line longer than 8 MiB (pieces after the first are dated as the first, never parsed for a time).'),
  ],
});

export const clusterEvents = defineTable({
  name: 'kubeevents_CL',
  description: 'Cluster events from core/v1 and events.k8s.io/v1, de-duplicated.',
  columns: [
    s('Reason', 'Event reason, e.g. Pulled, BackOff, Killing.'),
    s('Message', 'Event message.'),
    s('K8sEventType', 'Normal or Warning.'),
    s('InvolvedKind', 'Kind of the object the event is about.'),
    s('InvolvedName', 'Name of the object the event is about.'),
    s('InvolvedUid', 'UID of the object the event is about.'),
    dt('FirstTimestamp', 'When the event was first seen.'),
    dt('LastTimestamp', 'When the event was last seen.'),
    long('Count', 'How many times the event occurred.'),
    s('ReportingComponent', 'Component that reported the event.'),
    s('ReportingInstance', 'Instance (often the node) that reported the event.'),
    s('Action', 'events.k8s.io action, when given.'),
    s('ApiSource', 'core/v1 or events.k8s.io/v1 (the first one seen when both carried the event).'),
  ],
});

export const commandHistory = defineTable({
  name: 'commandhistory_CL',
  description: 'Shell and client history read from containers through exec, plus one status row per container.',
  columns: [
    s('Command', 'The history entry; empty on status rows.'),
    s('HistoryFile', 'Absolute path of the history file inside the container.'),
    s('Shell', 'bash, ash, sh, zsh, fish, python, mysql or psql.'),
    s('User', 'User owning the history file (root or the /home/* directory name).'),
    long('LineNumber', 'Entry number within the history file, from 1.'),
    s('TimeSource', 'Where EventTime comes from: bash-timestamp, zsh-extended, fish-when, file-mtime or none.'),
    dt('FileModifiedTime', 'Modification time of the history file, when it could be read.'),
    s('CollectionStatus', 'ok, empty, not-found, truncated, distroless, no-cat, nonzero-exit, exec-forbidden or exec-failed.'),
    s('StatusMessage', 'Why history could not be read, on status rows.'),
  ],
});

export const serviceAccounts = defineTable({
  name: 'serviceaccounts_CL',
  description: 'Service accounts with their token automount setting, secret names and workload identity.',
  columns: [
    s('ServiceAccountName', 'Name of the service account.'),
    s('Uid', 'UID of the service account.'),
    s('AutomountToken', 'true, false or unset.'),
    dyn('SecretNames', 'Names of the secrets the service account lists (never their values).'),
    dyn('ImagePullSecretNames', 'Names of its image pull secrets.'),
    s('WorkloadIdentityClientId', 'azure.workload.identity/client-id annotation, when present.'),
    s('WorkloadIdentityTenantId', 'azure.workload.identity/tenant-id annotation, when present.'),
    dyn('Labels', 'Labels of the service account.'),
    dyn('Annotations', 'Annotations of the service account.'),
  ],
});

export const podInventory = defineTable({
  name: 'podinventory_CL',
  description: 'Every pod with its images, node, owner and security-relevant spec, and one row per lifecycle event.',
  columns: [
    s('Uid', 'UID of the pod.'),
    s('NodeName', 'Node the pod is scheduled on.'),
    s('Phase', 'Pod phase at collection time.'),
    s('OwnerKind', 'Kind of the controlling owner, empty for a bare pod.'),
    s('OwnerName', 'Name of the controlling owner.'),
    s('ServiceAccountName', 'Service account the pod runs as.'),
    s('PodIP', 'Pod IP.'),
    s('HostIP', 'Host IP.'),
    dyn('Containers', 'Every container (init, regular, ephemeral) with image, image digest, ports, security context and mounts.'),
    dyn('PodSecurity', 'hostNetwork, hostPID, hostIPC, pod security context, volumes of type hostPath.'),
    dyn('Labels', 'Labels of the pod.'),
    dyn('Annotations', 'Annotations of the pod.'),
    int('RestartCount', 'Restart count of the container, on container rows.'),
    int('ExitCode', 'Exit code, on termination rows.'),
    s('Reason', 'Termination or waiting reason, on container rows.'),
  ],
});

/** Columns shared by both finding tables, so a finding has one shape wherever it lands. */
const FINDING_COLUMNS = [
  s('RuleId', 'Id of the detection rule.'),
  s('FindingTitle', 'Short title of the finding ("Title" is reserved by Log Analytics).'),
  s('TechniqueName', 'Threat Matrix for Kubernetes technique name.'),
  dyn('Tactics', 'Tactics of the technique.'),
  s('ResourceKind', 'Kind of the resource the finding is on (Pod, Deployment, ClusterRoleBinding, ...).'),
  s('ResourceName', 'Name of the resource the finding is on.'),
  s('FieldPath', 'Field path of the evidence, e.g. spec.containers[0].securityContext.privileged.'),
  s('FieldValue', 'Value found at FieldPath.'),
  s('Explanation', 'One line a responder can paste into a report.'),
  bool('Baseline', 'True when the resource matches the baseline of expected platform workloads.'),
] as const satisfies readonly ColumnDef[];

export const suspiciousPods = defineTable({
  name: 'suspiciouspods_CL',
  description: 'Findings on pods and pod templates, tagged with Threat Matrix techniques.',
  columns: [...FINDING_COLUMNS],
});

export const rbacFindings = defineTable({
  name: 'rbacfindings_CL',
  description: 'Findings on the effective RBAC permissions of each subject.',
  columns: [
    ...FINDING_COLUMNS,
    s('SubjectKind', 'User, Group or ServiceAccount.'),
    s('SubjectName', 'Name of the subject.'),
    s('SubjectNamespace', 'Namespace of a ServiceAccount subject.'),
    dyn('Bindings', 'Bindings that grant the permission.'),
    bool('Recent', 'True when a binding or role granting it was created within the since-window.'),
  ],
});

export const rbacBindings = defineTable({
  name: 'rbacbindings_CL',
  description: 'RoleBindings and ClusterRoleBindings, one row per subject.',
  columns: [
    s('BindingKind', 'RoleBinding or ClusterRoleBinding.'),
    s('BindingName', 'Name of the binding.'),
    s('Uid', 'UID of the binding.'),
    s('RoleRefKind', 'Role or ClusterRole.'),
    s('RoleRefName', 'Name of the referenced role.'),
    s('SubjectKind', 'User, Group or ServiceAccount.'),
    s('SubjectName', 'Name of the subject.'),
    s('SubjectNamespace', 'Namespace of a ServiceAccount subject.'),
    dyn('Labels', 'Labels of the binding.'),
  ],
});

export const rbacRoles = defineTable({
  name: 'rbacroles_CL',
  description: 'Roles and ClusterRoles with their rules.',
  columns: [
    s('RoleKind', 'Role or ClusterRole.'),
    s('RoleName', 'Name of the role.'),
    s('Uid', 'UID of the role.'),
    dyn('Rules', 'The policy rules in full.'),
    dyn('AggregationRule', 'Aggregation rule of a ClusterRole, when present.'),
    dyn('Labels', 'Labels of the role.'),
  ],
});

export const cronJobs = defineTable({
  name: 'cronjobs_CL',
  description: 'Cron jobs, one row per container of the job template.',
  columns: [
    s('CronJobName', 'Name of the cron job.'),
    s('Uid', 'UID of the cron job.'),
    s('Schedule', 'Cron schedule.'),
    s('TimeZone', 'Time zone of the schedule, when set.'),
    bool('Suspend', 'Whether the cron job is suspended.'),
    dt('LastScheduleTime', 'Last time a job was scheduled.'),
    dt('LastSuccessfulTime', 'Last time a job completed successfully.'),
    s('ConcurrencyPolicy', 'Allow, Forbid or Replace.'),
    s('ContainerKind', 'container or init.'),
    s('Image', 'Image of the container.'),
    dyn('Command', 'Command of the container.'),
    dyn('Args', 'Arguments of the container.'),
  ],
});

export const networkPolicies = defineTable({
  name: 'networkpolicies_CL',
  description: 'Network policies with their selectors and rules in full.',
  columns: [
    s('PolicyName', 'Name of the network policy.'),
    s('Uid', 'UID of the network policy.'),
    dyn('PodSelector', 'Pod selector.'),
    dyn('PolicyTypes', 'Ingress and/or Egress.'),
    dyn('Ingress', 'Ingress rules in full.'),
    dyn('Egress', 'Egress rules in full.'),
  ],
});

export const services = defineTable({
  name: 'kubeservices_CL',
  description: 'Services and Ingresses: how workloads are reached from inside and outside the cluster.',
  columns: [
    s('ObjectKind', 'Service or Ingress.'),
    s('ObjectName', 'Name of the Service or Ingress.'),
    s('Uid', 'UID of the object.'),
    s('ServiceType', 'ClusterIP, NodePort, LoadBalancer or ExternalName; empty for an Ingress.'),
    s('ClusterIP', 'Cluster IP of a Service.'),
    dyn('ExternalAddresses', 'externalIPs, load balancer addresses and hostnames, Ingress status addresses.'),
    dyn('Ports', 'Service ports (port, targetPort, nodePort, protocol) or Ingress TLS entries.'),
    dyn('Selector', 'Pod selector of a Service.'),
    dyn('Rules', 'Ingress rules and default backend in full; null for a Service.'),
    s('IngressClass', 'Ingress class name of an Ingress.'),
    dyn('Annotations', 'Annotations (load balancer and ingress controller settings live there).'),
  ],
});

/** Identity and source address columns the three Azure-side tables share, so the timeline shows who and from where alike. */
const WHO_COLUMNS = [
  s('Identity', 'Who did it: the audit user (username), the Activity Log caller, or the account an alert names.'),
  s('SourceIp', 'Where from: the first audit source IP, the Activity Log client IP, or the address an alert names.'),
] as const satisfies readonly ColumnDef[];

export const kubeAudit = defineTable({
  name: 'kubeaudit_CL',
  description: 'AKS control-plane audit events (audit.k8s.io/v1) read from the workspaces the cluster\'s diagnostic settings send them to.',
  columns: [
    ...WHO_COLUMNS,
    s('AuditId', 'auditID of the request (one per request; each stage is a row).'),
    s('Stage', 'RequestReceived, ResponseStarted, ResponseComplete or Panic.'),
    s('Level', 'Metadata, Request or RequestResponse.'),
    s('Verb', 'Kubernetes verb (get, list, create, ...) or the HTTP method of a non-resource request.'),
    s('RequestUri', 'Request URI as sent by the client.'),
    dyn('UserGroups', 'Groups of the authenticated user.'),
    dyn('UserExtra', 'Extra attributes of the authenticated user (e.g. the Entra object id).'),
    s('ImpersonatedUser', 'Username impersonated through Impersonate-User, when any.'),
    dyn('SourceIps', 'Every source IP of the request (client first, then proxies).'),
    s('UserAgent', 'User agent of the client.'),
    s('ObjectResource', 'objectRef.resource (pods, secrets, clusterrolebindings, ...).'),
    s('ObjectSubresource', 'objectRef.subresource (exec, attach, portforward, log, token, ...).'),
    s('ObjectApiGroup', 'objectRef.apiGroup.'),
    s('ObjectName', 'objectRef.name.'),
    int('ResponseCode', 'HTTP status the API server answered.'),
    dyn('ResponseStatus', 'responseStatus in full.'),
    dt('RequestReceivedTime', 'requestReceivedTimestamp.'),
    dt('StageTime', 'stageTimestamp.'),
    dyn('Annotations', 'Audit annotations (authorization decision and reason, pod security).'),
    dyn('RequestObject', 'Request body at level Request or RequestResponse.'),
    dyn('ResponseObject', 'Response body at level RequestResponse.'),
    s('AuditCategory', 'kube-audit or kube-audit-admin.'),
    s('WorkspaceTable', 'Workspace table the event was read from: AKSAudit, AKSAuditAdmin or AzureDiagnostics.'),
    s('WorkspaceId', 'Resource id of the Log Analytics workspace the event was read from.'),
  ],
});

export const azureActivity = defineTable({
  name: 'azureactivity_CL',
  description: 'Azure Activity Log (administrative) entries of the cluster resource and of its node resource group.',
  columns: [
    ...WHO_COLUMNS,
    s('OperationName', 'operationName.value, e.g. Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action.'),
    s('OperationDisplayName', 'operationName.localizedValue.'),
    s('ActivityStatus', 'status.value: Started, Accepted, Succeeded, Failed, ...'),
    s('ActivitySubStatus', 'subStatus.value (e.g. the HTTP status name).'),
    s('Level', 'Critical, Error, Warning, Informational or Verbose.'),
    s('CorrelationId', 'correlationId: the entries of one operation share it.'),
    s('EventDataId', 'eventDataId: unique id of the entry.'),
    s('OperationId', 'operationId.'),
    s('ResourceId', 'Resource the operation was on.'),
    s('ResourceGroup', 'Resource group of the resource.'),
    s('ActivityCategory', 'category.value (Administrative, ...).'),
    dyn('Claims', 'JWT claims of the caller (appid, idtyp, ipaddr, name, upn, ...).'),
    dyn('Authorization', 'action, role and scope that authorized the call.'),
    dyn('HttpRequest', 'clientRequestId, clientIpAddress and method.'),
    dyn('Properties', 'properties of the entry (request and response bodies for some operations).'),
    dt('SubmissionTime', 'submissionTimestamp: when the entry became available.'),
    s('LogScope', 'cluster or node-resource-group: which query found the entry.'),
  ],
});

export const securityAlerts = defineTable({
  name: 'securityalerts_CL',
  description: 'Microsoft Defender for Cloud alerts whose resources or entities include the cluster.',
  columns: [
    ...WHO_COLUMNS,
    s('AlertType', 'alertType: K8S_* (control plane) or K8S.NODE_* (runtime).'),
    s('AlertDisplayName', 'alertDisplayName.'),
    s('AlertSeverity', 'severity as Defender gives it: Informational, Low, Medium or High.'),
    s('AlertStatus', 'Active, InProgress, Resolved or Dismissed.'),
    s('Intent', 'Kill chain intent(s) Defender assigns.'),
    s('CompromisedEntity', 'compromisedEntity.'),
    s('Description', 'description.'),
    dyn('RemediationSteps', 'remediationSteps.'),
    dyn('Entities', 'entities in full (pods, containers, processes, hosts, addresses).'),
    dyn('ResourceIdentifiers', 'resourceIdentifiers.'),
    dyn('ExtendedProperties', 'extendedProperties.'),
    dyn('AlertTechniques', 'MITRE ATT&CK techniques Defender assigns.'),
    s('SystemAlertId', 'systemAlertId.'),
    s('AlertId', 'Resource id of the alert.'),
    dt('StartTime', 'startTimeUtc.'),
    dt('EndTime', 'endTimeUtc.'),
    dt('AlertTimeGenerated', 'timeGeneratedUtc: when Defender raised it.'),
    s('AlertUri', 'alertUri: the alert in the portal.'),
  ],
});

/** Every table, in the order the bundle, provisioning and the timeline list them. */
export const TABLES = [
  clusterEvents,
  podInventory,
  containerLogs,
  commandHistory,
  serviceAccounts,
  suspiciousPods,
  rbacFindings,
  rbacBindings,
  rbacRoles,
  cronJobs,
  networkPolicies,
  services,
  kubeAudit,
  azureActivity,
  securityAlerts,
] as const;

export type AnyTable = (typeof TABLES)[number];
export type TableName = AnyTable['name'];

export type ContainerLogRow = CommonRow & RowOf<typeof containerLogs.specific>;
export type ClusterEventRow = CommonRow & RowOf<typeof clusterEvents.specific>;
export type CommandHistoryRow = CommonRow & RowOf<typeof commandHistory.specific>;
export type ServiceAccountRow = CommonRow & RowOf<typeof serviceAccounts.specific>;
export type PodInventoryRow = CommonRow & RowOf<typeof podInventory.specific>;
export type SuspiciousPodRow = CommonRow & RowOf<typeof suspiciousPods.specific>;
export type RbacFindingRow = CommonRow & RowOf<typeof rbacFindings.specific>;
export type RbacBindingRow = CommonRow & RowOf<typeof rbacBindings.specific>;
export type RbacRoleRow = CommonRow & RowOf<typeof rbacRoles.specific>;
export type CronJobRow = CommonRow & RowOf<typeof cronJobs.specific>;
export type NetworkPolicyRow = CommonRow & RowOf<typeof networkPolicies.specific>;
export type ServiceRow = CommonRow & RowOf<typeof services.specific>;
export type KubeAuditRow = CommonRow & RowOf<typeof kubeAudit.specific>;
export type AzureActivityRow = CommonRow & RowOf<typeof azureActivity.specific>;
export type SecurityAlertRow = CommonRow & RowOf<typeof securityAlerts.specific>;

/** Maps a table name to its row type, for code that is generic over tables. */
export interface RowByTable {
  kubelogs_CL: ContainerLogRow;
  kubeevents_CL: ClusterEventRow;
  commandhistory_CL: CommandHistoryRow;
  serviceaccounts_CL: ServiceAccountRow;
  podinventory_CL: PodInventoryRow;
  suspiciouspods_CL: SuspiciousPodRow;
  rbacfindings_CL: RbacFindingRow;
  rbacbindings_CL: RbacBindingRow;
  rbacroles_CL: RbacRoleRow;
  cronjobs_CL: CronJobRow;
  networkpolicies_CL: NetworkPolicyRow;
  kubeservices_CL: ServiceRow;
  kubeaudit_CL: KubeAuditRow;
  azureactivity_CL: AzureActivityRow;
  securityalerts_CL: SecurityAlertRow;
}

export function tableByName(name: string): AnyTable | undefined {
  return TABLES.find((t) => t.name === name);
}
