// Pod rules: pure functions from a pod spec (a pod or a controller's template) to raw findings.
// Every value read here is attacker-controlled JSON: check types, never trust shapes.
import type { PodTarget } from './podTargets.js';

/** What the rules read of a target: all of it but the top-most owner (which needs the whole input). */
export type RuleTarget = Omit<PodTarget, 'topOwner'>;
import { POD_RULES } from './rules.js';
import { commandHits } from './contentRules.js';
import { MINER_ARG, MINER_IMAGE } from './miners.js';
import { isPlaceholder, isSecretName, maskedValue, maskSecrets, secretFlagKind, secretValueKind } from './secrets.js';
import type { RuleMeta, Severity } from './types.js';
import { LiteralMatcher } from './literalIndex.js';
import { requiredLiterals, requiredOfAny } from './requiredLiterals.js';

/** A rule hit before it is stamped with technique, resource and baseline. */
export interface RawFinding {
  rule: RuleMeta;
  severity?: Severity;
  container: string;
  fieldPath: string;
  fieldValue: string;
  explanation: string;
}

export interface PodRuleContext {
  /** Image prefixes expected in kube-system (CollectOptions.platformRegistries). */
  platformRegistries: readonly string[];
  /** Service accounts ("namespace/name") with risky permissions, and why (from the RBAC analysis). */
  riskyServiceAccounts?: ReadonlyMap<string, string[]>;
  /** Service accounts by "namespace/name", for their automountServiceAccountToken. */
  serviceAccounts?: ReadonlyMap<string, Record<string, unknown>>;
}

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export interface ContainerRef {
  c: Obj;
  name: string;
  /** Dotted path of the container, e.g. spec.containers[0]. */
  path: string;
  kind: 'container' | 'init' | 'ephemeral';
  /** The container's securityContext, read once (most rules look at it). */
  sc: Obj | undefined;
  /** Its command and args as strings, made when a rule first asks (three rules read them: partsOf). */
  command: string[] | undefined;
  args: string[] | undefined;
}

/** A container's command or args, each part a string (a non-string part is ''), made once per container. */
function partsOf(ref: ContainerRef, field: 'command' | 'args'): string[] {
  const made = ref[field];
  if (made) return made;
  const list = arr(ref.c[field]);
  const parts = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) parts[i] = str(list[i]);
  ref[field] = parts;
  return parts;
}

const CONTAINER_LISTS = [
  ['containers', 'container'],
  ['initContainers', 'init'],
  ['ephemeralContainers', 'ephemeral'],
] as const;

/**
 * Every rule asks for the containers (and the node-path volumes) of the same target, one rule after
 * another: the last target's are kept (a one-entry memo, cheaper than a WeakMap lookup per rule and
 * nothing for the GC to trace).
 */
let memoTarget: RuleTarget | undefined;
let memoContainers: ContainerRef[] = [];
let memoHostPathsOf: RuleTarget | undefined;
let memoHostPaths: HostPathVolume[] = [];

export function containersOf(t: RuleTarget): ContainerRef[] {
  if (t === memoTarget) return memoContainers;
  const out: ContainerRef[] = [];
  for (const [field, kind] of CONTAINER_LISTS) {
    const list = arr(t.spec[field]);
    for (let i = 0; i < list.length; i++) {
      const c = rec(list[i]);
      if (c) out.push({ c, name: str(c.name), path: `${t.specPath}.${field}[${i}]`, kind, sc: rec(c.securityContext), command: undefined, args: undefined });
    }
  }
  memoTarget = t;
  memoContainers = out;
  return out;
}

const q = (s: string) => JSON.stringify(s);
const where = (t: Pick<PodTarget, 'kind' | 'namespace' | 'name'>) => `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
const cdesc = (ref: ContainerRef) => `${ref.kind === 'container' ? 'Container' : ref.kind === 'init' ? 'Init container' : 'Ephemeral container'} ${q(ref.name)}`;

/**
 * A rule appends its findings to `out` (in its own order; the rules run in POD_RULE_FUNCTIONS'
 * order): plain loops and one array per target, where chains of flatMap built and threw away
 * arrays per container, per port, per variable (measured: the pod rules were a fifth of a scan).
 */
type PodRule = (t: RuleTarget, ctx: PodRuleContext, out: RawFinding[]) => void;

const privileged: PodRule = (t, _ctx, out) => {
  // A Windows HostProcess container runs directly on the node: the Windows form of privileged.
  const podHostProcess = rec(rec(t.spec.securityContext)?.windowsOptions)?.hostProcess === true;
  const refs = containersOf(t);
  for (let k = 0; k < refs.length; k++) {
    const ref = refs[k]!;
    const sc = ref.sc;
    if (sc?.privileged === true) {
      out.push({ rule: POD_RULES.privileged, container: ref.name, fieldPath: `${ref.path}.securityContext.privileged`, fieldValue: 'true', explanation: `${cdesc(ref)} of ${where(t)} runs privileged: full access to the node's devices and kernel.` });
      continue;
    }
    const own = rec(sc?.windowsOptions)?.hostProcess;
    if (own === true || (own === undefined && podHostProcess)) {
      const fieldPath = own === true ? `${ref.path}.securityContext.windowsOptions.hostProcess` : `${t.specPath}.securityContext.windowsOptions.hostProcess`;
      out.push({ rule: POD_RULES.privileged, container: ref.name, fieldPath, fieldValue: 'true', explanation: `${cdesc(ref)} of ${where(t)} is a Windows HostProcess container: it runs on the node itself.` });
    }
  }
};

function hostNamespace(field: 'hostPID' | 'hostIPC' | 'hostNetwork', rule: RuleMeta, what: string): PodRule {
  return (t, _ctx, out) => {
    if (t.spec[field] === true) out.push({ rule, container: '', fieldPath: `${t.specPath}.${field}`, fieldValue: 'true', explanation: `${where(t)} shares the node's ${what} namespace (${field}).` });
  };
}

const hostPort: PodRule = (t, _ctx, out) => {
  const refs = containersOf(t);
  for (let k = 0; k < refs.length; k++) {
    const ref = refs[k]!;
    const ports = arr(ref.c.ports);
    for (let i = 0; i < ports.length; i++) {
      const hp = rec(ports[i])?.hostPort;
      if (typeof hp === 'number' && hp > 0) {
        out.push({ rule: POD_RULES.hostPort, container: ref.name, fieldPath: `${ref.path}.ports[${i}].hostPort`, fieldValue: String(hp), explanation: `${cdesc(ref)} of ${where(t)} listens on port ${hp} of the node's address.` });
      }
    }
  }
};

/** Normalizes a host path: no trailing or doubled slashes. */
export function normalizeHostPath(p: string): string {
  const s = ('/' + p).replace(/\/+/g, '/').replace(/\/$/, '');
  return s === '' ? '/' : s;
}

const isUnder = (p: string, dir: string) => p === dir || dir === '/' || p.startsWith(dir + '/');

/** Node paths whose exposure means takeover or credential theft. A mount of any ancestor exposes them too. */
const SENSITIVE_PATHS = [
  '/',
  '/etc',
  '/root',
  '/proc',
  '/sys',
  '/boot',
  '/var/lib/kubelet',
  '/etc/kubernetes',
  '/etc/kubernetes/azure.json',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd',
  '/run/containerd',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
  '/var/run/cri-dockerd.sock',
];
/** Of those, the ones whose every sub-path is sensitive too (not / and /etc, whose sub-paths such as /etc/ssl/certs are routine). */
const SENSITIVE_SUBTREES = SENSITIVE_PATHS.filter((p) => p !== '/' && p !== '/etc');
const AZURE_JSON = '/etc/kubernetes/azure.json';

export function isSensitiveHostPath(path: string): boolean {
  const p = normalizeHostPath(path);
  return SENSITIVE_PATHS.some((s) => isUnder(s, p)) || SENSITIVE_SUBTREES.some((s) => isUnder(p, s));
}

interface HostPathVolume {
  name: string;
  path: string;
  index: number;
}

/** The target's hostPath volumes (four rules read them; most specs have none). */
function hostPathVolumes(t: RuleTarget): HostPathVolume[] {
  if (t === memoHostPathsOf) return memoHostPaths;
  const out: HostPathVolume[] = [];
  const vols = arr(t.spec.volumes);
  for (let index = 0; index < vols.length; index++) {
    const vol = rec(vols[index]);
    const hp = rec(vol?.hostPath);
    if (hp) out.push({ name: str(vol?.name), path: str(hp.path), index });
  }
  memoHostPathsOf = t;
  memoHostPaths = out;
  return out;
}

const hostPathAny: PodRule = (t, _ctx, out) => {
  for (const v of hostPathVolumes(t)) {
    out.push({ rule: POD_RULES.hostPath, container: '', fieldPath: `${t.specPath}.volumes[${v.index}].hostPath.path`, fieldValue: v.path, explanation: `${where(t)} mounts the node path ${q(v.path)} (volume ${q(v.name)}).` });
  }
};

const hostPathWritable: PodRule = (t, _ctx, out) => {
  const hostPaths = hostPathVolumes(t);
  if (hostPaths.length === 0) return; // most specs mount no node path: no mount can be one
  const vols = new Map(hostPaths.map((v) => [v.name, v]));
  for (const ref of containersOf(t)) {
    const mounts = arr(ref.c.volumeMounts);
    for (let j = 0; j < mounts.length; j++) {
      const mount = rec(mounts[j]);
      const v = vols.get(str(mount?.name));
      if (!mount || !v || mount.readOnly === true) continue;
      const sensitive = isSensitiveHostPath(v.path);
      out.push({
        rule: POD_RULES.hostPathWritable,
        severity: sensitive ? ('high' as const) : undefined,
        container: ref.name,
        fieldPath: `${ref.path}.volumeMounts[${j}]`,
        fieldValue: `${v.path} -> ${str(mount.mountPath)}`,
        explanation: `${cdesc(ref)} of ${where(t)} can write the node path ${q(v.path)} at ${q(str(mount.mountPath))}.`,
      });
    }
  }
};

const hostPathSensitive: PodRule = (t, _ctx, out) => {
  for (const v of hostPathVolumes(t)) {
    if (!isSensitiveHostPath(v.path)) continue;
    out.push({ rule: POD_RULES.hostPathSensitive, container: '', fieldPath: `${t.specPath}.volumes[${v.index}].hostPath.path`, fieldValue: v.path, explanation: `${where(t)} mounts the sensitive node path ${q(v.path)}.` });
  }
};

const servicePrincipal: PodRule = (t, _ctx, out) => {
  for (const v of hostPathVolumes(t)) {
    if (!isUnder(AZURE_JSON, normalizeHostPath(v.path))) continue;
    out.push({
      rule: POD_RULES.servicePrincipal,
      container: '',
      fieldPath: `${t.specPath}.volumes[${v.index}].hostPath.path`,
      fieldValue: v.path,
      explanation: `${where(t)} mounts ${q(v.path)}, which exposes ${AZURE_JSON} (the cluster's Azure credentials).`,
    });
  }
};

const HIGH_CAPS = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'BPF', 'DAC_READ_SEARCH', 'DAC_OVERRIDE', 'MAC_ADMIN', 'MAC_OVERRIDE']);
const DANGEROUS_CAPS = new Set([
  ...HIGH_CAPS,
  'NET_ADMIN', 'NET_RAW', 'PERFMON', 'SYS_BOOT', 'SYS_TIME', 'SYS_CHROOT', 'SYS_RESOURCE', 'SYSLOG', 'MKNOD', 'LINUX_IMMUTABLE',
  'AUDIT_CONTROL', 'AUDIT_READ', 'SETFCAP', 'SETPCAP', 'CHECKPOINT_RESTORE', 'BLOCK_SUSPEND', 'WAKE_ALARM', 'SYS_PACCT', 'IPC_OWNER',
]);

const capabilities: PodRule = (t, _ctx, out) => {
  for (const ref of containersOf(t)) {
    const added = arr(rec(ref.sc?.capabilities)?.add);
    for (let i = 0; i < added.length; i++) {
      const cap = added[i];
      const name = str(cap).toUpperCase().replace(/^CAP_/, '');
      if (!DANGEROUS_CAPS.has(name)) continue;
      out.push({
        rule: POD_RULES.capabilities,
        severity: HIGH_CAPS.has(name) ? ('high' as const) : undefined,
        container: ref.name,
        fieldPath: `${ref.path}.securityContext.capabilities.add[${i}]`,
        fieldValue: str(cap),
        explanation: `${cdesc(ref)} of ${where(t)} adds the ${name} capability.`,
      });
    }
  }
};

const privEsc: PodRule = (t, _ctx, out) => {
  for (const ref of containersOf(t)) {
    const sc = ref.sc;
    const v = sc?.allowPrivilegeEscalation;
    if (v === false || sc?.privileged === true) continue; // privileged is reported on its own
    out.push({
      rule: POD_RULES.privEsc,
      severity: v === true ? ('medium' as const) : undefined,
      container: ref.name,
      fieldPath: `${ref.path}.securityContext.allowPrivilegeEscalation`,
      fieldValue: v === true ? 'true' : 'unset',
      explanation: `${cdesc(ref)} of ${where(t)} ${v === true ? 'explicitly allows' : 'does not forbid'} privilege escalation.`,
    });
  }
};

const runAsRoot: PodRule = (t, _ctx, out) => {
  const psc = rec(t.spec.securityContext);
  for (const ref of containersOf(t)) {
    const sc = ref.sc;
    const cUser = sc?.runAsUser;
    const user = typeof cUser === 'number' ? cUser : psc?.runAsUser;
    if (user === 0) {
      const userPath = typeof cUser === 'number' ? `${ref.path}.securityContext.runAsUser` : `${t.specPath}.securityContext.runAsUser`;
      out.push({ rule: POD_RULES.runAsRoot, severity: 'medium' as const, container: ref.name, fieldPath: userPath, fieldValue: '0', explanation: `${cdesc(ref)} of ${where(t)} runs as root (runAsUser 0).` });
      continue;
    }
    const nonRoot = typeof sc?.runAsNonRoot === 'boolean' ? sc.runAsNonRoot : psc?.runAsNonRoot;
    if (nonRoot === true || (typeof user === 'number' && user > 0)) continue;
    out.push({
      rule: POD_RULES.runAsRoot,
      container: ref.name,
      fieldPath: `${ref.path}.securityContext.runAsNonRoot`,
      fieldValue: nonRoot === false ? 'false' : 'unset',
      explanation: `${cdesc(ref)} of ${where(t)} may run as root: runAsNonRoot is ${nonRoot === false ? 'false' : 'not set'} and no non-root runAsUser is given.`,
    });
  }
};

/**
 * The unconfined-profile finding of one container, or undefined. The annotation is `prefix`, with
 * the container's name after it when `perContainer`: its name is built only when no field decides
 * (most specs set a profile field, or neither field nor annotation).
 */
function profileFinding(t: RuleTarget, ref: ContainerRef, field: 'seccompProfile' | 'appArmorProfile', prefix: string, perContainer: boolean, rule: RuleMeta, label: string): RawFinding | undefined {
  const cType = str(rec(ref.sc?.[field])?.type);
  const pType = str(rec(rec(t.spec.securityContext)?.[field])?.type);
  let path = '';
  let ann: string | undefined;
  if (cType === 'Unconfined') path = `${ref.path}.securityContext.${field}.type`;
  else if (!cType && pType === 'Unconfined') path = `${t.specPath}.securityContext.${field}.type`;
  else if (!cType && !pType) {
    const annotation = perContainer ? prefix + ref.name : prefix;
    ann = t.annotations[annotation];
    if (ann?.toLowerCase() === 'unconfined') path = `${t.metaPath}.annotations[${q(annotation)}]`;
  }
  if (!path) return undefined;
  return { rule, container: ref.name, fieldPath: path, fieldValue: path.includes('annotations') ? ann! : 'Unconfined', explanation: `${cdesc(ref)} of ${where(t)} runs with ${label} unconfined.` };
}

const seccomp: PodRule = (t, _ctx, out) => {
  for (const ref of containersOf(t)) {
    const f =
      profileFinding(t, ref, 'seccompProfile', 'container.seccomp.security.alpha.kubernetes.io/', true, POD_RULES.seccomp, 'seccomp') ??
      profileFinding(t, ref, 'seccompProfile', 'seccomp.security.alpha.kubernetes.io/pod', false, POD_RULES.seccomp, 'seccomp');
    if (f) out.push(f);
  }
};

const apparmor: PodRule = (t, _ctx, out) => {
  for (const ref of containersOf(t)) {
    const f = profileFinding(t, ref, 'appArmorProfile', 'container.apparmor.security.beta.kubernetes.io/', true, POD_RULES.apparmor, 'AppArmor');
    if (f) out.push(f);
  }
};

const procMount: PodRule = (t, _ctx, out) => {
  for (const ref of containersOf(t)) {
    if (ref.sc?.procMount !== 'Unmasked') continue;
    out.push({ rule: POD_RULES.procMount, container: ref.name, fieldPath: `${ref.path}.securityContext.procMount`, fieldValue: 'Unmasked', explanation: `${cdesc(ref)} of ${where(t)} sees an unmasked /proc.` });
  }
};

/** The Pod Security Standards' safe sysctls (baseline profile). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

const sysctl: PodRule = (t, _ctx, out) => {
  const sysctls = arr(rec(t.spec.securityContext)?.sysctls);
  for (let i = 0; i < sysctls.length; i++) {
    const s = rec(sysctls[i]);
    const name = str(s?.name);
    if (!name || SAFE_SYSCTLS.has(name)) continue;
    out.push({ rule: POD_RULES.sysctl, container: '', fieldPath: `${t.specPath}.securityContext.sysctls[${i}].name`, fieldValue: `${name}=${str(s?.value)}`, explanation: `${where(t)} sets the unsafe sysctl ${name}.` });
  }
};

const ephemeral: PodRule = (t, _ctx, out) => {
  for (const ref of containersOf(t)) {
    if (ref.kind !== 'ephemeral') continue;
    out.push({
      rule: POD_RULES.ephemeral,
      container: ref.name,
      fieldPath: `${ref.path}.image`,
      fieldValue: str(ref.c.image),
      explanation: `${cdesc(ref)} (image ${str(ref.c.image)}) was added to ${where(t)}, as kubectl debug does.`,
    });
  }
};

const noOwner: PodRule = (t, _ctx, out) => {
  if (t.kind !== 'Pod' || t.owner) return;
  out.push({ rule: POD_RULES.noOwner, container: '', fieldPath: 'metadata.ownerReferences', fieldValue: 'none', explanation: `${where(t)} was created directly, not by a controller.` });
};

/** An image reference without a registry host is a Docker Hub image. */
export function imageRegistryRef(image: string): string {
  const first = image.split('/')[0] ?? '';
  const hasHost = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return hasHost ? image : `docker.io/${image.includes('/') ? image : `library/${image}`}`;
}

export function fromRegistries(image: string, registries: readonly string[]): boolean {
  const ref = imageRegistryRef(image).toLowerCase();
  return registries.some((r) => r && ref.startsWith(r.toLowerCase()));
}

const foreignImage: PodRule = (t, ctx, out) => {
  if (t.namespace !== 'kube-system') return;
  for (const ref of containersOf(t)) {
    if (fromRegistries(str(ref.c.image), ctx.platformRegistries)) continue;
    out.push({
      rule: POD_RULES.foreignImage,
      container: ref.name,
      fieldPath: `${ref.path}.image`,
      fieldValue: str(ref.c.image),
      explanation: `${cdesc(ref)} of ${where(t)} runs ${str(ref.c.image) || 'an unnamed image'}, not from the platform registries (${ctx.platformRegistries.join(', ')}).`,
    });
  }
};

const SSH_PORTS = new Set([22, 2222]);
const sshPort: PodRule = (t, _ctx, out) => {
  for (const ref of containersOf(t)) {
    const ports = arr(ref.c.ports);
    for (let i = 0; i < ports.length; i++) {
      const port = rec(ports[i]);
      const hit = SSH_PORTS.has(port?.containerPort as number) ? 'containerPort' : SSH_PORTS.has(port?.hostPort as number) ? 'hostPort' : undefined;
      if (!hit) continue;
      out.push({ rule: POD_RULES.sshPort, container: ref.name, fieldPath: `${ref.path}.ports[${i}].${hit}`, fieldValue: String(port![hit]), explanation: `${cdesc(ref)} of ${where(t)} exposes SSH port ${String(port![hit])}.` });
    }
  }
};

export { MINER_ARG, MINER_IMAGE } from './miners.js';

/**
 * What a command or args list must hold, joined, for a part of it to be a miner: a miner name (for
 * a binary's base name) or a literal of a miner argument. A part's match is a match in the joined
 * text, so a list that holds neither skips every per-part regex.
 */
const MINER_NAME = new LiteralMatcher(requiredLiterals(MINER_IMAGE, { slice: true }) ?? ['']);
const MINER_ARG_LITERALS = requiredOfAny(MINER_ARG);
const MINER_ARGS = MINER_ARG_LITERALS ? new LiteralMatcher(MINER_ARG_LITERALS) : null;
const mayHoldMiner = (joined: string) => MINER_NAME.test(joined) || !MINER_ARGS || MINER_ARGS.test(joined);

/** The miner hit in a container's command or args list, or undefined. */
function minerPart(ref: ContainerRef, field: 'command' | 'args'): { path: string; value: string } | undefined {
  const parts = partsOf(ref, field);
  const joined = parts.join(' ');
  if (!mayHoldMiner(joined)) return undefined;
  const i = parts.findIndex((p) => MINER_IMAGE.test(p.split('/').pop() ?? '') || MINER_ARG.some((re) => re.test(p)));
  if (i >= 0) return { path: `${ref.path}.${field}[${i}]`, value: parts[i]! };
  if (MINER_ARG.some((re) => re.test(joined))) return { path: `${ref.path}.${field}`, value: joined };
  return undefined;
}

const miner: PodRule = (t, _ctx, out) => {
  for (const ref of containersOf(t)) {
    const image = str(ref.c.image);
    const imageRepo = image.replace(/^[^/]*[.:][^/]*\//, '');
    const hit = MINER_IMAGE.test(imageRepo) ? { path: `${ref.path}.image`, value: image } : (minerPart(ref, 'command') ?? minerPart(ref, 'args'));
    if (hit) out.push({ rule: POD_RULES.miner, container: ref.name, fieldPath: hit.path, fieldValue: hit.value, explanation: `${cdesc(ref)} of ${where(t)} looks like a crypto-miner (${hit.value.slice(0, 80)}).` });
  }
};

/**
 * What a container runs, through the content rules for typed commands: a spec whose command pipes
 * a download into a shell, opens a reverse shell or erases logs is a dropper whoever typed it.
 */
const workloadCommand: PodRule = (t, _ctx, out) => {
  for (const ref of containersOf(t)) {
    const command = partsOf(ref, 'command');
    const args = partsOf(ref, 'args');
    if (command.length + args.length === 0) continue;
    const joined = command.length === 0 ? args.join(' ') : args.length === 0 ? command.join(' ') : `${command.join(' ')} ${args.join(' ')}`;
    for (const h of commandHits(joined)) {
      out.push({
        rule: h.rule,
        container: ref.name,
        fieldPath: `${ref.path}.${command.length ? 'command' : 'args'}`,
        fieldValue: maskSecrets(h.match).slice(0, 200),
        explanation: `${cdesc(ref)} of ${where(t)} runs a command matching "${maskSecrets(h.match).slice(0, 120)}" (${h.rule.title}).`,
      });
    }
  }
};

const secretEnv: PodRule = (t, _ctx, out) => {
  for (const ref of containersOf(t)) {
    const env = arr(ref.c.env);
    for (let i = 0; i < env.length; i++) {
      const e = rec(env[i]);
      const value = e?.value;
      if (typeof value !== 'string' || value.trim() === '') continue;
      const name = str(e?.name);
      const kind = secretValueKind(value);
      if (!kind && (!isSecretName(name) || isPlaceholder(value))) continue;
      out.push({
        rule: POD_RULES.secretEnv,
        severity: kind ? ('high' as const) : undefined,
        container: ref.name,
        fieldPath: `${ref.path}.env[${i}].value`,
        // Never copy the secret into the evidence bundle or a report: masked, with its kind and length.
        fieldValue: `${name}=${maskedValue(value, kind)}`,
        explanation: kind
          ? `${cdesc(ref)} of ${where(t)} holds ${kind} as the literal value of ${name}.`
          : `${cdesc(ref)} of ${where(t)} has the secret-looking variable ${name} as a literal value instead of a secretKeyRef.`,
      });
    }
  }
};

/** Secrets written into command-line arguments (--password=..., a connection string, a token). */
const secretArgs: PodRule = (t, _ctx, out) => {
  for (const ref of containersOf(t)) {
    for (const field of ['command', 'args'] as const) {
      const list = partsOf(ref, field);
      for (let i = 0; i < list.length; i++) {
        const arg = list[i]!;
        const kind = secretValueKind(arg) ?? secretFlagKind(arg);
        if (!kind) continue;
        out.push({ rule: POD_RULES.secretEnv, severity: 'high' as const, container: ref.name, fieldPath: `${ref.path}.${field}[${i}]`, fieldValue: maskSecrets(arg).slice(0, 200), explanation: `${cdesc(ref)} of ${where(t)} passes ${kind} on its command line.` });
      }
    }
  }
};

/** What the token rule reads of a spec: the service account, the pod's own automount setting, a projected token volume. */
export interface TokenSpec {
  serviceAccount: string;
  podSetting: unknown;
  projected: boolean;
}

export function tokenSpec(t: RuleTarget): TokenSpec {
  const serviceAccount = str(t.spec.serviceAccountName) || str(t.spec.serviceAccount) || 'default';
  // With automount off, a projected serviceAccountToken volume still puts a token in the pod.
  const projected = arr(t.spec.volumes).some((v) => arr(rec(rec(v)?.projected)?.sources).some((src) => rec(src)?.serviceAccountToken !== undefined));
  return { serviceAccount, podSetting: t.spec.automountServiceAccountToken, projected };
}

function tokenMounted(spec: TokenSpec, namespace: string, ctx: PodRuleContext): boolean {
  const sa = ctx.serviceAccounts?.get(`${namespace}/${spec.serviceAccount}`);
  const saSetting = sa?.automountServiceAccountToken;
  const automount = typeof spec.podSetting === 'boolean' ? spec.podSetting : typeof saSetting === 'boolean' ? saSetting : true;
  return automount || spec.projected;
}

/** The service account a pod runs as, and whether its token is mounted. */
export function tokenMount(t: PodTarget, ctx: PodRuleContext): { serviceAccount: string; mounted: boolean } {
  const spec = tokenSpec(t);
  return { serviceAccount: spec.serviceAccount, mounted: tokenMounted(spec, t.namespace, ctx) };
}

/** What a target's finding text names of it. */
export type TargetHead = Pick<PodTarget, 'kind' | 'namespace' | 'name' | 'specPath'>;

function riskyTokenOf(t: TargetHead, token: TokenSpec, ctx: PodRuleContext): RawFinding[] {
  if (!ctx.riskyServiceAccounts) return [];
  const serviceAccount = token.serviceAccount;
  const why = ctx.riskyServiceAccounts.get(`${t.namespace}/${serviceAccount}`);
  if (!tokenMounted(token, t.namespace, ctx) || !why?.length) return [];
  return [{
    rule: POD_RULES.riskyToken,
    container: '',
    fieldPath: `${t.specPath}.serviceAccountName`,
    fieldValue: serviceAccount,
    explanation: `${where(t)} mounts the token of service account ${t.namespace}/${serviceAccount}, which holds risky permissions: ${why.slice(0, 3).join('; ')}.`,
  }];
}

const riskyToken: PodRule = (t, ctx, out) => {
  for (const f of riskyTokenOf(t, tokenSpec(t), ctx)) out.push(f);
};

export const POD_RULE_FUNCTIONS: readonly PodRule[] = [
  privileged,
  hostNamespace('hostPID', POD_RULES.hostPID, 'process'),
  hostNamespace('hostIPC', POD_RULES.hostIPC, 'IPC'),
  hostNamespace('hostNetwork', POD_RULES.hostNetwork, 'network'),
  hostPort,
  hostPathAny,
  hostPathWritable,
  hostPathSensitive,
  servicePrincipal,
  capabilities,
  privEsc,
  runAsRoot,
  seccomp,
  apparmor,
  procMount,
  sysctl,
  ephemeral,
  noOwner,
  foreignImage,
  sshPort,
  miner,
  workloadCommand,
  secretEnv,
  secretArgs,
  riskyToken,
];

/** Every rule but the token rule, which needs the input's RBAC and service accounts: what one target says by itself. */
const LOCAL_RULES = POD_RULE_FUNCTIONS.filter((r) => r !== riskyToken);
if (POD_RULE_FUNCTIONS[POD_RULE_FUNCTIONS.length - 1] !== riskyToken) throw new Error('the token rule must come last (its findings follow the local ones)');

/** A target's findings from its own spec, and what the token and cron job findings need later. */
export interface LocalPodFindings {
  raw: RawFinding[];
  token: TokenSpec;
  /** The CronJob's schedule (empty for other kinds). */
  schedule: string;
}

function localFindings(t: RuleTarget, ctx: PodRuleContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (let i = 0; i < LOCAL_RULES.length; i++) LOCAL_RULES[i]!(t, ctx, out);
  return out;
}

export function evaluateLocal(t: RuleTarget, ctx: PodRuleContext): LocalPodFindings {
  return {
    raw: localFindings(t, ctx),
    token: tokenSpec(t),
    schedule: t.kind === 'CronJob' ? str(rec(t.object.spec)?.schedule) : '',
  };
}

/** The local findings, the token rule's, and for a CronJob with a high-severity hit the persistence finding. */
export function finishPodTarget(t: TargetHead, local: LocalPodFindings, ctx: PodRuleContext): RawFinding[] {
  const out = [...local.raw, ...riskyTokenOf(t, local.token, ctx)];
  if (t.kind === 'CronJob') {
    const worst = out.find((f) => (f.severity ?? f.rule.severity) === 'high');
    if (worst) {
      out.push({
        rule: POD_RULES.cronJob,
        container: worst.container,
        fieldPath: 'spec.schedule',
        fieldValue: local.schedule,
        explanation: `Cron job ${t.namespace}/${t.name} re-creates a container flagged "${worst.rule.title}" on schedule ${local.schedule}.`,
      });
    }
  }
  return out;
}

/** Runs every pod rule on one target. A CronJob with a high-severity hit also gets the persistence finding. */
export function evaluatePodTarget(t: PodTarget, ctx: PodRuleContext): RawFinding[] {
  return finishPodTarget(t, evaluateLocal(t, ctx), ctx);
}
