// Builders for detection fixtures: a pod or workload from a partial spec, and rule look-ups.
import type { KubeObject } from '../../../src/core/model.js';
import { detectAll, type DetectOptions, type Finding } from '../../../src/core/detections/index.js';

export const NOW = new Date('2026-11-27T03:00:00Z');
export const OPTS: DetectOptions = { platformRegistries: ['mcr.microsoft.com/', 'registry.k8s.io/'], now: NOW, sinceSeconds: 24 * 3600 };

type Obj = Record<string, unknown>;

export function container(extra: Obj = {}): Obj {
  return { name: 'app', image: 'myregistry.azurecr.io/app:1.0', ...extra };
}

/** A pod owned by a ReplicaSet, with the given spec fields merged in. */
export function pod(spec: Obj = {}, meta: Obj = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-7d9f8b6c5d-x2k9p',
      namespace: 'prod',
      uid: 'u-pod',
      creationTimestamp: '2026-11-27T01:00:00Z',
      labels: { 'pod-template-hash': '7d9f8b6c5d' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8b6c5d', controller: true }],
      ...meta,
    },
    spec: { containers: [container()], ...spec },
  };
}

/** A pod spec that meets the Pod Security Standards "restricted" profile. */
export function restrictedSpec(): Obj {
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    volumes: [{ name: 'cache', emptyDir: {} }, { name: 'cfg', configMap: { name: 'web-config' } }],
    containers: [
      container({
        ports: [{ containerPort: 8080 }],
        env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }, { name: 'LOG_LEVEL', value: 'info' }],
        volumeMounts: [{ name: 'cache', mountPath: '/cache' }, { name: 'cfg', mountPath: '/etc/web', readOnly: true }],
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
      }),
    ],
    initContainers: [
      container({ name: 'migrate', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }),
    ],
  };
}

/** A restricted pod with `patch` applied to its first container's securityContext. */
export function restrictedPodWith(containerSc: Obj = {}, spec: Obj = {}): KubeObject {
  const base = restrictedSpec();
  const c = (base.containers as Obj[])[0]!;
  c.securityContext = { ...(c.securityContext as Obj), ...containerSc };
  return pod({ ...base, ...spec });
}

export function findings(objects: KubeObject[], opts: Partial<DetectOptions> = {}): Finding[] {
  return detectAll(objects, { ...OPTS, ...opts });
}

export function byRule(fs: Finding[], ruleId: string): Finding[] {
  return fs.filter((f) => f.ruleId === ruleId);
}
