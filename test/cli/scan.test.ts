import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile, mkdir, symlink } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { registerScanCommand, runScan, type ScanFlags, type ScanIO } from '../../src/cli/scan.js';
import { tempDir } from '../support/tempDir.js';

let dir = '';

const POD_YAML = `# a bare privileged pod, then a clean one
apiVersion: v1
kind: Pod
metadata:
  name: node-debugger
  namespace: default
spec:
  hostPID: true
  containers:
  - name: debugger
    image: alpine:3.19
    securityContext:
      privileged: true
---
apiVersion: v1
kind: Pod
metadata:
  name: "evil\\u001b[2Jname"
  namespace: default
  ownerReferences: [{kind: ReplicaSet, name: x, controller: true}]
spec:
  hostIPC: true
  containers:
  - name: app
    image: x.azurecr.io/app:1
    securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false}
`;

const RESTRICTED = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
spec:
  template:
    spec:
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: web
        image: x.azurecr.io/web:1
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`;

const BASELINE_ONLY = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-proxy, namespace: kube-system}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: kube-proxy
        image: mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.29.2
        securityContext: {privileged: true}
`;

const KUBECTL_JSON = JSON.stringify(
  {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'cluster-admin' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'default-admin', creationTimestamp: '2026-11-27T02:10:00Z' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }] },
    ],
  },
  null,
  2,
);

before(async () => {
  dir = await tempDir('kfs-scan-');
  await writeFile(join(dir, 'pods.yaml'), POD_YAML);
  await writeFile(join(dir, 'restricted.yaml'), RESTRICTED);
  await writeFile(join(dir, 'kube-proxy.yaml'), BASELINE_ONLY);
  await writeFile(join(dir, 'rbac.json'), KUBECTL_JSON);
  await writeFile(join(dir, 'values.yaml'), 'replicaCount: 3\nimage: {tag: latest}\n');
  await mkdir(join(dir, 'nested'));
  await writeFile(join(dir, 'nested', 'restricted-copy.yml'), RESTRICTED);
});
after(() => rm(dir, { recursive: true, force: true }));

function io(): ScanIO & { out: string; err: string } {
  const o = { out: '', err: '', cwd: dir, now: () => new Date('2026-11-27T03:00:00Z') } as ScanIO & { out: string; err: string };
  o.stdout = (s) => void (o.out += s);
  o.stderr = (s) => void (o.err += s);
  return o;
}

const flags = (f: Partial<ScanFlags> = {}): ScanFlags => ({ format: 'table', failOn: 'high', ...f });

test('table output lists severity, rule, resource, technique and explanation, worst first; control characters are escaped', async () => {
  const o = io();
  const code = await runScan(['pods.yaml'], flags(), o);
  assert.equal(code, 1, 'high findings with --fail-on high');
  const lines = o.out.split('\n');
  assert.match(lines[0]!, /^SEVERITY\s+RULE\s+RESOURCE\s+TECHNIQUE\s+EXPLANATION$/);
  assert.match(o.out, /high\s+POD-PRIVILEGED\s+Pod default\/node-debugger \[debugger\]\s+MS-TA9018/);
  assert.ok(!o.out.includes('\u001b'), 'no raw escape sequence from an attacker-chosen name reaches the terminal');
  assert.match(o.out, /evil\\x1b\[2Jname/);
  assert.match(o.out, /finding\(s\): \d+ high/);
  assert.equal(o.err, '');
});

test('--fail-on: clean input exits 0; baseline-only findings do not fail; --fail-on none never fails', async () => {
  assert.equal(await runScan(['restricted.yaml'], flags({ failOn: 'info' }), io()), 0);
  const base = io();
  assert.equal(await runScan(['kube-proxy.yaml'], flags({ failOn: 'low' }), base), 0);
  assert.match(base.out, /high \(baseline\)\s+POD-PRIVILEGED/);
  assert.equal(await runScan(['pods.yaml'], flags({ failOn: 'none' }), io()), 0);
  // A medium-only finding fails at medium but not at high.
  await writeFile(join(dir, 'medium.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: m, namespace: a, ownerReferences: [{kind: Job, name: j}]}\nspec:\n  hostIPC: true\n  securityContext: {runAsNonRoot: true}\n  containers: [{name: c, image: x.azurecr.io/c:1, securityContext: {allowPrivilegeEscalation: false}}]\n');
  assert.equal(await runScan(['medium.yaml'], flags({ failOn: 'high' }), io()), 0);
  assert.equal(await runScan(['medium.yaml'], flags({ failOn: 'medium' }), io()), 1);
});

test('a file that is not a manifest is named in one sentence, the rest are still scanned, exit 2', async () => {
  const o = io();
  const code = await runScan(['values.yaml', 'missing.yaml', 'pods.yaml'], flags({ format: 'json' }), o);
  assert.equal(code, 2);
  assert.match(o.err, /values\.yaml is not a Kubernetes manifest: none of its documents has both apiVersion and kind\./);
  assert.match(o.err, /missing\.yaml cannot be read: no such file or directory\./);
  const out = JSON.parse(o.out) as { ruleId: string }[];
  assert.ok(out.some((f) => f.ruleId === 'POD-PRIVILEGED'), 'pods.yaml was still scanned');
});

/** A `kubectl get -o yaml` export of `n` privileged pods and a cluster-admin binding, large enough to be read entry by entry. */
function bigExport(n: number): string {
  const pods = Array.from({ length: n }, (_, i) =>
    [`- apiVersion: v1`, `  kind: Pod`, `  metadata: {name: exported-${i}, namespace: team}`, `  spec:`, `    containers:`, `    - {name: c, image: alpine, securityContext: {privileged: true}}`].join('\n'),
  );
  const binding = '- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRoleBinding\n  metadata: {name: exported-admin}\n  roleRef: {kind: ClusterRole, name: cluster-admin}\n  subjects: [{kind: ServiceAccount, name: default, namespace: default}]';
  return `apiVersion: v1\nitems:\n${binding}\n${pods.join('\n')}\nkind: List\nmetadata: {resourceVersion: ""}\n`;
}

test('a large export damaged near its end is refused whole: none of the objects read before the damage reach the findings', async () => {
  const sub = join(dir, 'damaged');
  await mkdir(sub, { recursive: true });
  const text = bigExport(1500);
  const at = text.lastIndexOf('  metadata: {name: exported-1490');
  await writeFile(join(sub, 'export.yaml'), `${text.slice(0, at)}  metadata: {name: [unclosed\n${text.slice(text.indexOf('\n', at) + 1)}`);
  await writeFile(join(sub, 'pods.yaml'), POD_YAML);
  const damaged = io();
  assert.equal(await runScan(['damaged'], flags({ format: 'json' }), damaged), 2);
  assert.match(damaged.err, /^kubeforensys scan: damaged\/export\.yaml is not valid YAML or JSON at line \d+: [^\n]+\n$/);
  const alone = io();
  await runScan(['damaged/pods.yaml'], flags({ format: 'json' }), alone);
  assert.equal(damaged.out, alone.out, 'the findings are those of pods.yaml alone');
  // Intact, the same export is read (entry by entry) and gives its 1,500 pods' findings and the binding's.
  await writeFile(join(sub, 'export.yaml'), text);
  const intact = io();
  await runScan(['damaged'], flags({ format: 'json' }), intact);
  const out = JSON.parse(intact.out) as { ruleId: string; resource: { name: string }; line?: number }[];
  assert.equal(out.filter((f) => f.ruleId === 'POD-PRIVILEGED' && f.resource.name.startsWith('exported-')).length, 1500);
  assert.equal(out.find((f) => f.resource.name === 'exported-1499')?.line, 3 + 5 + 1499 * 6);
  assert.ok(out.some((f) => f.ruleId === 'RBAC-CLUSTER-ADMIN' && f.resource.name === 'exported-admin'));
  await rm(sub, { recursive: true, force: true });
});

test('directories are walked for .yaml/.yml/.json; RBAC from kubectl JSON lists is analysed across files', async () => {
  const o = io();
  await runScan(['rbac.json', 'nested', 'pods.yaml'], flags({ format: 'json' }), o);
  const out = JSON.parse(o.out) as Record<string, unknown>[];
  const admin = out.find((f) => f.ruleId === 'RBAC-CLUSTER-ADMIN')!;
  assert.deepEqual(admin.subject, { kind: 'ServiceAccount', name: 'default', namespace: 'default' });
  assert.equal(admin.recent, true);
  assert.equal(admin.file, 'rbac.json');
  // The line of the item's opening brace, two lines above its "kind" (after "apiVersion").
  const kindLine = KUBECTL_JSON.split('\n').findIndex((l) => l.includes('"kind": "ClusterRoleBinding"')) + 1;
  assert.equal(admin.line, kindLine - 2);
  // The pod in pods.yaml runs as default/default, which is cluster-admin through rbac.json.
  const token = out.find((f) => f.ruleId === 'POD-RISKY-SA-TOKEN' && (f.resource as { name: string }).name === 'node-debugger')!;
  assert.equal(token.techniqueId, 'MS-TA9016');
});

test('JSON output carries every field of a finding', async () => {
  const o = io();
  await runScan(['pods.yaml'], flags({ format: 'json' }), o);
  const f = (JSON.parse(o.out) as Record<string, unknown>[]).find((x) => x.ruleId === 'POD-PRIVILEGED')!;
  assert.deepEqual(f, {
    ruleId: 'POD-PRIVILEGED',
    title: 'Privileged container',
    severity: 'high',
    techniqueId: 'MS-TA9018',
    techniqueName: 'Privileged container',
    tactics: ['Privilege Escalation'],
    resource: { kind: 'Pod', namespace: 'default', name: 'node-debugger', container: 'debugger' },
    evidence: { fieldPath: 'spec.containers[0].securityContext.privileged', value: 'true' },
    explanation: 'Container "debugger" of Pod default/node-debugger runs privileged: full access to the node\'s devices and kernel.',
    baseline: false,
    file: 'pods.yaml',
    line: 2,
  });
});

test('SARIF 2.1.0: rules with help text, results with ruleId, level, message and file/line locations', async () => {
  const o = io();
  const code = await runScan(['pods.yaml', 'kube-proxy.yaml', 'values.yaml'], flags({ format: 'sarif' }), o);
  assert.equal(code, 2);
  const sarif = JSON.parse(o.out);
  assert.equal(sarif.version, '2.1.0');
  assert.equal(sarif.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  const run = sarif.runs[0];
  const rules = run.tool.driver.rules as { id: string; help: { text: string }; shortDescription: { text: string }; properties: { tags: string[] } }[];
  assert.ok(rules.length >= 30);
  for (const r of rules) assert.ok(r.help.text.includes('MS-TA9') && r.shortDescription.text, r.id);
  const results = run.results as { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } }; logicalLocations: { fullyQualifiedName: string }[] }[]; properties: { baseline: boolean } }[];
  const priv = results.find((r) => r.ruleId === 'POD-PRIVILEGED' && r.locations[0]!.physicalLocation.artifactLocation.uri === 'pods.yaml')!;
  assert.equal(priv.level, 'error');
  assert.equal(rules[priv.ruleIndex]!.id, 'POD-PRIVILEGED');
  assert.equal(priv.locations[0]!.physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
  assert.equal(priv.locations[0]!.physicalLocation.region.startLine, 2);
  assert.equal(priv.locations[0]!.logicalLocations[0]!.fullyQualifiedName, 'default/Pod/node-debugger/debugger');
  assert.match(priv.message.text, /runs privileged.*\[MS-TA9018 Privileged container\]/);
  assert.ok(results.some((r) => r.properties.baseline), 'baseline findings are present, marked');
  assert.ok(results.some((r) => r.level === 'note'), 'low severity maps to note');
  const inv = run.invocations[0];
  assert.equal(inv.executionSuccessful, false);
  assert.match(inv.toolExecutionNotifications[0].message.text, /values\.yaml is not a Kubernetes manifest/);
});

test('the command parses its options; a bad --format is a usage error; --baseline extends the baseline', async () => {
  await writeFile(join(dir, 'my-baseline.yaml'), 'workloads:\n- {namespace: prod, ownerKind: Deployment, ownerNames: [web], registries: [x.azurecr.io/]}\n');
  await writeFile(join(dir, 'web-root.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: prod}\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: x.azurecr.io/web:1, securityContext: {privileged: true}}]\n');
  const run = async (args: string[]) => {
    const o = io();
    const program = new Command('kubeforensys').exitOverride();
    program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    registerScanCommand(program, o);
    process.exitCode = undefined;
    await program.parseAsync(['node', 'kubeforensys', 'scan', ...args]);
    const code = process.exitCode;
    process.exitCode = undefined;
    return { code, o };
  };
  const plain = await run(['web-root.yaml', '--format', 'json']);
  assert.equal(plain.code, 1);
  const withBaseline = await run(['web-root.yaml', '--format', 'json', '--baseline', 'my-baseline.yaml']);
  assert.equal(withBaseline.code, 0);
  assert.ok((JSON.parse(withBaseline.o.out) as { baseline: boolean }[]).every((f) => f.baseline));
  await assert.rejects(run(['pods.yaml', '--format', 'xml']), { code: 'commander.invalidArgument' });
  await assert.rejects(run(['pods.yaml', '--fail-on', 'critical']), { code: 'commander.invalidArgument' });
  await assert.rejects(run(['pods.yaml', '--baseline', 'nope.yaml']), { name: 'UsageError' });
  for (const bad of ['x', '-1', '1.5', '65']) await assert.rejects(run(['pods.yaml', '--workers', bad]), { code: 'commander.invalidArgument' }, `--workers ${bad}`);
  assert.equal((await run(['web-root.yaml', '--format', 'json', '--workers', '0'])).o.out, plain.o.out, '--workers 0: the same findings, read on the main thread');
});

test('the kubeforensys binary: scan is registered, findings exit 1, a non-manifest exits 2 with the error on stderr', () => {
  const main = resolve('src/cli/main.ts');
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), main, 'scan', ...args], { cwd: dir, encoding: 'utf8' });
  const findingsRun = cli('pods.yaml', '--format', 'json');
  assert.equal(findingsRun.status, 1, findingsRun.stderr);
  assert.ok((JSON.parse(findingsRun.stdout) as unknown[]).length > 0);
  const bad = cli('values.yaml', 'restricted.yaml');
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim(), 'kubeforensys scan: values.yaml is not a Kubernetes manifest: none of its documents has both apiVersion and kind.');
});

test('kubeforensys scan over a chart folder that binds built-in roles (not in the folder) reports the grants, as a real process', async () => {
  const chart = join(dir, 'chart', 'templates');
  await mkdir(chart, { recursive: true });
  await writeFile(join(chart, 'rbac.yaml'), `# rendered by helm template
apiVersion: v1
kind: ServiceAccount
metadata: {name: operator, namespace: ops}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: operator-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: operator, namespace: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone-view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: "system:unauthenticated"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: uses-crd-role, namespace: ops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: operator-extra}
subjects: [{kind: ServiceAccount, name: operator, namespace: ops}]
`);
  await writeFile(join(chart, 'deployment.yaml'), `apiVersion: apps/v1
kind: Deployment
metadata: {name: operator, namespace: ops}
spec:
  template:
    spec:
      serviceAccountName: operator
      containers:
      - &base
        name: operator
        image: x.azurecr.io/operator:1
        securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: true}
      - <<: *base
        name: debug
        securityContext: {privileged: yes}
`);
  const main = resolve('src/cli/main.ts');
  const run = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), main, 'scan', 'chart', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  const fs = JSON.parse(run.stdout) as { ruleId: string; severity: string; baseline: boolean; resource: { name: string; container: string }; file?: string; line?: number }[];
  const admin = fs.find((f) => f.ruleId === 'RBAC-CLUSTER-ADMIN' && f.resource.name === 'operator-admin')!;
  assert.ok(admin, 'the binding to the built-in cluster-admin is found');
  assert.equal(admin.baseline, false);
  assert.equal(admin.file, join('chart', 'templates', 'rbac.yaml'));
  assert.equal(admin.line, 6);
  assert.ok(fs.some((f) => f.ruleId === 'RBAC-ANONYMOUS-BINDING' && f.resource.name === 'everyone-view' && f.severity === 'high' && !f.baseline));
  assert.ok(fs.some((f) => f.ruleId === 'RBAC-ROLE-NOT-FOUND' && f.resource.name === 'uses-crd-role' && f.severity === 'info'));
  assert.ok(fs.some((f) => f.ruleId === 'POD-RISKY-SA-TOKEN' && f.resource.name === 'operator'), 'the deployment mounts the cluster-admin token');
  // The merge key copies the image into the debug container, and `yes` is true as kubectl reads it.
  assert.ok(fs.some((f) => f.ruleId === 'POD-PRIVILEGED' && f.resource.container === 'debug'));
});

test('kubeforensys scan keeps no file it has read: 80 MB of files in a 48 MB heap, as a real process', async () => {
  // Each file is a large ConfigMap and a Service whose findings need the whole input. The names
  // the detections keep were slices of each file's text and kept all of it alive: this input
  // needed over 64 MB of heap then, and runs in under 32 MB now.
  const big = join(dir, 'many-files');
  await mkdir(big);
  const blob = 'x'.repeat(512 * 1024);
  for (let i = 0; i < 160; i++) {
    await writeFile(
      join(big, `f${String(i).padStart(3, '0')}.yaml`),
      `apiVersion: v1\nkind: Service\nmetadata: {name: ssh-gateway-of-team-${i}, namespace: default}\nspec: {type: LoadBalancer, selector: {app: gw}, ports: [{port: 22}]}\n---\n` +
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: blob-${i}, namespace: default}\ndata:\n  blob: ${blob}\n`,
    );
  }
  const main = resolve('src/cli/main.ts');
  const run = spawnSync(process.execPath, ['--max-old-space-size=48', '--import', import.meta.resolve('tsx'), main, 'scan', 'many-files', '--format', 'json', '--fail-on', 'none'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  await rm(big, { recursive: true, force: true });
  assert.equal(run.status, 0, run.stderr.slice(0, 400));
  const found = (JSON.parse(run.stdout) as { ruleId: string; resource: { name: string } }[]).filter((f) => f.ruleId === 'EXPOSED-SENSITIVE-PORT');
  assert.equal(found.length, 160, 'every file\'s Service is reported, from what was kept of it');
  assert.ok(found.every((f) => /^ssh-gateway-of-team-\d+$/.test(f.resource.name)));
});

test('kubeforensys scan never waits on a FIFO: named, in a folder or behind a link, or as --baseline, it is reported and the rest is scanned (exit 2), as a real process', async () => {
  const box = join(dir, 'special');
  await mkdir(join(box, 'folder'), { recursive: true });
  await writeFile(join(box, 'pods.yaml'), POD_YAML);
  const fifo = (p: string) => assert.equal(spawnSync('mkfifo', [p]).status, 0, `mkfifo ${p}`);
  fifo(join(box, 'named.yaml'));
  fifo(join(box, 'folder', 'inside.yaml'));
  fifo(join(box, 'other.yaml'));
  await symlink(join(box, 'other.yaml'), join(box, 'folder', 'link-to-fifo.yaml'));
  await symlink(join(box, 'pods.yaml'), join(box, 'folder', 'link-to-pods.yaml'));
  await symlink(box, join(box, 'folder', 'loop.yaml'));
  const main = resolve('src/cli/main.ts');
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), main, 'scan', ...args], { cwd: box, encoding: 'utf8', timeout: 60_000 });
  const run = cli('named.yaml', 'folder', '--format', 'json', '--fail-on', 'none');
  assert.equal(run.signal, null, 'it did not hang');
  assert.equal(run.status, 2, run.stderr);
  assert.deepEqual(run.stderr.trim().split('\n').sort(), [
    `kubeforensys scan: ${join('folder', 'inside.yaml')} cannot be read: it is a FIFO, not a regular file.`,
    `kubeforensys scan: ${join('folder', 'link-to-fifo.yaml')} cannot be read: it is a FIFO, not a regular file.`,
    'kubeforensys scan: named.yaml cannot be read: it is a FIFO, not a regular file.',
  ]);
  const found = JSON.parse(run.stdout) as { ruleId: string; file?: string }[];
  assert.ok(found.some((f) => f.ruleId === 'POD-PRIVILEGED' && f.file === join('folder', 'link-to-pods.yaml')), 'a link to a manifest is followed');
  const baseline = cli('pods.yaml', '--baseline', 'named.yaml');
  assert.equal(baseline.signal, null, 'it did not hang');
  assert.equal(baseline.status, 2);
  assert.match(baseline.stderr, /baseline file .*named\.yaml cannot be read: it is a FIFO, not a regular file/);
});

test('kubeforensys scan - reads the manifests piped in; with nothing piped in it says how to pipe them, as a real process', async () => {
  const main = resolve('src/cli/main.ts');
  const piped = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), main, 'scan', '-', 'rbac.json', '--format', 'json'], { cwd: dir, encoding: 'utf8', input: POD_YAML, timeout: 60_000 });
  assert.equal(piped.status, 1, piped.stderr);
  const found = JSON.parse(piped.stdout) as { ruleId: string; resource: { name: string }; file?: string; line?: number }[];
  const pod = found.find((f) => f.ruleId === 'POD-PRIVILEGED' && f.resource.name === 'node-debugger');
  assert.ok(pod, 'the piped pod is scanned');
  assert.equal(pod.file, '-');
  assert.equal(pod.line, 2);
  assert.ok(found.some((f) => f.file === 'rbac.json'), 'files named beside - are scanned too');
  const empty = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), main, 'scan', '-'], { cwd: dir, encoding: 'utf8', input: '', timeout: 60_000 });
  assert.equal(empty.status, 2);
  assert.equal(empty.stderr.trim(), 'kubeforensys scan: standard input is not a Kubernetes manifest: it is empty.');
  const o = io();
  o.stdin = () => null;
  await assert.rejects(runScan(['-'], flags(), o), { name: 'UsageError', message: /^scan - reads manifests from standard input, and nothing is piped in: e\.g\. kubectl get pods -A -o yaml \| kubeforensys scan -$/ });
});

test('a file named twice, or named and inside a named folder, or reached through a link, is scanned once', async () => {
  const once = io();
  await runScan(['pods.yaml'], flags({ format: 'json', failOn: 'none' }), once);
  const single = (JSON.parse(once.out) as unknown[]).length;
  assert.ok(single > 0);
  await mkdir(join(dir, 'twice'), { recursive: true });
  await writeFile(join(dir, 'twice', 'pods.yaml'), POD_YAML);
  await symlink(join(dir, 'twice', 'pods.yaml'), join(dir, 'twice', 'same.yaml'));
  const many = io();
  await runScan(['twice/pods.yaml', 'twice', './twice/pods.yaml', 'twice/same.yaml'], flags({ format: 'table', failOn: 'none' }), many);
  assert.match(many.out, new RegExp(`^${single} finding\\(s\\):.*; 1 file\\(s\\) scanned\\.$`, 'm'));
});
