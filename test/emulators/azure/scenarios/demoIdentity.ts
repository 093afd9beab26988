// Who is who in the demo's Azure trail (the compromised AKS cluster of
// test/emulators/kube/scenarios/demo.yaml): the subscription and node resource group named by the
// scenario's node providerIDs, the tenant of its workload identity, the attacker's IP seen in the
// nginx log, and the identities the Activity Log and the audit log name.
import { managedClusterId, stableGuid } from '../managedClusters.js';

const subscriptionId = '00000000-0000-0000-0000-000000000000';
const resourceGroup = 'rg-prod-weu';
const clusterName = 'aks-prod-weu';
const location = 'westeurope';
const nodeResourceGroup = `MC_${resourceGroup}_${clusterName}_${location}`;

export const DEMO_AKS = {
  subscriptionId,
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  resourceGroup,
  clusterName,
  location,
  nodeResourceGroup,
  clusterId: managedClusterId(subscriptionId, resourceGroup, clusterName),
  vmssId: `/subscriptions/${subscriptionId}/resourceGroups/${nodeResourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-38921477-vmss`,
  workspaceId: `/subscriptions/${subscriptionId}/resourceGroups/rg-prod-weu-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-prod-weu`,
  workspaceCustomerId: '5b3c7e1a-9d2f-4a6b-8c1e-0f7d3a9b2c4e',
  storageAccountId: `/subscriptions/${subscriptionId}/resourceGroups/rg-prod-weu-monitoring/providers/Microsoft.Storage/storageAccounts/stprodweuaudit`,
  /** The attacker's address (the scanner and exploit requests in the web-frontend nginx log). */
  attackerIp: '203.0.113.7',
  /** The on-call engineer's corporate egress. */
  corpIp: '192.0.2.10',
  /** The named Entra user who execs into the web pod (member of the web team group of RoleBinding web-team-edit). */
  user: { upn: 'mallory@contoso.example', objectId: stableGuid('mallory'), group: '3b1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' },
  /** A legitimate user (baseline). */
  oncall: { upn: 'alice@contoso.example', objectId: stableGuid('alice') },
  /** The service principal that fetches the cluster-admin credential. */
  servicePrincipal: { displayName: 'ci-pipeline-prod', appId: stableGuid('ci-pipeline-prod/app'), objectId: stableGuid('ci-pipeline-prod/sp') },
  /**
   * The user the AKS cluster-admin credential (listClusterAdminCredential) authenticates as: its
   * client certificate is CN=masterclient, O=system:masters. The audit log therefore names
   * "masterclient", not the service principal; the Activity Log names who fetched it.
   */
  adminCertUser: 'masterclient',
  nodes: [
    { name: 'aks-nodepool1-38921477-vmss000000', ip: '10.224.0.4' },
    { name: 'aks-nodepool1-38921477-vmss000001', ip: '10.224.0.5' },
  ],
  /** Where the managed control plane's own components reach the API server from. */
  controlPlaneIp: '172.31.13.9',
  webPod: { namespace: 'prod-web', name: 'web-frontend-7d9f8b6c5d-x2k9p', uid: 'c3c86138-9a64-4e9e-a298-a50a03fef54e', container: 'nginx', ip: '10.244.0.23' },
  kubectlAgent: 'kubectl/v1.29.3 (linux/amd64) kubernetes/6813625',
} as const;
