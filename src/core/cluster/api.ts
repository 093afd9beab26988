// The cluster access layer the collectors use: lists, logs and exec over the real
// @kubernetes/client-node, each call taking an AbortSignal. (Filled in by the cluster work.)
export interface ClusterApi {
  readonly contextName: string;
}
