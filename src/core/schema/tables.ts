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
}

export function tableByName(name: string): AnyTable | undefined {
  return TABLES.find((t) => t.name === name);
}
