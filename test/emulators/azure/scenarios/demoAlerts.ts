// The demo's Defender for Cloud alerts. The demo cluster runs no Defender sensor DaemonSet (the
// kube scenario has none, and securityProfile.defender is absent), so only the control-plane
// detections Defender derives from the audit log fire: K8S_MaliciousContainerImage on the miner's
// CronJob and K8S_SensitiveMount on the node-debugger pod.
import type { ArmBody } from '../aksState.js';
import { securityAlert } from '../securityAlerts.js';
import { DEMO_AKS as D } from './demoIdentity.js';

const MIN = 60_000;

function entities(ns: string, kind: string, name: string, image: string): Record<string, unknown>[] {
  return [
    { $id: `${D.location}_3`, type: 'K8s-cluster', name: D.clusterName, cloudResource: { $id: `${D.location}_4`, resourceId: D.clusterId, resourceType: 'Kubernetes cluster', resourceName: D.clusterName, type: 'azure-resource' }, asset: true },
    { $id: `${D.location}_5`, type: 'K8s-namespace', name: ns, cluster: { $ref: `${D.location}_3` } },
    { $id: `${D.location}_6`, type: 'K8s-controller', name, controllerType: kind, namespace: { $ref: `${D.location}_5` } },
    { $id: `${D.location}_7`, type: 'container-image', imageId: image },
  ];
}

export function demoAlerts(now: number): ArmBody[] {
  const at = (ago: number) => new Date(now - ago);
  const common = { subscriptionId: D.subscriptionId, resourceGroup: D.resourceGroup, location: D.location, tenantId: D.tenantId, clusterId: D.clusterId, compromisedEntity: D.clusterName };
  return [
    securityAlert({
      ...common,
      alertType: 'K8S_MaliciousContainerImage',
      displayName: 'Digital currency mining container detected',
      description: 'Kubernetes audit log analysis detected a container that has an image associated with a digital currency mining tool.',
      severity: 'High', intent: 'Execution', start: at(35 * MIN), end: at(35 * MIN),
      entities: entities('kube-system', 'CronJob', 'kube-metrics-sync', 'docker.io/xmrig/xmrig:6.21.0'),
      remediationSteps: ['Review the CronJob kube-metrics-sync in namespace kube-system and the identity that created it.', 'If it is not legitimate, delete it and rotate the credentials of that identity.'],
      extendedProperties: { 'Namespace': 'kube-system', 'Controller kind': 'CronJob', 'Controller name': 'kube-metrics-sync', 'Container image': 'docker.io/xmrig/xmrig:6.21.0', 'Container name': 'miner', resourceType: 'Kubernetes Service' },
      techniques: ['T1496'],
    }),
    securityAlert({
      ...common,
      alertType: 'K8S_SensitiveMount',
      displayName: 'Container with a sensitive volume mount detected',
      description: 'Kubernetes audit log analysis detected a new container with a sensitive volume mount. The volume that was detected is a hostPath type which mounts a sensitive file or folder from the node to the container.',
      severity: 'Informational', intent: 'PrivilegeEscalation', start: at(40 * MIN), end: at(40 * MIN),
      entities: entities('default', 'Pod', 'node-debugger', 'docker.io/library/alpine:3.19'),
      remediationSteps: ['Review the pod node-debugger in namespace default: it mounts the node\'s / as /host.', 'Delete it if it is not legitimate and investigate the node it ran on.'],
      extendedProperties: { 'Namespace': 'default', 'Pod name': 'node-debugger', 'Container name': 'node-debugger', 'Sensitive mount path': '/', 'Sensitive mount name': 'host-root', resourceType: 'Kubernetes Service' },
      techniques: ['T1611'],
    }),
  ];
}
