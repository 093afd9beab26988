// npm run bench:scan [-- MB] [--json]: writes MB megabytes (default 50) of manifests to a temporary
// folder (a `kubectl get -o yaml` List export, and a chart-like folder of multi-document files
// with anchors and merge keys), then runs the built CLI's `scan` over them in a child process, as a
// user runs it, and prints the throughput (MB/s), the wall and CPU time and the child's peak RSS.
// --json writes the export as JSON.
// --content instead times the content rules per log line over ordinary log lines (the derivation's
// hot path: most lines match nothing) and over lines that pass the gate.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { contentHits } from '../src/core/detections/contentRules.js';

const MB = 1024 * 1024;
const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist', 'cli.mjs');

function deployment(i: number): string {
  const bad = i % 97 === 0;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: team-${i % 40}
  labels: {app: app-${i}, tier: backend}
  annotations:
    deployment.kubernetes.io/revision: "${i % 9}"
spec:
  replicas: 3
  selector:
    matchLabels: {app: app-${i}}
  template:
    metadata:
      labels: {app: app-${i}}
    spec:
      serviceAccountName: app-${i}
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: app
        image: contoso.azurecr.io/app-${i}:1.${i % 50}.0
        args: ["--listen=:8080", "--log-level=info"${bad ? ', "--admin-password=Pa55w0rd-' + i + '"' : ''}]
        ports: [{containerPort: 8080, name: http}]
        env:
        - {name: LOG_LEVEL, value: info}
        - {name: DB_HOST, value: db-${i % 7}.team-${i % 40}.svc}
        - name: DB_PASSWORD
          valueFrom: {secretKeyRef: {name: db-${i % 7}, key: password}}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: "1", memory: 512Mi}
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}${bad ? ', privileged: true' : ''}}
        volumeMounts: [{name: cache, mountPath: /cache}]
      volumes: [{name: cache, emptyDir: {}}]
`;
}

function others(i: number): string {
  return `apiVersion: v1
kind: Service
metadata: {name: app-${i}, namespace: team-${i % 40}}
spec:
  type: ${i % 53 === 0 ? 'LoadBalancer' : 'ClusterIP'}
  selector: {app: app-${i}}
  ports: [{name: http, port: ${i % 53 === 0 ? 22 : 80}, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app-${i}, namespace: team-${i % 40}}
data:
  application.properties: |
    server.port=8080
    spring.datasource.url=jdbc:postgresql://db-${i % 7}:5432/app
    spring.datasource.password=\${DB_PASSWORD}
    feature.flags=a,b,c
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-${i}, namespace: team-${i % 40}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${i % 61 === 0 ? 'admin' : 'view'}}
subjects: [{kind: ServiceAccount, name: app-${i}, namespace: team-${i % 40}}]
`;
}

/** A chart-style document: the first container's settings behind an anchor, merged into the sidecar with `<<:`. */
function chartFile(i: number): string {
  return `# chart ${i}
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: store-${i}, namespace: data}
spec:
  serviceName: store-${i}
  selector: {matchLabels: {app: store-${i}}}
  template:
    metadata: {labels: {app: store-${i}}}
    spec:
      containers:
      - &store
        name: store
        image: contoso.azurecr.io/store:${i}
        imagePullPolicy: IfNotPresent
        securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: true}
      - <<: *store
        name: backup
        args: ["--every=1h"]
`;
}

const indent = (s: string) => s.trimEnd().split('\n').map((l, j) => (j === 0 ? `- ${l}` : `  ${l}`)).join('\n');

async function generate(dir: string, mb: number, json: boolean): Promise<number> {
  const half = (mb * MB) / 2;
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < half; i++) {
    const docs = (deployment(i) + '---\n' + others(i)).split('\n---\n');
    for (const d of docs) {
      const item = json ? JSON.stringify((await import('yaml')).parse(d)) : indent(d);
      parts.push(item);
      size += item.length + 2;
    }
  }
  const listText = json ? `{"apiVersion":"v1","kind":"List","items":[\n${parts.join(',\n')}\n]}\n` : `apiVersion: v1\nkind: List\nitems:\n${parts.join('\n')}\n`;
  await writeFile(join(dir, json ? 'export.json' : 'export.yaml'), listText);
  const chart = join(dir, 'chart', 'templates');
  await mkdir(chart, { recursive: true });
  let written = 0;
  for (let f = 0; written < half; f++) {
    let text = '';
    for (let i = 0; text.length < 256 * 1024; i++) text += `${chartFile(f * 1000 + i)}---\n${deployment(f * 1000 + i)}---\n`;
    await writeFile(join(chart, `t${String(f).padStart(4, '0')}.yaml`), text);
    written += text.length;
  }
  return listText.length + written;
}

/**
 * `dist/cli.mjs scan DIR --format json` in its own process, as a user runs it (worker threads
 * included), timed from spawn to exit; CPU time and peak RSS of the whole process (every thread)
 * as it records them at exit (bench/rss-at-exit.mjs).
 */
function runCli(dir: string, extra: string[] = []): { seconds: number; cpuSeconds: number; findings: number; errors: number; maxRssMb: number } {
  const usage = join(dir, '..', `${basename(dir)}-usage.json`);
  const t0 = performance.now();
  const run = spawnSync(process.execPath, ['--import', './bench/rss-at-exit.mjs', CLI, 'scan', dir, '--format', 'json', '--fail-on', 'none', ...extra], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * MB, env: { ...process.env, KFS_RSS_OUT: usage } });
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`scan failed (exit ${run.status}): ${run.stderr.slice(-2000)}`);
  const u = JSON.parse(readFileSync(usage, 'utf8')) as { maxRssMb: number; cpuSeconds: number };
  rmSync(usage, { force: true });
  return { seconds, cpuSeconds: u.cpuSeconds, findings: (JSON.parse(run.stdout) as unknown[]).length, errors: run.stderr.split('\n').filter((l) => l.includes('cannot be read')).length, maxRssMb: u.maxRssMb };
}

/**
 * The same-run reference: what a responder's own script does with these files, js-yaml's loadAll
 * over each of them in a child process (no rules, no output), timed the same way. The machine's
 * speed swings about 2x within minutes here, so the ratio to this is what compares across runs.
 */
function runReference(dir: string): { seconds: number; cpuSeconds: number; objects: number } {
  const code = `import { readdirSync, readFileSync } from 'node:fs'; import { join } from 'node:path'; import yaml from 'js-yaml';
    let n = 0; for (const f of readdirSync(process.argv[1], { recursive: true })) { if (!/\\.(ya?ml|json)$/.test(f)) continue;
      yaml.loadAll(readFileSync(join(process.argv[1], f), 'utf8'), (d) => { n += Array.isArray(d?.items) ? d.items.length : 1; }); }
    const u = process.cpuUsage(); console.log(JSON.stringify({ objects: n, cpuSeconds: (u.user + u.system) / 1e6 }));`;
  const t0 = performance.now();
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code, dir], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * MB });
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`the js-yaml reference failed (exit ${run.status}): ${run.stderr.slice(-2000)}`);
  return { seconds, ...(JSON.parse(run.stdout) as { objects: number; cpuSeconds: number }) };
}

const ORDINARY = [
  'I1127 02:10:00.123456       1 reflector.go:359] Caches populated for *v1.Node from k8s.io/client-go/informers/factory.go:160',
  '10.244.0.1 - - [27/Nov/2026:02:10:00 +0000] "GET /api/v1/products?page=2 HTTP/1.1" 200 612 "-" "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0"',
  '{"level":"info","ts":1732673400.123,"caller":"server/handler.go:88","msg":"request served","path":"/healthz","status":200,"latency":"1.2ms"}',
  '2026-11-27 02:10:00.123 INFO 1 --- [nio-8080-exec-3] c.e.api.OrderController : order 48213 created for customer 991 in 12 ms',
];
const GATED = ['W1127 02:10:00.1 1 sync.go:120] connection to node aks-nodepool1-12345678-vmss000001 lost, retrying', '[2026-11-27T02:10:00Z] connected to redis at 10.0.0.5:6379 after 1 attempts'];

/** Nanoseconds per line of contentHits('log'), best of five passes over fresh (flat) strings. */
function perLine(samples: string[], n = 200_000): number {
  const lines = Array.from({ length: n }, (_, i) => Buffer.from(`${samples[i % samples.length]} ${i}`).toString('utf8'));
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    for (const l of lines) contentHits('log', l);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / n);
  }
  return best;
}

async function main(): Promise<void> {
  if (process.argv.includes('--content')) {
    console.log(`content rules: ${perLine(ORDINARY).toFixed(0)} ns per ordinary log line, ${perLine(GATED).toFixed(0)} ns per line that passes the gate`);
    console.log(`load average: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);
    return;
  }
  const mb = Number(process.argv.slice(2).find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 50);
  const json = process.argv.includes('--json');
  const dir = await mkdtemp(join(tmpdir(), 'kfs-bench-scan-'));
  try {
    const bytes = await generate(dir, mb, json);
    const exportSize = (await stat(join(dir, json ? 'export.json' : 'export.yaml'))).size;
    const files = (await readdir(dir, { recursive: true })).filter((f) => /\.(ya?ml|json)$/.test(f)).length;
    console.log(`input: ${(bytes / MB).toFixed(1)} MB in ${files} files (one ${(exportSize / MB).toFixed(1)} MB ${json ? 'JSON' : 'YAML'} List export, the rest chart templates)`);
    // The same scan on the main thread only, in the same run: the baseline the worker threads are measured against.
    // And with worker threads (one fewer than the cores, at least one): the default where there are more than 2 cores.
    const workers = Math.max(1, Math.min(3, cpus().length - 1));
    const alone = runCli(dir, ['--workers', '0']);
    const r = runCli(dir, ['--workers', String(workers)]);
    const ref = runReference(dir);
    if (r.findings !== alone.findings) throw new Error(`the scans disagree: ${r.findings} findings with workers, ${alone.findings} without`);
    // CPU time as well as wall time: on a shared machine the wall clock measures the neighbours too.
    const line = (x: typeof r) => `${x.seconds.toFixed(2)} s wall, ${x.cpuSeconds.toFixed(2)} s CPU; ${(bytes / MB / x.seconds).toFixed(1)} MB/s (wall), ${(bytes / MB / x.cpuSeconds).toFixed(1)} MB/s (CPU); peak RSS ${x.maxRssMb.toFixed(0)} MB`;
    console.log(`scan, main thread only (--workers 0${cpus().length <= 2 ? ', the default here' : ''}): ${line(alone)}`);
    console.log(`scan, ${workers} worker thread(s) (--workers ${workers}): ${line(r)}; ${r.findings} findings, ${r.errors} unreadable; ${(alone.seconds / r.seconds).toFixed(2)}x the main thread alone`);
    console.log(`reference, same run: js-yaml loadAll over the same files (a hand-written script's parse alone, no rules): ${ref.seconds.toFixed(2)} s wall, ${ref.cpuSeconds.toFixed(2)} s CPU, ${(bytes / MB / ref.seconds).toFixed(1)} MB/s, ${ref.objects} objects; scan on the main thread alone is ${(ref.seconds / alone.seconds).toFixed(2)}x its speed`);
    console.log(`load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);
  } finally {
    if (!process.env.KFS_BENCH_KEEP) await rm(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

await main();
