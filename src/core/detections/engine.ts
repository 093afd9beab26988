// Runs the rules over a set of Kubernetes objects: the one entry point for the collectors and `scan`.
import type { KubeObject } from '../model.js';
import { DEFAULT_BASELINE, matchesBaseline, matchesBaselineOf, targetImages, type Baseline } from './baseline.js';
import { localTarget, OwnerIndex, ownerEntry, podTargets, type LocalTarget, type OwnerLink, type PodTarget } from './podTargets.js';
import { evaluateLocal, evaluatePodTarget, finishPodTarget, type LocalPodFindings, type PodRuleContext } from './podRules.js';
import { effectivePermissions, type RbacObjects } from './rbacAnalysis.js';
import { rbacFindings, riskyServiceAccounts } from './rbacRules.js';
import { findingHead } from './techniques.js';
import { configMapFindings, exposureFindings } from './configRules.js';
import { oneLine, severityRank, type Finding } from './types.js';

export interface DetectOptions {
  /** Image prefixes expected in kube-system. */
  platformRegistries: readonly string[];
  baseline?: Baseline;
  /** Reference time and window for the Recent mark on RBAC findings. */
  now: Date;
  sinceSeconds: number;
}

export interface PodDetectExtras {
  riskyServiceAccounts?: ReadonlyMap<string, string[]>;
  serviceAccounts?: readonly KubeObject[];
}

function stamp(t: Pick<PodTarget, 'kind' | 'namespace' | 'name' | 'podName' | 'creationTimestamp'>, baseline: boolean, raw: ReturnType<typeof evaluatePodTarget>[number]): Finding {
  return {
    ...findingHead(raw.rule, raw.severity ?? raw.rule.severity),
    resource: { kind: t.kind, namespace: t.namespace, name: t.name, container: raw.container },
    podName: t.podName,
    fieldPath: raw.fieldPath,
    fieldValue: raw.fieldValue,
    explanation: oneLine(raw.explanation),
    baseline,
    eventTime: t.creationTimestamp,
  };
}

export interface PodFindingGroup {
  target: PodTarget;
  findings: Finding[];
}

/** Pod and pod-template findings, grouped per target (the collector reports progress per target). */
export function detectPodFindingGroups(objects: readonly KubeObject[], opts: DetectOptions, extras: PodDetectExtras = {}): PodFindingGroup[] {
  const baseline = opts.baseline ?? DEFAULT_BASELINE;
  const ctx: PodRuleContext = {
    platformRegistries: opts.platformRegistries,
    riskyServiceAccounts: extras.riskyServiceAccounts,
    serviceAccounts: extras.serviceAccounts
      ? new Map(extras.serviceAccounts.map((sa) => [`${sa.metadata?.namespace ?? ''}/${sa.metadata?.name ?? ''}`, sa as Record<string, unknown>]))
      : undefined,
  };
  return podTargets(objects).map((target) => {
    const isBaseline = matchesBaseline(target, baseline);
    return { target, findings: evaluatePodTarget(target, ctx).map((raw) => stamp(target, isBaseline, raw)) };
  });
}

export function detectPodFindings(objects: readonly KubeObject[], opts: DetectOptions, extras: PodDetectExtras = {}): Finding[] {
  return detectPodFindingGroups(objects, opts, extras).flatMap((g) => g.findings);
}

export function detectRbacFindings(rbac: RbacObjects, opts: DetectOptions): Finding[] {
  return rbacFindings(effectivePermissions(rbac), { now: opts.now, sinceSeconds: opts.sinceSeconds, baseline: (opts.baseline ?? DEFAULT_BASELINE).rbac });
}

export function splitRbac(objects: readonly KubeObject[]): RbacObjects {
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  return { roles: of('Role'), clusterRoles: of('ClusterRole'), roleBindings: of('RoleBinding'), clusterRoleBindings: of('ClusterRoleBinding') };
}

/** A pod target once its own findings are taken: what is left to finish it (no spec, no object). */
interface PendingTarget {
  head: Omit<LocalTarget, 'spec' | 'object' | 'annotations'>;
  images: string[];
  local: LocalPodFindings;
}

/** Kinds whose objects the findings over the whole input read: RBAC, service accounts, exposure. */
const KEPT_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ServiceAccount', 'Service', 'Ingress']);

/**
 * What the detections take of a run of objects before the rest of the input is known: each
 * object's key (objKey) and owner link (null where the owner index does not keep it), the objects
 * the whole-input findings read, each pod target with its own findings, and the run's config map
 * findings. Plain data in a few arrays (scan's worker threads compute it and post it to the main
 * thread: one string per object, and the link most objects share is sent once), and all of what
 * finish() reads of the objects.
 */
export interface LocalBatch {
  keys: string[];
  links: (OwnerLink | null)[];
  kept: KubeObject[];
  targets: PendingTarget[];
  configMaps: Finding[];
}

/** The part of DetectionStream.add that reads each object alone (the rest is in input order). */
export function localBatch(objects: readonly KubeObject[], platformRegistries: readonly string[]): LocalBatch {
  const ctx: PodRuleContext = { platformRegistries };
  const out: LocalBatch = { keys: [], links: [], kept: [], targets: [], configMaps: configMapFindings(objects) };
  for (const o of objects) {
    const { key, link } = ownerEntry(o);
    out.keys.push(key);
    out.links.push(link);
    if (KEPT_KINDS.has(o.kind ?? '')) out.kept.push(o);
    const t = localTarget(o, link ?? undefined);
    if (!t) continue;
    const head = { kind: t.kind, namespace: t.namespace, name: t.name, podName: t.podName, specPath: t.specPath, metaPath: t.metaPath, owner: t.owner, creationTimestamp: t.creationTimestamp, link: t.link };
    out.targets.push({ head, images: targetImages(t), local: evaluateLocal(t, ctx) });
  }
  return out;
}

/**
 * detectAll over an input given one part at a time (scan gives it file by file): each object's
 * own findings are taken as it comes and the object let go; what needs the whole input (RBAC,
 * service accounts, owners, exposure) is kept small and finished at the end. The result is
 * detectAll's over the concatenation of the parts, in the same order.
 */
export class DetectionStream {
  private readonly owners = new OwnerIndex();
  private readonly kept: KubeObject[] = [];
  private readonly targets: PendingTarget[] = [];
  private readonly configMaps: Finding[] = [];

  constructor(private readonly opts: DetectOptions) {}

  add(objects: readonly KubeObject[]): this {
    return this.addLocal(localBatch(objects, this.opts.platformRegistries));
  }

  /** A run's localBatch, in input order (the owner index keeps the last object of a key). */
  addLocal(batch: LocalBatch): this {
    for (let i = 0; i < batch.keys.length; i++) {
      const link = batch.links[i];
      if (link) this.owners.set(batch.keys[i]!, link);
    }
    for (const o of batch.kept) this.kept.push(o);
    for (const t of batch.targets) this.targets.push(t);
    for (const f of batch.configMaps) this.configMaps.push(f);
    return this;
  }

  finish(): Finding[] {
    const opts = this.opts;
    const rbac = splitRbac(this.kept);
    const hasBindings = rbac.roleBindings.length + rbac.clusterRoleBindings.length > 0;
    const rbacOut = hasBindings ? detectRbacFindings(rbac, opts) : [];
    const serviceAccounts = this.kept.filter((o) => o.kind === 'ServiceAccount');
    const ctx: PodRuleContext = {
      platformRegistries: opts.platformRegistries,
      // Without bindings in the input nothing is known about service accounts: the token rule stays silent.
      riskyServiceAccounts: hasBindings ? riskyServiceAccounts(rbacOut) : undefined,
      serviceAccounts: new Map(serviceAccounts.map((sa) => [`${sa.metadata?.namespace ?? ''}/${sa.metadata?.name ?? ''}`, sa as Record<string, unknown>])),
    };
    const baseline = opts.baseline ?? DEFAULT_BASELINE;
    const pods: Finding[] = [];
    for (const { head, images, local } of this.targets) {
      if (this.owners.skips(head)) continue;
      const isBaseline = matchesBaselineOf(head.namespace, this.owners.topOwner(head), images, baseline);
      for (const raw of finishPodTarget(head, local, ctx)) pods.push(stamp(head, isBaseline, raw));
    }
    return [...pods, ...rbacOut, ...exposureFindings(this.kept), ...this.configMaps];
  }
}

/** Every finding over a mixed set of objects (what `scan` reads). */
export function detectAll(objects: readonly KubeObject[], opts: DetectOptions): Finding[] {
  return new DetectionStream(opts).add(objects).finish();
}

/**
 * Worst first, then by resource, rule and evidence: a stable order for reports and tests. Each
 * finding's sort key is built once, not at each of the sort's comparisons (it was two joins per
 * comparison); the comparison and so the order are the same.
 */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const keyed = findings.map((f) => ({
    f,
    rank: severityRank(f.severity),
    baseline: Number(f.baseline),
    key: [f.resource.namespace, f.resource.kind, f.resource.name, f.resource.container, f.ruleId, f.fieldPath, f.subject?.name ?? ''].join('\u0000'),
  }));
  keyed.sort((a, b) => b.rank - a.rank || a.baseline - b.baseline || a.key.localeCompare(b.key));
  return keyed.map((k) => k.f);
}
