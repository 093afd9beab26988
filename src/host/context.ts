// What every command handler receives: the UI seam, settings, state, log and core services.
// src/extension.ts builds the real one; tests build one around fakes.
import type { TimelineFilter } from '../core/timeline/filter.js';
import type { TimelineSource } from '../core/timeline/source.js';
import type { ContextInfo } from './treeNodes.js';
import type { CoreServices, KubeContext } from './services.js';
import { kubeconfigPathForCore, readSettings, resolveKubeconfig, type KfsSettings, type KubeconfigChoice } from './settings.js';
import type { LogChannel, UiHost, WorkspaceInfo } from './seam.js';
import type { ExtensionState } from './state.js';

/** `refresh` (a time) asks for the workspace to be queried again although its panel is open. */
export type TimelineSourceSpec = { kind: 'local'; bundleDir: string } | { kind: 'workspace'; refresh?: number };

/** The timeline panel as commands drive it (src/views/timelinePanel.ts implements it). */
export interface TimelinePanels {
  /** `select`: the RecordId of a row to select and scroll to (Show in Timeline on a finding). */
  open(source: TimelineSourceSpec, filter?: TimelineFilter, select?: string): Promise<void>;
  /** The filter of the open panel, if one is open. */
  currentFilter(): TimelineFilter | undefined;
  /** The source of the open panel, if one is open. */
  currentSource(): TimelineSourceSpec | undefined;
  /** The open panel's loaded data (local or workspace), so Export needs no second load. */
  currentData(): TimelineSource | undefined;
}

export interface AzureAuth {
  /** A bearer token for the scopes (one VS Code session per audience). */
  getToken(scopes: string[]): Promise<{ token: string; expiresOnTimestamp: number }>;
}

export interface CommandContext {
  ui: UiHost;
  workspace: WorkspaceInfo;
  state: ExtensionState;
  log: LogChannel;
  core: CoreServices;
  timeline: TimelinePanels;
  auth: AzureAuth;
  /** Default parent folder of new bundles when kubeforensys.evidenceFolder is unset. */
  defaultEvidenceFolder: string;
  /** The Kubernetes extension's kubeconfig path, when it is installed and says. */
  kubernetesExtensionKubeconfig(): Promise<string | undefined>;
  env: NodeJS.ProcessEnv;
  home?: string;
}

export function settingsOf(cc: CommandContext): KfsSettings {
  return readSettings(cc.workspace);
}

export async function kubeconfigOf(cc: CommandContext): Promise<KubeconfigChoice> {
  return resolveKubeconfig(cc.workspace, await cc.kubernetesExtensionKubeconfig().catch(() => undefined), cc.env, cc.home);
}

export interface ResolvedContext {
  kubeconfig: KubeconfigChoice;
  /** Path for core (undefined: let core read KUBECONFIG like kubectl). */
  kubeconfigPath: string | undefined;
  contexts: KubeContext[];
  /** The context the next collection uses. */
  current: ContextInfo | undefined;
  /** Why the kubeconfig could not be read, when it could not. */
  error?: string;
}

/** The picked context (if still in the kubeconfig), else the kubeforensys.context setting, else current-context. */
export async function resolveContext(cc: CommandContext): Promise<ResolvedContext> {
  const kubeconfig = await kubeconfigOf(cc);
  const kubeconfigPath = kubeconfigPathForCore(kubeconfig);
  let contexts: KubeContext[];
  try {
    contexts = await cc.core.listContexts(kubeconfigPath);
  } catch (err) {
    return { kubeconfig, kubeconfigPath, contexts: [], current: undefined, error: errorMessage(err) };
  }
  const picked = cc.state.selectedContext;
  const fromSetting = settingsOf(cc).context;
  const pick = (name: string | undefined) => (name ? contexts.find((c) => c.name === name) : undefined);
  const explicit = pick(picked);
  const chosen = explicit ?? pick(fromSetting) ?? contexts.find((c) => c.current);
  const current = chosen ? { name: chosen.name, cluster: chosen.cluster, user: chosen.user, explicit: !!explicit } : undefined;
  return { kubeconfig, kubeconfigPath, contexts, current };
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Shows a failure once: settings problems offer the settings, everything else the log. */
export async function showFailure(cc: CommandContext, what: string, err: unknown): Promise<void> {
  cc.log.error(`${what}: ${errorMessage(err)}`);
  if (err instanceof Error && err.name === 'AzureSettingsError') {
    const choice = await cc.ui.showErrorMessage(`KubeForenSys: ${what}: ${errorMessage(err)}`, 'Open Settings');
    if (choice) await cc.ui.executeCommand('workbench.action.openSettings', 'kubeforensys.azure');
    return;
  }
  const choice = await cc.ui.showErrorMessage(`KubeForenSys: ${what}: ${errorMessage(err)}`, 'Show Log');
  if (choice) cc.log.show();
}
