// Every rule's id, title, default severity, Threat Matrix technique and help text.
// The rule logic lives in podRules.ts and rbacRules.ts; this catalogue is what SARIF and the docs list.
import type { RuleMeta } from './types.js';
import { technique } from './techniques.js';

const r = (id: string, title: string, severity: RuleMeta['severity'], techniqueId: string, help: string): RuleMeta => {
  technique(techniqueId); // fail at load time on a typo in the catalogue
  return { id, title, severity, techniqueId, help };
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
    'An environment variable with a secret-looking name has a literal value in the spec: anyone who can read the object reads the secret. The value is not reproduced here.'),
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
  deserialization: r('CONTENT-LOG-EXPLOIT-GADGET', 'Exploit gadget in an application log', 'high', 'MS-TA9009',
    'The log names a known exploit gadget (commons-collections InvokerTransformer or ChainedTransformer, TemplatesImpl, ysoserial) or a ${jndi: lookup: an attempted or successful remote code execution through deserialization or Log4Shell.'),
} as const;

export const ALL_RULES: readonly RuleMeta[] = [...Object.values(POD_RULES), ...Object.values(RBAC_RULES), ...Object.values(CONTENT_RULES)];

export function ruleMeta(id: string): RuleMeta | undefined {
  return ALL_RULES.find((m) => m.id === id);
}
