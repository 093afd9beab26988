// Every rule's id, title, default severity, Threat Matrix technique and help text.
// The rule logic lives in podRules.ts, rbacRules.ts, configRules.ts, contentRules.ts and azure/; this catalogue is what SARIF and the docs list.
import type { RuleMeta } from './types.js';
import { technique } from './techniques.js';

const r = (id: string, title: string, severity: RuleMeta['severity'], techniqueId: string, help: string): RuleMeta => {
  technique(techniqueId); // fail at load time on a typo in the catalogue
  // Frozen: findings refer to their rule, and nothing that walks a finding's data may change the catalogue.
  return Object.freeze({ id, title, severity, techniqueId, help });
};

export const POD_RULES = {
  privileged: r('POD-PRIVILEGED', 'Privileged container', 'high', 'MS-TA9018',
    'A privileged container has every capability and the host devices: it can take over the node. Check who created it and what it ran.'),
  hostPID: r('POD-HOST-PID', 'Host PID namespace', 'high', 'MS-TA9018',
    'hostPID lets the pod see and signal every process on the node, and with enough privilege enter them (nsenter).'),
  hostIPC: r('POD-HOST-IPC', 'Host IPC namespace', 'medium', 'MS-TA9018',
    'hostIPC shares the node\'s IPC namespace: shared memory of other workloads on the node is readable.'),
  hostNetwork: r('POD-HOST-NETWORK', 'Host network namespace', 'medium', 'MS-TA9018',
    'hostNetwork puts the pod on the node\'s network stack: it can sniff node traffic, reach node-local services and the instance metadata endpoint, and bypass network policies.'),
  hostPort: r('POD-HOST-PORT', 'Host port exposed', 'low', 'MS-TA9005',
    'A hostPort exposes the container on the node\'s address, outside services and network policies.'),
  hostPath: r('POD-HOSTPATH', 'hostPath volume', 'low', 'MS-TA9013',
    'A hostPath volume gives the pod files of the node; check the path and whether it is mounted writable.'),
  hostPathWritable: r('POD-HOSTPATH-WRITABLE', 'Writable hostPath mount', 'medium', 'MS-TA9013',
    'A writable hostPath mount lets the container change the node\'s files: persistence on the node and escape paths.'),
  hostPathSensitive: r('POD-HOSTPATH-SENSITIVE', 'Sensitive host path mounted', 'high', 'MS-TA9013',
    'The pod mounts a sensitive node path (the root, /etc, /root, /proc, the kubelet\'s directory, /etc/kubernetes or a container runtime socket): node takeover or credential theft.'),
  servicePrincipal: r('POD-MOUNT-SERVICE-PRINCIPAL', 'Cluster service principal reachable', 'high', 'MS-TA9026',
    'The mounted host path contains /etc/kubernetes/azure.json, which holds the cluster\'s Azure service principal or managed identity configuration.'),
  capabilities: r('POD-DANGEROUS-CAPABILITY', 'Dangerous capability added', 'medium', 'MS-TA9018',
    'The container adds a Linux capability that enables kernel, network or file-permission abuse (SYS_ADMIN and ALL are near-privileged).'),
  privEsc: r('POD-ALLOW-PRIVILEGE-ESCALATION', 'Privilege escalation allowed', 'low', 'MS-TA9018',
    'allowPrivilegeEscalation is not false: a process can gain more privileges than its parent (setuid binaries). The restricted profile requires false.'),
  runAsRoot: r('POD-RUN-AS-ROOT', 'Container may run as root', 'low', 'MS-TA9018',
    'runAsUser is 0, or runAsNonRoot is not true: the container may run as root, which widens every escape path.'),
  seccomp: r('POD-SECCOMP-UNCONFINED', 'Seccomp unconfined', 'medium', 'MS-TA9018',
    'Seccomp is explicitly Unconfined: every system call is allowed to the container.'),
  apparmor: r('POD-APPARMOR-UNCONFINED', 'AppArmor unconfined', 'medium', 'MS-TA9018',
    'AppArmor is explicitly unconfined for the container.'),
  procMount: r('POD-PROC-MOUNT-UNMASKED', 'Unmasked /proc', 'high', 'MS-TA9018',
    'procMount Unmasked exposes the host-sensitive parts of /proc that the runtime normally masks.'),
  sysctl: r('POD-UNSAFE-SYSCTL', 'Unsafe sysctl', 'medium', 'MS-TA9018',
    'The pod sets a sysctl outside the safe set: it can affect the node and other pods.'),
  ephemeral: r('POD-EPHEMERAL-CONTAINER', 'Ephemeral (debug) container', 'medium', 'MS-TA9008',
    'An ephemeral container was added to the running pod (kubectl debug): someone ran a new container inside it. Check who, when, and what image.'),
  noOwner: r('POD-NO-OWNER', 'Pod with no controller', 'medium', 'MS-TA9008',
    'The pod has no owner: it was created directly (kubectl run, a manifest or an attacker), not by a workload controller.'),
  foreignImage: r('POD-KUBE-SYSTEM-FOREIGN-IMAGE', 'kube-system workload from a foreign registry', 'high', 'MS-TA9023',
    'A workload in kube-system runs an image that is not from the platform\'s registries: attackers hide there behind system-looking names.'),
  sshPort: r('POD-SSH-PORT', 'SSH port exposed', 'medium', 'MS-TA9010',
    'The container declares port 22 or 2222: an SSH server inside a container is a backdoor.'),
  miner: r('POD-CRYPTO-MINER', 'Crypto-miner', 'high', 'MS-TA9039',
    'The image, command or arguments match a crypto-miner (known miner images, stratum pool URLs, pool ports or domains).'),
  secretEnv: r('POD-SECRET-ENV-LITERAL', 'Secret as a literal environment variable', 'medium', 'MS-TA9027',
    'An environment variable with a secret-looking name, or a value in a credential format (AWS key, private key, token, connection string, password in a URL), is written literally in the spec or on the command line: anyone who can read the object reads the secret. High when the value itself is a credential. The value is shown masked.'),
  configMapSecret: r('CONFIGMAP-SECRET', 'Secret in a config map', 'high', 'MS-TA9027',
    'A config map holds a credential (a key format that identifies itself, or a password or token assignment in a configuration file): config maps are readable by far more subjects than secrets, and their values end up in logs and backups. The value is not reproduced here.'),
  riskyToken: r('POD-RISKY-SA-TOKEN', 'Powerful service account token mounted', 'high', 'MS-TA9016',
    'The pod mounts the token of a service account that holds risky permissions: whoever runs code in the pod has them too.'),
  cronJob: r('POD-CRONJOB-PERSISTENCE', 'Cron job runs a suspicious container', 'high', 'MS-TA9014',
    'A cron job whose container has a high-severity finding re-creates it on schedule: a persistence mechanism.'),
} as const;

export const RBAC_RULES = {
  clusterAdmin: r('RBAC-CLUSTER-ADMIN', 'Bound to cluster-admin', 'high', 'MS-TA9019',
    'The subject is bound to cluster-admin or is in system:masters: full control of the cluster.'),
  anonymous: r('RBAC-ANONYMOUS-BINDING', 'Permissions granted to anonymous or all users', 'high', 'MS-TA9005',
    'A binding grants permissions to system:anonymous, system:unauthenticated or system:authenticated (every identity that can reach the API server, including any Entra ID user on AKS).'),
  wildcard: r('RBAC-WILDCARD', 'Wildcard permission', 'high', 'MS-TA9019',
    'A rule grants * verbs, resources or API groups: it covers resources that do not exist yet and is rarely meant.'),
  secrets: r('RBAC-READ-SECRETS', 'Can read secrets', 'high', 'MS-TA9025',
    'get, list or watch on secrets reveals every credential stored in the scope (list and watch return the values too).'),
  createPods: r('RBAC-CREATE-PODS', 'Can create pods', 'medium', 'MS-TA9008',
    'Creating pods lets the subject run any image with any service account in the namespace, and privileged pods where admission allows.'),
  createWorkloads: r('RBAC-CREATE-WORKLOADS', 'Can create workload controllers', 'medium', 'MS-TA9012',
    'Creating deployments, daemonsets, statefulsets, replicasets, jobs or cron jobs lets the subject plant a backdoor container.'),
  exec: r('RBAC-POD-EXEC', 'Can exec or attach into pods', 'high', 'MS-TA9006',
    'pods/exec or pods/attach with get or create lets the subject run commands in any container of the scope (exec over WebSocket is authorised as get).'),
  ephemeral: r('RBAC-EPHEMERAL-CONTAINERS', 'Can add ephemeral containers', 'high', 'MS-TA9008',
    'pods/ephemeralcontainers lets the subject add a debug container to a running pod, with the pod\'s service account and volumes.'),
  escalate: r('RBAC-ESCALATE-BIND-IMPERSONATE', 'Can escalate, bind or impersonate', 'high', 'MS-TA9019',
    'escalate, bind or impersonate lets the subject grant itself, or act as, more powerful identities.'),
  nodesProxy: r('RBAC-NODES-PROXY', 'Can reach the kubelet API through nodes/proxy', 'high', 'MS-TA9030',
    'nodes/proxy reaches the kubelet API, which runs commands in any pod of the node and bypasses audit of exec.'),
  tokenCreate: r('RBAC-SA-TOKEN-CREATE', 'Can mint service account tokens', 'high', 'MS-TA9016',
    'create on serviceaccounts/token issues tokens for any service account in the scope.'),
  csrApprove: r('RBAC-CSR-APPROVE', 'Can approve certificate signing requests', 'high', 'MS-TA9019',
    'Approving certificate signing requests lets the subject issue client certificates, e.g. for system:masters or node identities.'),
  webhooks: r('RBAC-ADMISSION-WEBHOOKS', 'Can change admission webhooks', 'high', 'MS-TA9015',
    'create, update or patch on mutating or validating webhook configurations lets the subject intercept or rewrite every object sent to the API server.'),
  deleteAll: r('RBAC-DELETE-ALL', 'Can delete everything', 'high', 'MS-TA9038',
    'delete or deletecollection on every resource lets the subject destroy the workloads and evidence in the scope.'),
  deleteResources: r('RBAC-DELETE-RESOURCES', 'Can delete workloads, secrets or volumes', 'medium', 'MS-TA9038',
    'delete or deletecollection on pods, workload controllers, secrets, config maps, volumes, namespaces or nodes lets the subject destroy what runs in the scope and the evidence with it.'),
  deleteEvents: r('RBAC-DELETE-EVENTS', 'Can delete events', 'medium', 'MS-TA9022',
    'delete or deletecollection on events lets the subject erase the cluster\'s record of what it did (events are often the only trace of a short-lived pod).'),
  deletePodLogs: r('RBAC-DELETE-POD-LOGS', 'Can delete pod logs', 'medium', 'MS-TA9021',
    'delete on pods/log is asked for by tooling that clears container logs: the subject means to remove the evidence of what ran.'),
  portForward: r('RBAC-POD-PORT-FORWARD', 'Can port-forward into pods', 'medium', 'MS-TA9034',
    'pods/portforward opens a tunnel from the client to any port of any pod in the scope, past services, ingresses and network policies.'),
  kubeSystemConfigMaps: r('RBAC-KUBE-SYSTEM-CONFIGMAP-WRITE', 'Can change configuration maps in kube-system', 'high', 'MS-TA9035',
    'update, patch or create on configmaps in kube-system (or cluster-wide) lets the subject rewrite the CoreDNS configuration (coredns, coredns-custom) and send the cluster\'s name lookups to an attacker.'),
  createPersistentVolumes: r('RBAC-CREATE-PERSISTENT-VOLUMES', 'Can create persistent volumes', 'high', 'MS-TA9013',
    'create on persistentvolumes lets the subject define a hostPath volume of any node directory and mount it through a claim: a way to the node that pod admission does not see.'),
  roleNotFound: r('RBAC-ROLE-NOT-FOUND', 'Binding to a role not in the input', 'info', 'MS-TA9019',
    'The binding refers to a role that is neither in the scanned input nor one of Kubernetes\' built-in roles: what it grants is unknown. Scan the role too, or check it in the cluster.'),
} as const;

/** Rules over Services and Ingresses (configRules.ts). */
export const EXPOSURE_RULES = {
  sensitivePort: r('EXPOSED-SENSITIVE-PORT', 'Sensitive port exposed outside the cluster', 'high', 'MS-TA9005',
    'A LoadBalancer, NodePort or externalIPs Service exposes SSH, RDP, the Docker or kubelet API, etcd, a database or another interface that should never face the network. Medium when narrowed (internal load balancer, source ranges, node ports only). Check the service\'s access logs and who created it.'),
  dashboard: r('EXPOSED-DASHBOARD', 'Kubernetes dashboard exposed', 'high', 'MS-TA9005',
    'The Kubernetes dashboard is reachable from outside the cluster through a LoadBalancer, NodePort, externalIPs Service or an Ingress: with its service account it is a console on the cluster for whoever finds it.'),
} as const;

/** Rules over evidence content: one command of a container's shell history or one line of its log (contentRules.ts). */
export const CONTENT_RULES = {
  downloadExecute: r('CONTENT-DOWNLOAD-EXECUTE', 'Download and execute in a container', 'high', 'MS-TA9007',
    'A shell inside the container downloaded a file into a temporary directory, made one there executable, or piped a download into a shell: the usual way a second-stage payload is dropped. Recover the file and the URL.'),
  saToken: r('CONTENT-SA-TOKEN-READ', 'Service account token read from a shell', 'high', 'MS-TA9016',
    'A shell inside the container touched the mounted service account credentials (/var/run/secrets/kubernetes.io/serviceaccount): whoever ran it holds the pod\'s Kubernetes identity. Check what that service account may do.'),
  apiServer: r('CONTENT-API-SERVER-ACCESS', 'Kubernetes API server called from a container', 'high', 'MS-TA9029',
    'A shell inside the container called the API server (kubectl, kubernetes.default, KUBERNETES_SERVICE_HOST or a bearer token header): discovery or use of stolen credentials from inside the cluster. Check the API server audit log for the calls.'),
  cloudCredentials: r('CONTENT-CLOUD-CREDENTIALS', 'Node cloud credentials read', 'high', 'MS-TA9026',
    'A shell inside the container read /etc/kubernetes/azure.json, which holds the cluster\'s Azure service principal or managed identity configuration. Rotate the credential and review its Azure activity.'),
  imds: r('CONTENT-IMDS-ACCESS', 'Instance metadata endpoint called from a container', 'medium', 'MS-TA9033',
    'A shell inside the container called the cloud instance metadata endpoint (169.254.169.254), which reveals the node and can issue managed identity tokens.'),
  hostBreakout: r('CONTENT-HOST-BREAKOUT', 'Container breakout to the node', 'high', 'MS-TA9013',
    'A shell inside the container switched into the node\'s file system (chroot /host) or drove the node\'s container runtime (crictl, ctr, docker against a host socket): the node is compromised, and every pod on it with it.'),
  nsenter: r('CONTENT-NSENTER-HOST', 'nsenter into the node\'s processes', 'high', 'MS-TA9018',
    'A shell inside the container ran nsenter into PID 1 of the node: with hostPID and privilege this is a root shell on the node.'),
  miner: r('CONTENT-CRYPTO-MINER', 'Crypto-miner activity', 'high', 'MS-TA9039',
    'A command or log line names a crypto-miner binary, a stratum pool URL or a known mining pool: the cluster\'s compute is being hijacked.'),
  rootOutput: r('CONTENT-LOG-ROOT-ID', 'Root identity printed in an application log', 'high', 'MS-TA9009',
    'The log holds the output of `id` showing uid 0: a command ran through the application as root. Look at the lines just before it for the exploited request.'),
  logDownload: r('CONTENT-LOG-RAW-IP-DOWNLOAD', 'Download tool fetching from a raw IP in a log', 'high', 'MS-TA9009',
    'curl or wget fetching from a bare IP address appears in the application\'s own log: the application ran an attacker\'s command. Recover the file it saved.'),
  reverseShell: r('CONTENT-REVERSE-SHELL', 'Reverse shell', 'high', 'MS-TA9007',
    'A shell was wired to a network connection back to another host (/dev/tcp, nc -e, socat exec:, a fifo piped through nc, or a python/perl/php/ruby socket one-liner): someone outside has an interactive shell in the container. Find the address and what was typed.'),
  bindShell: r('CONTENT-BIND-SHELL', 'Bind shell', 'high', 'MS-TA9007',
    'A shell was served on a listening port (nc -l -e, socat TCP-LISTEN ... exec:, a socket one-liner that binds and listens): anyone who reaches the port gets a shell in the container.'),
  rawIpDownload: r('CONTENT-RAW-IP-DOWNLOAD', 'Download from a raw IP address', 'medium', 'MS-TA9007',
    'A download tool fetched from a bare public IP address rather than a named host: typical of a second stage served from an attacker\'s machine.'),
  c2Beacon: r('CONTENT-C2-RAW-IP-PORT', 'Connection to a raw IP on an unusual port', 'medium', 'MS-TA9007',
    'A connection to a bare public IP address on a port no common service uses (4444, 1337, 50050 ...): the shape of a command-and-control beacon or a reverse shell\'s callback.'),
  coveringTracks: r('CONTENT-COVERING-TRACKS', 'History or logs cleared', 'high', 'MS-TA9021',
    'The shell history was switched off or erased (history -c, unset HISTFILE, HISTFILE=/dev/null, removing a *_history file), logs under /var/log were removed or truncated, events deleted, or a logging agent killed: someone is covering their tracks.'),
  scanner: r('CONTENT-SCANNER', 'Scanner or exploitation tool in an access log', 'medium', 'MS-TA9004',
    'An access log names a vulnerability scanner or exploitation tool (sqlmap, nikto, nuclei, masscan, zgrab, gobuster, wfuzz, an out-of-band interaction domain ...): the application is being probed. Look for what answered 200.'),
  injection: r('CONTENT-INJECTION-PAYLOAD', 'Injection payload in a request', 'medium', 'MS-TA9004',
    'A request line carries an attack payload (path traversal, /etc/passwd, a shell command after ; | or $(, a cmd= parameter, SQL union select, a script tag, a template expression): an attempt to exploit the application.'),
  capped: r('CONTENT-FINDINGS-CAPPED', 'More content findings than the cap', 'info', 'MS-TA9007',
    'The container\'s log or shell history matched the content rules more often than the findings kept per container; the count of those left out is the evidence. Read the log or history table for the rest.'),
  deserialization: r('CONTENT-LOG-EXPLOIT-GADGET', 'Exploit gadget in an application log', 'high', 'MS-TA9009',
    'The log names a known exploit gadget (commons-collections InvokerTransformer or ChainedTransformer, TemplatesImpl, ysoserial) or a ${jndi: lookup: an attempted or successful remote code execution through deserialization or Log4Shell.'),
} as const;

/** Rules over the AKS control-plane audit log (azure/auditRules.ts): who did it, from where. */
export const AUDIT_RULES = {
  exec: r('AUDIT-POD-EXEC', 'Exec or attach into a pod', 'high', 'MS-TA9006',
    'The audit log records an allowed exec or attach into a pod: the identity, its source address and its client ran commands inside the container. Read the container\'s history and logs around that time.'),
  debugContainer: r('AUDIT-EPHEMERAL-CONTAINER', 'Debug container added to a running pod', 'high', 'MS-TA9008',
    'An ephemeral container was added to a running pod (kubectl debug, pods/ephemeralcontainers): a new container with the pod\'s service account, network and volumes, started by the identity named. Check its image and what it ran.'),
  portForward: r('AUDIT-POD-PORT-FORWARD', 'Port-forward into a pod', 'medium', 'MS-TA9034',
    'The audit log records an allowed port-forward into a pod: a tunnel from the client to the pod, past services and network policies.'),
  secrets: r('AUDIT-SECRETS-READ', 'Secrets read outside the control plane', 'high', 'MS-TA9025',
    'An identity that is not one of the control plane\'s own read secrets (get; list and watch return every value in the scope). Check what the secrets unlock and rotate them.'),
  binding: r('AUDIT-POWERFUL-BINDING', 'Binding to a powerful role created or changed', 'high', 'MS-TA9019',
    'A RoleBinding or ClusterRoleBinding was created or changed that grants cluster-admin, every permission, or bind, escalate or impersonate: the subjects can take over the cluster. Check who made it and remove it if unknown.'),
  anonymous: r('AUDIT-ANONYMOUS-ALLOWED', 'Anonymous request allowed', 'high', 'MS-TA9005',
    'A request by system:anonymous or system:unauthenticated was allowed beyond the public health and version endpoints: the API server grants something to anyone who can reach it.'),
  privilegedPod: r('AUDIT-USER-PRIVILEGED-POD', 'Privileged or host-access pod created by a user', 'high', 'MS-TA9018',
    'A pod was created directly by a user (not by a workload controller) with privileged containers, host namespaces or host paths: the usual way to break out to the node. The finding names the pod rule that matched the request body.'),
  tokenRequest: r('AUDIT-SA-TOKEN-REQUEST', 'Service account token requested', 'medium', 'MS-TA9016',
    'An identity outside the control plane minted a service account token (serviceaccounts/token): whoever holds it acts as that service account until it expires.'),
  deleteEvents: r('AUDIT-EVENTS-DELETED', 'Kubernetes events deleted', 'medium', 'MS-TA9022',
    'Events were deleted by an identity outside the control plane: someone erased the cluster\'s record of what happened.'),
  kubeSystemWorkload: r('AUDIT-KUBE-SYSTEM-WORKLOAD', 'CronJob or DaemonSet created in kube-system', 'high', 'MS-TA9012',
    'A CronJob or DaemonSet was created in kube-system by an identity outside the control plane: a backdoor or persistence hidden among the platform\'s workloads (a DaemonSet runs on every node).'),
  fromPod: r('AUDIT-REQUEST-FROM-POD', 'API request from a pod address', 'high', 'MS-TA9029',
    'A request to the API server came from a pod\'s address with an identity that is not that pod\'s own (a person\'s identity, or another pod\'s service account): a stolen token or kubeconfig used from inside the cluster.'),
  scriptedClient: r('AUDIT-SCRIPTED-CLIENT', 'API request by a scripting or download tool', 'medium', 'MS-TA9029',
    'The request\'s user agent is curl, wget, python, a raw HTTP library or a shell tool rather than kubectl or a controller: an attacker calling the API by hand with a stolen credential.'),
} as const;

/** Rules over the Azure Activity Log of the cluster and its node resource group (azure/activityRules.ts). */
export const ACTIVITY_RULES = {
  adminCredential: r('ARM-ADMIN-CREDENTIAL', 'Cluster admin credentials fetched', 'high', 'MS-TA9003',
    'listClusterAdminCredential returned the local cluster-admin kubeconfig (a client certificate in system:masters that bypasses Entra ID and Kubernetes RBAC): whoever called it can do anything in the cluster. Rotate the cluster certificates if the caller is unknown.'),
  userCredential: r('ARM-USER-CREDENTIAL', 'Cluster user credentials fetched', 'info', 'MS-TA9003',
    'listClusterUserCredential (or the monitoring user or an access profile) returned a kubeconfig for the cluster: an everyday step with Entra ID (the kubeconfig holds no credential), listed so the timeline shows who reached for the cluster. Without Entra ID a user kubeconfig is an admin one.'),
  runCommand: r('ARM-RUN-COMMAND', 'Command run in the cluster through Azure', 'high', 'T1651',
    'managedClusters/runCommand (az aks command invoke) ran a command inside the cluster as cluster-admin from Azure, without a kubeconfig. It leaves a command-<id> pod in the aks-command namespace.'),
  vmRunCommand: r('ARM-NODE-RUN-COMMAND', 'Command run on a node through Azure', 'high', 'T1651',
    'A run command on a node\'s scale set instance or virtual machine ran a script as root on the node from Azure: node takeover without touching the Kubernetes API.'),
  vmExtension: r('ARM-NODE-EXTENSION-WRITE', 'Node extension written', 'medium', 'T1651',
    'An extension was written on a node scale set or virtual machine: a custom script extension runs arbitrary code as root on every node it reaches. AKS writes its own extensions on upgrades: check the caller.'),
  diagnostics: r('ARM-DIAGNOSTIC-SETTINGS-CHANGED', 'Diagnostic settings deleted or changed', 'high', 'T1562.008',
    'A diagnostic setting on the cluster was deleted or rewritten: the control-plane audit log may no longer be sent anywhere. High for a delete, medium for a change.'),
  roleAssignment: r('ARM-ROLE-ASSIGNMENT', 'Role assignment written on the cluster', 'high', 'T1098.003',
    'An Azure role assignment was created or deleted at the cluster\'s scope (or its node resource group): with Azure RBAC for Kubernetes or the cluster admin role, a new assignment is a new way in.'),
} as const;

/** Microsoft Defender for Cloud alerts on the cluster, as findings (azure/alertRules.ts). */
export const ALERT_RULES = {
  control: r('DEFENDER-K8S-ALERT', 'Defender for Containers alert (control plane)', 'medium', 'MS-TA9029',
    'Microsoft Defender for Cloud raised a K8S_* alert from the cluster\'s audit log. The severity and technique follow the alert; read its description and remediation steps.'),
  node: r('DEFENDER-K8S-NODE-ALERT', 'Defender for Containers alert (node runtime)', 'medium', 'MS-TA9007',
    'Microsoft Defender for Cloud raised a K8S.NODE_* alert from a node\'s runtime sensor (a process, file or connection in a container or on the node). The severity and technique follow the alert.'),
  other: r('DEFENDER-ALERT', 'Defender for Cloud alert on the cluster', 'medium', 'MS-TA9029',
    'Microsoft Defender for Cloud raised an alert whose resources include the cluster or its nodes.'),
} as const;

/** The rules over cluster objects and container content: what `scan` and its SARIF report (Azure-side records never reach them). */
export const OBJECT_RULES: readonly RuleMeta[] = [...Object.values(POD_RULES), ...Object.values(RBAC_RULES), ...Object.values(EXPOSURE_RULES), ...Object.values(CONTENT_RULES)];
/** The rules over the Azure-side records (audit log, Activity Log, Defender alerts); some carry ATT&CK techniques. */
export const AZURE_RULES: readonly RuleMeta[] = [...Object.values(AUDIT_RULES), ...Object.values(ACTIVITY_RULES), ...Object.values(ALERT_RULES)];

export const ALL_RULES: readonly RuleMeta[] = [...OBJECT_RULES, ...AZURE_RULES];

export function ruleMeta(id: string): RuleMeta | undefined {
  return ALL_RULES.find((m) => m.id === id);
}
