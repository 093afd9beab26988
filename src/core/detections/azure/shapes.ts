// The three Azure-side inputs of the detections, as the services serve them (official shapes).
// Every one of them is attacker-influenced JSON (usernames, user agents, request bodies, alert text):
// every field is optional, unknown fields are allowed, and the rules read them through type checks
// (see read.ts), never by trusting these declarations.

/**
 * authentication.k8s.io/v1 UserInfo, as embedded in an audit event.
 * Source: k8s.io/apiserver pkg/apis/audit/v1/types.go (Event.User, Event.ImpersonatedUser).
 */
export interface AuditUserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  [key: string]: unknown;
}

/** audit.k8s.io/v1 ObjectReference: what the request was about. */
export interface AuditObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
  [key: string]: unknown;
}

/** meta/v1 Status as the audit event's responseStatus (usually only code, sometimes reason and message). */
export interface AuditResponseStatus {
  code?: number;
  status?: string;
  message?: string;
  reason?: string;
  details?: unknown;
  metadata?: unknown;
  [key: string]: unknown;
}

/**
 * One audit.k8s.io/v1 Event, camelCase JSON as kube-apiserver writes it. The PIPELINE normalises
 * AKSAudit/AKSAuditAdmin rows (PascalCase columns) and AzureDiagnostics log_s JSON into this shape.
 * Source: https://kubernetes.io/docs/reference/config-api/apiserver-audit.v1/#audit-k8s-io-v1-Event
 */
export interface AuditEvent {
  kind?: string;
  apiVersion?: string;
  /** None, Metadata, Request, RequestResponse. */
  level?: string;
  auditID?: string;
  /** RequestReceived, ResponseStarted, ResponseComplete, Panic. */
  stage?: string;
  requestURI?: string;
  /** Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection) or the lowercased HTTP method for non-resource requests. */
  verb?: string;
  user?: AuditUserInfo;
  impersonatedUser?: AuditUserInfo | null;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: AuditObjectReference | null;
  responseStatus?: AuditResponseStatus | null;
  /** The request body at level Request or RequestResponse (runtime.Unknown: any JSON). */
  requestObject?: unknown;
  responseObject?: unknown;
  /** RFC 3339 with microseconds (MicroTime). */
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  /** e.g. authorization.k8s.io/decision, authorization.k8s.io/reason, pod-security.kubernetes.io/*. */
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** microsoft.insights LocalizableString. */
export interface LocalizableString {
  value?: string;
  localizedValue?: string;
  [key: string]: unknown;
}

/**
 * One Activity Log entry (ARM EventData), camelCase as
 * GET /subscriptions/{sub}/providers/Microsoft.Insights/eventtypes/management/values returns it.
 * Source: azure-rest-api-specs monitor activityLogs_API.json (EventData), @azure/arm-monitor EventData.
 */
export interface ActivityLogEvent {
  authorization?: { action?: string; role?: string; scope?: string; [key: string]: unknown };
  claims?: Record<string, string>;
  /** UPN, or the SPN/object id for an application. */
  caller?: string;
  description?: string;
  id?: string;
  eventDataId?: string;
  correlationId?: string;
  eventName?: LocalizableString;
  category?: LocalizableString;
  httpRequest?: { clientRequestId?: string; clientIpAddress?: string; method?: string; uri?: string; [key: string]: unknown };
  /** Critical, Error, Warning, Informational, Verbose. */
  level?: string;
  resourceGroupName?: string;
  resourceProviderName?: LocalizableString;
  resourceId?: string;
  resourceType?: LocalizableString;
  operationId?: string;
  /** e.g. Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action. */
  operationName?: LocalizableString;
  properties?: Record<string, string>;
  /** Started, Accepted, Succeeded, Failed, ... */
  status?: LocalizableString;
  subStatus?: LocalizableString;
  /** ISO 8601. */
  eventTimestamp?: string;
  submissionTimestamp?: string;
  subscriptionId?: string;
  tenantId?: string;
  [key: string]: unknown;
}

/** One resource identifier of an alert (discriminated by type). */
export interface AlertResourceIdentifier {
  /** AzureResource or LogAnalytics. */
  type?: string;
  azureResourceId?: string;
  workspaceId?: string;
  workspaceSubscriptionId?: string;
  workspaceResourceGroup?: string;
  agentId?: string;
  [key: string]: unknown;
}

/** The properties of a Microsoft.Security alert. */
export interface SecurityAlertProperties {
  /** K8S_* (control plane), K8S.NODE_* (runtime), ... */
  alertType?: string;
  systemAlertId?: string;
  productComponentName?: string;
  alertDisplayName?: string;
  description?: string;
  /** Informational, Low, Medium, High. */
  severity?: string;
  intent?: string;
  startTimeUtc?: string;
  endTimeUtc?: string;
  resourceIdentifiers?: AlertResourceIdentifier[];
  remediationSteps?: string[];
  vendorName?: string;
  /** Active, InProgress, Resolved, Dismissed. */
  status?: string;
  extendedLinks?: Record<string, string>[];
  alertUri?: string;
  timeGeneratedUtc?: string;
  productName?: string;
  processingEndTimeUtc?: string;
  /** Entities of the alert; each has a `type` and type-specific fields (e.g. K8s-pod, host, ip, process). */
  entities?: Record<string, unknown>[];
  isIncident?: boolean;
  correlationKey?: string;
  extendedProperties?: Record<string, string>;
  compromisedEntity?: string;
  techniques?: string[];
  subTechniques?: string[];
  [key: string]: unknown;
}

/**
 * One Microsoft.Security alert resource as the REST API returns it (alerts list at subscription or
 * resource-group scope). Source: azure-rest-api-specs security alerts.json, @azure/arm-security Alert.
 */
export interface SecurityAlert {
  id?: string;
  name?: string;
  type?: string;
  properties?: SecurityAlertProperties;
  [key: string]: unknown;
}
