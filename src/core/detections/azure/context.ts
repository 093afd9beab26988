// What the Azure rules need beyond the records themselves. Everything is optional: without it the
// rules still run, and the ones that need it (the pod-address rule, the scope checks) stay narrower.

export interface KnownPod {
  ip: string;
  namespace: string;
  name: string;
  /** The pod's spec.serviceAccountName ('default' when unset). */
  serviceAccount: string;
}

export interface AzureDetectContext {
  /** The managed cluster's ARM id: Activity Log writes (role assignments, diagnostic settings) count only at or under it. */
  clusterResourceId?: string;
  /** The node resource group (MC_...): its role assignments and node run commands count too. */
  nodeResourceGroup?: string;
  /** Identities the responder declares as the platform's own, beyond data/controlPlane.json ("name" or "prefix*"). */
  platformIdentities?: readonly string[];
  /** Activity Log callers to ignore (e.g. the cluster's own managed identity, by object id or name). */
  platformCallers?: readonly string[];
  /** The cluster's pod CIDRs (networkProfile.podCidr(s)). */
  podCidrs?: readonly string[];
  /** Pods with their addresses, from the pod inventory: a request from one is judged against the pod's own service account. */
  pods?: readonly KnownPod[];
}
