// Loads a kubeconfig the way kubectl does: an explicit file wins, else the KUBECONFIG path list
// (merged; for duplicate names and for current-context the FIRST file wins), else
// ~/.kube/config; an explicit context overrides current-context. Every problem becomes one
// KubeconfigError sentence naming the file, the context and the field.
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { readInputSync } from '../regularFile.js';
import { KubeconfigError } from './errors.js';

export interface KubeconfigSource {
  /** Explicit kubeconfig file (like kubectl --kubeconfig). */
  path?: string;
  /** Overrides current-context (like kubectl --context). */
  context?: string;
  /** Environment to read KUBECONFIG from; defaults to process.env (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  /** Home folder for ~/.kube/config; defaults to os.homedir(). */
  home?: string;
  /** Prefix of /var/run/secrets/kubernetes.io/serviceaccount for the in-cluster fallback (tests). */
  inClusterRoot?: string;
}

export interface LoadedKubeconfig {
  /** The client-node config with the chosen context current. */
  kubeConfig: KubeConfig;
  /** Files read, in precedence order. */
  files: string[];
  contextName: string;
  clusterName: string;
  userName: string;
  server: string;
  namespace?: string;
  /** The file that defines the chosen context. */
  contextFile: string;
}

export interface ContextInfo {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  current: boolean;
}

/** Where a named entry came from, to name the file and field in errors. */
interface Origin {
  file: string;
  index: number;
  raw: Record<string, unknown>;
}

interface Merged {
  files: string[];
  currentContext: string;
  currentFrom?: string;
  clusters: Map<string, Origin>;
  users: Map<string, Origin>;
  contexts: Map<string, Origin>;
  kc: { clusters: Cluster[]; users: User[]; contexts: Context[] };
}

export function kubeconfigFiles(src: Pick<KubeconfigSource, 'path' | 'env' | 'home'>): string[] {
  if (src.path) return [src.path];
  const env = src.env ?? process.env;
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f.length > 0);
  if (list.length > 0) return [...new Set(list)];
  return [join(src.home ?? homedir(), '.kube', 'config')];
}

/** A kubeconfig file's text and YAML; null for a KUBECONFIG entry that does not exist. */
function readConfigFile(file: string, explicit: boolean): { text: string; doc: Record<string, unknown> } | null {
  let text: string;
  try {
    text = readInputSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // kubectl skips KUBECONFIG entries that do not exist; an explicit file must exist.
    if (code === 'ENOENT' && !explicit) return null;
    throw new KubeconfigError(`Cannot read the kubeconfig file ${file} (${code ?? (err as Error).message}).`, file);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const msg = (err as Error).message.split('\n', 1)[0];
    throw new KubeconfigError(`The kubeconfig file ${file} is not valid YAML: ${msg}.`, file);
  }
  if (doc === null || doc === undefined) return { text, doc: {} };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new KubeconfigError(`The kubeconfig file ${file} is not a YAML mapping (expected apiVersion, clusters, contexts, users).`, file);
  }
  return { text, doc: doc as Record<string, unknown> };
}

function entries(file: string, doc: Record<string, unknown>, key: 'clusters' | 'users' | 'contexts'): Origin[] {
  const list = doc[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new KubeconfigError(`The kubeconfig file ${file} has a field ${key} that is not a list.`, file, undefined, key);
  return list.map((raw, index) => {
    if (!raw || typeof raw !== 'object' || typeof (raw as { name?: unknown }).name !== 'string') {
      throw new KubeconfigError(`The kubeconfig file ${file} has an entry ${key}[${index}] without a name.`, file, undefined, `${key}[${index}].name`);
    }
    return { file, index, raw: raw as Record<string, unknown> };
  });
}

function mergeFiles(files: string[], explicit: boolean): Merged {
  const merged: Merged = { files: [], currentContext: '', clusters: new Map(), users: new Map(), contexts: new Map(), kc: { clusters: [], users: [], contexts: [] } };
  for (const file of files) {
    const read = readConfigFile(file, explicit);
    if (!read) continue;
    const doc = read.doc;
    merged.files.push(file);
    const cc = doc['current-context'];
    if (!merged.currentContext && typeof cc === 'string' && cc) {
      merged.currentContext = cc;
      merged.currentFrom = file;
    }
    // Let client-node turn the entries into its own types (relative cert paths made absolute
    // against the file's folder); entries it finds invalid are validated below when chosen.
    // From the text read above, not the file again: what client-node loads is what was checked and parsed.
    const kc = new KubeConfig();
    try {
      kc.loadFromString(read.text, { onInvalidEntry: 'filter' });
      kc.makePathsAbsolute(dirname(file));
    } catch (err) {
      throw new KubeconfigError(`The kubeconfig file ${file} cannot be loaded: ${(err as Error).message.split('\n', 1)[0]}.`, file);
    }
    for (const [key, target] of [
      ['clusters', merged.clusters],
      ['users', merged.users],
      ['contexts', merged.contexts],
    ] as const) {
      for (const o of entries(file, doc, key)) {
        const name = o.raw.name as string;
        if (target.has(name)) continue; // first file wins, as in kubectl
        target.set(name, o);
      }
    }
    for (const c of kc.getClusters()) if (merged.clusters.get(c.name)?.file === file && !merged.kc.clusters.some((x) => x.name === c.name)) merged.kc.clusters.push(c);
    for (const u of kc.getUsers()) if (merged.users.get(u.name)?.file === file && !merged.kc.users.some((x) => x.name === u.name)) merged.kc.users.push(u);
    for (const c of kc.getContexts()) if (merged.contexts.get(c.name)?.file === file && !merged.kc.contexts.some((x) => x.name === c.name)) merged.kc.contexts.push(c);
  }
  if (merged.files.length === 0) {
    throw new KubeconfigError(
      files.length === 1
        ? `No kubeconfig found at ${files[0]}; pass --kubeconfig or set KUBECONFIG.`
        : `None of the KUBECONFIG files exist (${files.join(', ')}).`,
      files[0],
    );
  }
  return merged;
}

function sub(raw: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = raw[key];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Lists every context of the merged kubeconfig (for the VS Code context picker). */
export function listContexts(src: Pick<KubeconfigSource, 'path' | 'env' | 'home'> = {}): ContextInfo[] {
  const merged = mergeFiles(kubeconfigFiles(src), !!src.path);
  return [...merged.contexts.entries()].map(([name, o]) => {
    const ctx = sub(o.raw, 'context') ?? {};
    const ns = typeof ctx.namespace === 'string' && ctx.namespace ? ctx.namespace : undefined;
    return {
      name,
      cluster: typeof ctx.cluster === 'string' ? ctx.cluster : '',
      user: typeof ctx.user === 'string' ? ctx.user : '',
      ...(ns ? { namespace: ns } : {}),
      current: name === merged.currentContext,
    };
  });
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Inside a pod with no kubeconfig (kubectl's in-cluster fallback): the pod's service account
 * token and CA, and the API server from KUBERNETES_SERVICE_HOST/PORT.
 */
function inClusterConfig(src: KubeconfigSource): LoadedKubeconfig | null {
  const env = src.env ?? process.env;
  const root = src.inClusterRoot ?? '';
  if (src.path || env.KUBECONFIG || !env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) return null;
  if (!existsSync(join(root + SA_DIR, 'token')) || existsSync(kubeconfigFiles(src)[0]!)) return null;
  const kubeConfig = new KubeConfig();
  // client-node reads the host and port from process.env.
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  process.env.KUBERNETES_SERVICE_HOST = env.KUBERNETES_SERVICE_HOST;
  process.env.KUBERNETES_SERVICE_PORT = env.KUBERNETES_SERVICE_PORT;
  try {
    kubeConfig.loadFromCluster(root);
  } finally {
    if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
    else process.env.KUBERNETES_SERVICE_HOST = saved.host;
    if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
    else process.env.KUBERNETES_SERVICE_PORT = saved.port;
  }
  const cluster = kubeConfig.getCurrentCluster()!;
  const ctx = kubeConfig.getContextObject(kubeConfig.getCurrentContext())!;
  return {
    kubeConfig,
    files: [],
    contextName: ctx.name,
    clusterName: cluster.name,
    userName: ctx.user,
    server: cluster.server,
    ...(ctx.namespace ? { namespace: ctx.namespace } : {}),
    contextFile: root + SA_DIR,
  };
}

export function loadKubeconfig(src: KubeconfigSource = {}): LoadedKubeconfig {
  const inCluster = inClusterConfig(src);
  if (inCluster) return inCluster;
  const merged = mergeFiles(kubeconfigFiles(src), !!src.path);
  const where = merged.files.length === 1 ? merged.files[0]! : `KUBECONFIG (${merged.files.join(', ')})`;
  const chosen = chosenContext(merged, src, where);
  const { contextName, origin: ctxOrigin, ctx } = chosen;
  const { clusterName, server } = contextCluster(merged, chosen, where);
  const userName = typeof ctx.user === 'string' ? ctx.user : '';
  const userOrigin = merged.users.get(userName);
  if (!userName || !userOrigin) {
    throw new KubeconfigError(
      userName
        ? `The context ${contextName} in ${ctxOrigin.file} refers to user ${userName}, which is not defined in ${where} (field ${chosen.field('user')}).`
        : `The context ${contextName} in ${ctxOrigin.file} names no user (field ${chosen.field('user')}).`,
      ctxOrigin.file,
      contextName,
      chosen.field('user'),
    );
  }
  checkExecPlugin(userOrigin, contextName);
  checkTokenFile(userOrigin, contextName);

  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({ ...merged.kc, currentContext: contextName });
  if (!kubeConfig.getCurrentCluster() || !kubeConfig.getCurrentUser()) {
    // client-node filtered an entry it found invalid (e.g. an unreadable token-file).
    throw new KubeconfigError(`The cluster ${clusterName} or user ${userName} of context ${contextName} is invalid in ${where}.`, ctxOrigin.file, contextName);
  }
  const namespace = typeof ctx.namespace === 'string' && ctx.namespace ? ctx.namespace : undefined;
  return {
    kubeConfig,
    files: merged.files,
    contextName,
    clusterName,
    userName,
    server: server.replace(/\/$/, ''),
    ...(namespace ? { namespace } : {}),
    contextFile: ctxOrigin.file,
  };
}

/** The context the load uses (--context, else current-context) with its section and origin. */
interface ChosenContext {
  contextName: string;
  origin: Origin;
  ctx: Record<string, unknown>;
  /** The kubeconfig path of one of the context's fields, for error messages. */
  field: (f: string) => string;
}

function chosenContext(merged: Merged, src: KubeconfigSource, where: string): ChosenContext {
  const contextName = src.context || merged.currentContext;
  const available = [...merged.contexts.keys()].join(', ') || 'none';
  if (!contextName) {
    throw new KubeconfigError(`The kubeconfig ${where} sets no current-context; choose one with --context (available: ${available}).`, merged.files[0], undefined, 'current-context');
  }
  const origin = merged.contexts.get(contextName);
  if (!origin) {
    const field = src.context ? '--context' : 'current-context';
    throw new KubeconfigError(
      `The context ${contextName} (from ${field}) is not defined in ${src.context ? where : (merged.currentFrom ?? where)} (available: ${available}).`,
      merged.currentFrom ?? merged.files[0],
      contextName,
      field,
    );
  }
  const ctx = sub(origin.raw, 'context');
  if (!ctx) {
    throw new KubeconfigError(`The context ${contextName} in ${origin.file} has no context section (field contexts[${origin.index}].context).`, origin.file, contextName, `contexts[${origin.index}].context`);
  }
  return { contextName, origin, ctx, field: (f) => `contexts[${origin.index}].context.${f}` };
}

/** The context's cluster and its server URL, which must be http(s). */
function contextCluster(merged: Merged, { contextName, origin, ctx, field }: ChosenContext, where: string): { clusterName: string; server: string } {
  const clusterName = typeof ctx.cluster === 'string' ? ctx.cluster : '';
  const clusterOrigin = merged.clusters.get(clusterName);
  if (!clusterName || !clusterOrigin) {
    throw new KubeconfigError(
      clusterName
        ? `The context ${contextName} in ${origin.file} refers to cluster ${clusterName}, which is not defined in ${where} (field ${field('cluster')}).`
        : `The context ${contextName} in ${origin.file} names no cluster (field ${field('cluster')}).`,
      origin.file,
      contextName,
      field('cluster'),
    );
  }
  const server = sub(clusterOrigin.raw, 'cluster')?.server;
  const serverField = `clusters[${clusterOrigin.index}].cluster.server`;
  if (typeof server !== 'string' || !server) {
    throw new KubeconfigError(`The cluster ${clusterName} used by context ${contextName} has no server URL in ${clusterOrigin.file} (field ${serverField}).`, clusterOrigin.file, contextName, serverField);
  }
  if (!/^https?:\/\//.test(server)) {
    throw new KubeconfigError(`The cluster ${clusterName} used by context ${contextName} has a server URL that is not http(s) in ${clusterOrigin.file} (field ${serverField}).`, clusterOrigin.file, contextName, serverField);
  }
  return { clusterName, server };
}

/** The exec credential plugin of a user, when it has one. */
export interface ExecPlugin {
  command: string;
  args: string[];
  env: { name: string; value: string }[];
}

export function execPluginOf(userRaw: Record<string, unknown>): ExecPlugin | null {
  const user = sub(userRaw, 'user');
  const exec = user && sub(user, 'exec');
  if (!exec || typeof exec.command !== 'string') return null;
  const args = Array.isArray(exec.args) ? exec.args.filter((a): a is string => typeof a === 'string') : [];
  const env = Array.isArray(exec.env)
    ? exec.env.filter((e): e is { name: string; value: string } => !!e && typeof e === 'object' && typeof e.name === 'string').map((e) => ({ name: e.name, value: String(e.value ?? '') }))
    : [];
  return { command: exec.command, args, env };
}

/** kubelogin's login mode from its argv (--login X, --login=X, -l X) or AAD_LOGIN_METHOD; its default is devicecode. */
export function kubeloginMode(plugin: ExecPlugin): string | null {
  if (basename(plugin.command).replace(/\.exe$/i, '') !== 'kubelogin') return null;
  const a = plugin.args;
  for (let i = 0; i < a.length; i++) {
    const arg = a[i]!;
    if (arg === '--login' || arg === '-l') return a[i + 1] ?? '';
    if (arg.startsWith('--login=')) return arg.slice('--login='.length);
    if (arg.startsWith('-l=')) return arg.slice(3);
  }
  const fromEnv = plugin.env.find((e) => e.name === 'AAD_LOGIN_METHOD')?.value;
  return fromEnv || 'devicecode';
}

function checkExecPlugin(userOrigin: Origin, contextName: string): void {
  const plugin = execPluginOf(userOrigin.raw);
  if (!plugin) return;
  const userName = userOrigin.raw.name as string;
  if (kubeloginMode(plugin) === 'devicecode') {
    throw new KubeconfigError(
      `The kubeconfig user ${userName} (context ${contextName}, ${userOrigin.file}) runs kubelogin in devicecode mode, which needs an interactive prompt this tool cannot show; run \`kubelogin convert-kubeconfig -l azurecli\` (after \`az login\`) and try again.`,
      userOrigin.file,
      contextName,
      `users[${userOrigin.index}].user.exec.args`,
    );
  }
}

/** A token-file that cannot be read is named here; client-node would drop the user and the server answer 401. */
function checkTokenFile(userOrigin: Origin, contextName: string): void {
  const file = sub(userOrigin.raw, 'user')?.['token-file'];
  if (typeof file !== 'string' || !file) return;
  try {
    accessSync(file, constants.R_OK);
  } catch (err) {
    throw new KubeconfigError(
      `The kubeconfig user ${String(userOrigin.raw.name)} (context ${contextName}, ${userOrigin.file}) reads its token from ${file}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
      userOrigin.file,
      contextName,
      `users[${userOrigin.index}].user.token-file`,
    );
  }
}

/** Explains an exec-plugin failure (spawn ENOENT, non-zero exit) in one sentence, or returns null. */
export function explainExecPluginError(err: unknown, loaded: LoadedKubeconfig): KubeconfigError | null {
  const user = loaded.kubeConfig.getCurrentUser();
  const exec = (user?.exec ?? (user?.authProvider as { config?: { exec?: unknown } } | undefined)?.config?.exec) as { command?: string } | undefined;
  if (!exec?.command) return null;
  const e = err as NodeJS.ErrnoException;
  const field = 'user.exec.command';
  if (e?.code === 'ENOENT' || /spawn .* ENOENT/.test(e?.message ?? '')) {
    return new KubeconfigError(
      `The kubeconfig user ${loaded.userName} (context ${loaded.contextName}) runs the exec plugin '${exec.command}', which is not installed or not on PATH.`,
      loaded.contextFile,
      loaded.contextName,
      field,
    );
  }
  if (e?.code === 'EACCES') {
    return new KubeconfigError(
      `The kubeconfig user ${loaded.userName} (context ${loaded.contextName}) runs the exec plugin '${exec.command}', which is not executable.`,
      loaded.contextFile,
      loaded.contextName,
      field,
    );
  }
  if (err instanceof Error && !('code' in err) && !(err as { statusCode?: unknown }).statusCode) {
    return new KubeconfigError(
      `The exec plugin '${exec.command}' of kubeconfig user ${loaded.userName} (context ${loaded.contextName}) ${pluginFailure(err)}.`,
      loaded.contextFile,
      loaded.contextName,
      field,
    );
  }
  return null;
}

/**
 * What went wrong with the plugin, without its output. client-node rejects with JSON.parse's
 * error when stdout is not JSON (the message quotes stdout, which may be a bare token) and with
 * the whole stderr when it exits non-zero (some plugins print the token there too).
 */
function pluginFailure(err: Error): string {
  if (err.name === 'SyntaxError') return 'did not print an ExecCredential: its output is not JSON (not shown, as it may hold a token)';
  if (err.name === 'TypeError') return 'printed JSON that is not an ExecCredential with a status (not shown, as it may hold a token)';
  const last = err.message.trim().split('\n').map((l) => l.trim()).filter(Boolean).pop();
  return last ? `failed: ${redactTokens(last).slice(0, 300)}` : 'failed and printed nothing on stderr';
}

/**
 * Hides what looks like a credential in a line of plugin output: JWTs, `Bearer x`, the value of
 * `token=`, `secret:`, `"password": ...`, and any long run of token alphabet mixing letters and
 * digits (access tokens, keys, hex secrets). Error codes and words stay readable.
 */
export function redactTokens(line: string): string {
  return line
    .replace(/\beyJ[\w-]*\.[\w-]*\.?[\w-]*/g, '[redacted]')
    .replace(/\b(bearer|basic)\s+\S+/gi, '$1 [redacted]')
    .replace(/\b((?:access[_-]?|refresh[_-]?|id[_-]?)?token|secret|password|passwd|api[_-]?key|client[_-]?secret|credential)s?(["']?\s*[:=]\s*["']?)[^\s"',;]+/gi, '$1$2[redacted]')
    .replace(/[A-Za-z0-9+/=_\-.~]{20,}/g, (run) => (/[0-9]/.test(run) && /[A-Za-z]/.test(run) ? '[redacted]' : run));
}
