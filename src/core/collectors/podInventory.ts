// Pod inventory: one PodCreated row per pod carrying its images and digests, owner, node,
// service account and security-relevant spec; then one row per lifecycle event the pod's
// status records (scheduled, container started/terminated, last termination before a
// restart, deletion requested) so the timeline shows them.
import { podInventory } from '../schema/tables.js';
import type { Collector, CollectorContext, CollectorEvent } from './types.js';
import type { CollectedRow, KubeObject } from '../model.js';
import { arr, common, listWithGaps, type CommonFields, meta, num, obj, podContainers, rowEvent, str, type PodContainer } from './common.js';

type Row = CollectedRow<typeof podInventory.name>;

function controller(pod: KubeObject): { kind: string; name: string } {
  const refs = pod.metadata?.ownerReferences ?? [];
  const c = refs.find((r) => r.controller) ?? refs[0];
  return { kind: c?.kind ?? '', name: c?.name ?? '' };
}

function containerSummary(c: PodContainer): Record<string, unknown> {
  const s = c.status ?? {};
  return {
    name: c.name,
    kind: c.kind,
    image: str(c.spec.image),
    imageID: str(s.imageID),
    containerID: str(s.containerID),
    command: c.spec.command ?? null,
    args: c.spec.args ?? null,
    ports: c.spec.ports ?? null,
    securityContext: c.spec.securityContext ?? null,
    volumeMounts: c.spec.volumeMounts ?? null,
    envFrom: c.spec.envFrom ?? null,
    restartCount: num(s.restartCount),
    ready: s.ready ?? null,
    ...(c.kind === 'ephemeral' ? { targetContainerName: str(c.spec.targetContainerName) } : {}),
  };
}

export function podSecurity(pod: KubeObject): Record<string, unknown> {
  const spec = obj(pod.spec);
  return {
    hostNetwork: spec.hostNetwork === true,
    hostPID: spec.hostPID === true,
    hostIPC: spec.hostIPC === true,
    shareProcessNamespace: spec.shareProcessNamespace === true,
    securityContext: spec.securityContext ?? null,
    automountServiceAccountToken: spec.automountServiceAccountToken ?? null,
    priorityClassName: str(spec.priorityClassName),
    hostPathVolumes: arr(spec.volumes)
      .map(obj)
      .filter((v) => v.hostPath)
      .map((v) => ({ name: str(v.name), path: str(obj(v.hostPath).path), type: str(obj(v.hostPath).type) })),
  };
}

/** What every row of one pod carries, and how its rows name it. */
interface PodContext {
  ns: string;
  name: string;
  base: Omit<Row, keyof CommonFields>;
}

export function podInventoryRows(pod: KubeObject): Row[] {
  const ctx = podContext(pod);
  const rows: Row[] = [createdRow(pod, ctx), ...podEventRows(pod, ctx)];
  for (const c of podContainers(pod)) rows.push(...containerRows(c, ctx));
  return rows;
}

function podContext(pod: KubeObject): PodContext {
  const m = meta(pod);
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const owner = controller(pod);
  return {
    ns: str(m.namespace),
    name: str(m.name),
    base: {
      Uid: str(m.uid),
      NodeName: str(spec.nodeName),
      Phase: str(status.phase),
      OwnerKind: owner.kind,
      OwnerName: owner.name,
      ServiceAccountName: str(spec.serviceAccountName) || str(spec.serviceAccount),
      PodIP: str(status.podIP),
      HostIP: str(status.hostIP),
      Containers: null,
      PodSecurity: null,
      Labels: null,
      Annotations: null,
      RestartCount: null,
      ExitCode: null,
      Reason: '',
    },
  };
}

/** The PodCreated row: the only one carrying the containers, the security spec, labels and annotations. */
function createdRow(pod: KubeObject, { ns, name, base }: PodContext): Row {
  const m = meta(pod);
  const node = str(obj(pod.spec).nodeName);
  const containers = podContainers(pod);
  const images = containers.map((c) => str(c.spec.image)).join(', ');
  return {
    ...common({
      time: str(m.creationTimestamp) || null,
      type: 'PodCreated',
      namespace: ns,
      pod: name,
      summary: `Pod ${ns}/${name} created${base.OwnerKind ? ` by ${base.OwnerKind}/${base.OwnerName}` : ''} on ${node || 'no node'} (${images})`,
    }),
    ...base,
    Containers: containers.map(containerSummary),
    PodSecurity: podSecurity(pod),
    Labels: m.labels ?? {},
    Annotations: m.annotations ?? {},
  };
}

/** Scheduled and deletion-requested, when the pod's status and metadata record them. */
function podEventRows(pod: KubeObject, { ns, name, base }: PodContext): Row[] {
  const m = meta(pod);
  const rows: Row[] = [];
  const scheduled = arr(obj(pod.status).conditions).map(obj).find((c) => c.type === 'PodScheduled' && c.status === 'True');
  if (scheduled && str(scheduled.lastTransitionTime)) {
    rows.push({
      ...common({ time: str(scheduled.lastTransitionTime), type: 'PodScheduled', namespace: ns, pod: name, summary: `Pod ${ns}/${name} scheduled on ${base.NodeName || '?'}` }),
      ...base,
    });
  }
  if (str(m.deletionTimestamp)) {
    rows.push({
      ...common({ time: str(m.deletionTimestamp), type: 'PodDeleting', namespace: ns, pod: name, summary: `Pod ${ns}/${name} marked for deletion` }),
      ...base,
    });
  }
  return rows;
}

/** A container's started, terminated and terminated-before-restart rows. */
function containerRows(c: PodContainer, { ns, name, base }: PodContext): Row[] {
  const s = c.status;
  if (!s) return [];
  const rows: Row[] = [];
  const restarts = num(s.restartCount);
  const state = obj(s.state);
  const last = obj(obj(s.lastState).terminated);
  const terminated = obj(state.terminated);
  const label = `${c.kind === 'container' ? 'Container' : c.kind === 'init' ? 'Init container' : 'Ephemeral container'} ${c.name} of ${ns}/${name}`;
  const containerBase = { ...base, RestartCount: restarts, Reason: str(obj(state.waiting).reason) };
  const at = (time: string, type: string, summary: string) => common({ time, type, namespace: ns, pod: name, container: c.name, summary });
  const started = str(obj(state.running).startedAt) || str(terminated.startedAt);
  if (started) rows.push({ ...at(started, 'ContainerStarted', `${label} started (${str(c.spec.image)})${restarts ? `, restart #${restarts}` : ''}`), ...containerBase });
  if (str(terminated.finishedAt)) {
    const code = num(terminated.exitCode);
    rows.push({
      ...at(str(terminated.finishedAt), 'ContainerTerminated', `${label} terminated: ${str(terminated.reason) || 'exit'} (exit code ${code ?? '?'})`),
      ...containerBase,
      ExitCode: code,
      Reason: str(terminated.reason),
    });
  }
  if (str(last.finishedAt)) {
    const code = num(last.exitCode);
    rows.push({
      ...at(str(last.finishedAt), 'ContainerLastTerminated', `${label} terminated before its restart: ${str(last.reason) || 'exit'} (exit code ${code ?? '?'}, ${restarts ?? 0} restarts)`),
      ...containerBase,
      ExitCode: code,
      Reason: str(last.reason),
    });
  }
  return rows;
}

export const podInventoryCollector: Collector = {
  artifact: 'podInventory',
  async *collect(ctx: CollectorContext): AsyncIterable<CollectorEvent> {
    const { items, gaps } = await listWithGaps(ctx, 'podInventory', 'pods');
    yield* gaps;
    if (ctx.acquiring) return;
    for (const pod of items) for (const row of podInventoryRows(pod)) yield rowEvent(podInventory.name, row);
  },
};
