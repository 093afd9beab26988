// The kubeforensys.* settings, read with the workspace-trust rule: in an untrusted workspace the
// paths that could make us run code (a kubeconfig can run an exec plugin) or write somewhere
// unexpected (the evidence folder) are taken from the user's own settings only.
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ARTIFACT_IDS, isArtifactId, type ArtifactId } from '../core/schema/artifacts.js';
import { DEFAULT_COLLECT_OPTIONS } from '../core/collectors/types.js';
import { DEFAULT_WORKSPACE_NAME } from '../core/azure/state.js';
import type { ConfigReader, InspectedSetting, WorkspaceInfo } from './seam.js';

export const SECTION = 'kubeforensys';

/** Every contributed setting key (without the section); package.json declares exactly these. */
export const SETTING_KEYS = [
  'kubeconfig',
  'context',
  'sinceHours',
  'concurrency',
  'excludeNamespaces',
  'evidenceFolder',
  'artifacts',
  'collection.execEnabled',
  'azure.subscription',
  'azure.resourceGroup',
  'azure.workspaceName',
  'azure.location',
  'azure.includeContainerInsights',
  'azure.includeAksAudit',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** Settings that name a path whose workspace value is ignored when the workspace is not trusted. */
export const RESTRICTED_SETTINGS: readonly SettingKey[] = ['kubeconfig', 'evidenceFolder'];

export interface KfsSettings {
  kubeconfig?: string;
  context?: string;
  sinceHours: number;
  concurrency: number;
  excludeNamespaces: string[];
  evidenceFolder?: string;
  artifacts?: ArtifactId[];
  execEnabled: boolean;
  azure: {
    subscription?: string;
    resourceGroup?: string;
    workspaceName: string;
    location?: string;
    includeContainerInsights: boolean;
    includeAksAudit: boolean;
  };
}

/** The value VS Code would answer, most specific scope first; only the user's value when restricted. */
export function effectiveValue<T>(inspected: InspectedSetting<T> | undefined, trustedScopes: boolean): T | undefined {
  if (!inspected) return undefined;
  if (trustedScopes) {
    if (inspected.workspaceFolderValue !== undefined) return inspected.workspaceFolderValue;
    if (inspected.workspaceValue !== undefined) return inspected.workspaceValue;
  }
  return inspected.globalValue ?? inspected.defaultValue;
}

function read<T>(ws: WorkspaceInfo, key: SettingKey): T | undefined {
  const restricted = RESTRICTED_SETTINGS.includes(key);
  return effectiveValue<T>(ws.config.inspect<T>(`${SECTION}.${key}`), ws.isTrusted || !restricted);
}

const nonEmpty = (s: unknown): string | undefined => (typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined);
const positive = (n: unknown, fallback: number): number => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : fallback);

export function readSettings(ws: WorkspaceInfo): KfsSettings {
  const artifacts = read<unknown>(ws, 'artifacts');
  const excluded = read<unknown>(ws, 'excludeNamespaces');
  return {
    kubeconfig: nonEmpty(read(ws, 'kubeconfig')),
    context: nonEmpty(read(ws, 'context')),
    sinceHours: positive(read(ws, 'sinceHours'), 24),
    concurrency: Math.max(1, Math.floor(positive(read(ws, 'concurrency'), DEFAULT_COLLECT_OPTIONS.concurrency))),
    excludeNamespaces: Array.isArray(excluded) ? excluded.filter((s): s is string => typeof s === 'string' && s !== '') : [],
    evidenceFolder: nonEmpty(read(ws, 'evidenceFolder')),
    artifacts: Array.isArray(artifacts) && artifacts.length ? artifacts.filter((a): a is ArtifactId => typeof a === 'string' && isArtifactId(a)) : undefined,
    execEnabled: read<boolean>(ws, 'collection.execEnabled') !== false,
    azure: {
      subscription: nonEmpty(read(ws, 'azure.subscription')),
      resourceGroup: nonEmpty(read(ws, 'azure.resourceGroup')),
      workspaceName: nonEmpty(read(ws, 'azure.workspaceName')) ?? DEFAULT_WORKSPACE_NAME,
      location: nonEmpty(read(ws, 'azure.location')),
      includeContainerInsights: read<boolean>(ws, 'azure.includeContainerInsights') === true,
      includeAksAudit: read<boolean>(ws, 'azure.includeAksAudit') === true,
    },
  };
}

/** The artifacts a collection includes when the user has not ticked any in the tree. */
export function defaultArtifacts(settings: KfsSettings): ArtifactId[] {
  return settings.artifacts?.length ? settings.artifacts : [...ARTIFACT_IDS];
}

export interface KubeconfigChoice {
  /** Files to load (KUBECONFIG may list several); empty means "the client's own default". */
  paths: string[];
  /** Where the choice came from, for the log and the status bar tooltip. */
  origin: 'kubeforensys.kubeconfig' | 'kubernetes-extension' | 'KUBECONFIG' | 'default';
}

/**
 * The kubeconfig to use, in the order users of the Kubernetes extension expect: our setting, the
 * Kubernetes extension's kubeconfig (its API answer, else its `vs-kubernetes.kubeconfig` setting),
 * the KUBECONFIG variable, then ~/.kube/config.
 */
export function resolveKubeconfig(
  ws: WorkspaceInfo,
  k8sExtensionPath: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): KubeconfigChoice {
  const expand = (p: string) => (p.startsWith('~/') || p === '~' ? join(home, p.slice(1)) : p);
  const own = readSettings(ws).kubeconfig;
  if (own) return { paths: [expand(own)], origin: 'kubeforensys.kubeconfig' };
  const fromExtension = nonEmpty(k8sExtensionPath) ?? kubernetesExtensionSetting(ws.config, ws.isTrusted);
  if (fromExtension) return { paths: [expand(fromExtension)], origin: 'kubernetes-extension' };
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  if (fromEnv.length) return { paths: fromEnv, origin: 'KUBECONFIG' };
  return { paths: [join(home, '.kube', 'config')], origin: 'default' };
}

/** The Kubernetes extension keeps its kubeconfig inside one object setting: vs-kubernetes → vs-kubernetes.kubeconfig. */
function kubernetesExtensionSetting(config: ConfigReader, trusted: boolean): string | undefined {
  const obj = effectiveValue<Record<string, unknown>>(config.inspect('vs-kubernetes'), trusted);
  const p = obj && typeof obj === 'object' ? obj['vs-kubernetes.kubeconfig'] : undefined;
  return nonEmpty(p);
}

/** The path handed to core: core merges a KUBECONFIG-style list itself when given none. */
export function kubeconfigPathForCore(src: KubeconfigChoice): string | undefined {
  if (src.origin === 'KUBECONFIG') return undefined;
  return src.paths[0];
}
