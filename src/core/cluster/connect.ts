// Opens the cluster for a snapshot: loads the kubeconfig like kubectl, gets credentials (an exec
// plugin runs here, so its failure is explained before any collection starts), proves the
// server answers, and asks who we are.
import type { ClusterIdentity } from '../evidence/manifest.js';
import type { ClusterApi } from './api.js';
import { KubeClusterApi } from './client.js';
import { KubeApiError, toKubeApiError } from './errors.js';
import { explainExecPluginError, loadKubeconfig, type KubeconfigSource } from './kubeconfig.js';

export interface ConnectRequest {
  kubeconfig?: string;
  context?: string;
  signal: AbortSignal;
  /** Requests in flight to the API server at most, across everything the snapshot does (unbounded when absent). */
  maxInFlight?: number;
  /** For tests: where KUBECONFIG and the home folder come from. */
  env?: NodeJS.ProcessEnv;
  home?: string;
  inClusterRoot?: string;
}

export interface Connection {
  api: ClusterApi;
  identity: ClusterIdentity;
}

export async function connectCluster(req: ConnectRequest): Promise<Connection> {
  const src: KubeconfigSource = { path: req.kubeconfig, context: req.context, env: req.env, home: req.home, inClusterRoot: req.inClusterRoot };
  const loaded = loadKubeconfig(src);
  const api = new KubeClusterApi(loaded);
  if (req.maxInFlight !== undefined) api.limitRequests(req.maxInFlight);
  try {
    // Runs the exec plugin (kubelogin, ...) if the user has one.
    await loaded.kubeConfig.applyToHTTPSOptions({});
  } catch (err) {
    throw explainExecPluginError(err, loaded) ?? toKubeApiError(err, api.target, 'getting credentials');
  }
  let identity: string | null;
  let serverVersion: string | null;
  try {
    identity = await api.whoAmI(req.signal);
    serverVersion = await api.serverVersion(req.signal);
  } catch (err) {
    const plugin = explainExecPluginError(err, loaded);
    if (plugin && !(err instanceof KubeApiError)) throw plugin;
    throw err;
  }
  return {
    api,
    identity: { context: loaded.contextName, cluster: loaded.clusterName, server: loaded.server, user: loaded.userName, identity, serverVersion, kubeconfigFiles: loaded.files },
  };
}
