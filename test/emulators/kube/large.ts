// A synthetic cluster for `npm run bench:collect`: N pods × M containers × L log lines. Objects
// are small and held; log lines are produced on demand from the line number, so 2M lines never
// exist in memory at once (on the server side either). Times are whole milliseconds
// (`…:05.120Z` prints as `…:05.12Z` with timestamps=true) and every tenth line repeats the
// previous line's time.
import type { KubeObject } from '../../../src/core/model.js';
import { DEFAULT_AUTH, containerKey, formatTime, type ContainerData, type LogLine, type Scenario } from './scenario.js';

export interface LargeScenarioSize {
  pods: number;
  containersPerPod: number;
  linesPerContainer: number;
  /** Pods are spread over this many namespaces (default 10). */
  namespaces?: number;
  now?: Date;
}

const PATHS = ['/api/items', '/api/orders', '/healthz', '/static/app.js', '/api/users/me', '/metrics'];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64)', 'kube-probe/1.30', 'curl/8.5.0', 'Go-http-client/2.0'];

function uid(n: number, kind: number): string {
  const hex = (n * 16 + kind).toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

export function generateLargeScenario(size: LargeScenarioSize): Scenario {
  const now = new Date(Math.floor((size.now ?? new Date()).getTime() / 1000) * 1000);
  const nowMs = now.getTime();
  const nsCount = Math.max(1, size.namespaces ?? 10);
  const objects: KubeObject[] = [];
  const containers = new Map<string, ContainerData>();
  const created = formatTime(nowMs - 6 * 3600_000);

  for (let n = 0; n < nsCount; n++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `bench-${n}`, uid: uid(n, 1), creationTimestamp: created, labels: { 'kubernetes.io/metadata.name': `bench-${n}` } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  const lines = size.linesPerContainer;
  // Spread the lines over the last 5 hours, inside the default 24 h since-window.
  const stepMs = Math.max(1, Math.floor((5 * 3600_000) / Math.max(1, lines)));
  for (let p = 0; p < size.pods; p++) {
    const ns = `bench-${p % nsCount}`;
    const name = `bench-app-${String(p).padStart(5, '0')}`;
    const names = Array.from({ length: size.containersPerPod }, (_, c) => (c === 0 ? 'app' : `sidecar-${c}`));
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: ns,
        uid: uid(p, 2),
        creationTimestamp: created,
        labels: { app: 'bench-app', 'pod-index': String(p) },
      },
      spec: {
        nodeName: `aks-nodepool1-1234567-vmss00000${p % 4}`,
        serviceAccountName: 'default',
        containers: names.map((c) => ({ name: c, image: `myregistry.azurecr.io/bench/${c}:1.0.${p % 7}` })),
      },
      status: {
        phase: 'Running',
        startTime: created,
        containerStatuses: names.map((c) => ({
          name: c,
          ready: true,
          restartCount: 0,
          image: `myregistry.azurecr.io/bench/${c}:1.0.${p % 7}`,
          imageID: `myregistry.azurecr.io/bench/${c}@sha256:${'ab'.repeat(32)}`,
          containerID: `containerd://${'cd'.repeat(32)}`,
          started: true,
          state: { running: { startedAt: created } },
        })),
      },
    });
    names.forEach((c, ci) => {
      const seed = p * 31 + ci;
      const logs = function* (): Iterable<LogLine> {
        const first = nowMs - lines * stepMs;
        for (let i = 0; i < lines; i++) {
          const k = (seed + i) % 997;
          // Every tenth line shares the previous line's timestamp, as bursts do in real logs: a
          // collector resuming with sinceTime must tell such lines apart by position.
          const at = i % 10 === 9 ? i - 1 : i;
          yield {
            time: new Date(first + at * stepMs).toISOString(),
            text: `10.244.${k % 8}.${k % 250} - - "GET ${PATHS[k % PATHS.length]}?page=${i} HTTP/1.1" ${k % 53 === 0 ? 500 : 200} ${1000 + k} "-" "${AGENTS[k % AGENTS.length]}" rt=0.${String(k).padStart(3, '0')}`,
          };
        }
      };
      containers.set(containerKey(ns, name, c), { logs });
    });
  }
  return {
    cluster: 'bench-cluster',
    auth: { ...DEFAULT_AUTH, groups: [...DEFAULT_AUTH.groups] },
    objects,
    containers,
    faults: [],
    now,
  };
}
