// The baseline of expected platform workloads (baseline.json, extendable by the user).
// A match marks findings Baseline = true; nothing is hidden.
import builtIn from './baseline.json' with { type: 'json' };
import type { OwnerRef, PodTarget } from './podTargets.js';
import { containersOf, fromRegistries, type RuleTarget } from './podRules.js';

export interface BaselineWorkload {
  namespace: string;
  ownerKind: string;
  ownerNames: string[];
  /** Every container image must come from one of these prefixes (an attacker can copy a name, not easily a registry). */
  registries: string[];
}

export interface BaselineBinding {
  kind: string;
  name: string;
  roleRef: string;
  /** "Kind/name" (ServiceAccounts as "ServiceAccount/namespace/name"). */
  subjects: string[];
}

export interface BaselineRbac {
  bindings: BaselineBinding[];
  serviceAccounts: { namespace: string; names: string[] }[];
}

export interface Baseline {
  workloads: BaselineWorkload[];
  rbac: BaselineRbac;
}

export class BaselineError extends Error {
  override name = 'UsageError';
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** Validates a baseline document ({ workloads: [...] }); throws BaselineError naming the bad entry. */
export function parseBaseline(doc: unknown, source: string): Baseline {
  const workloads = (doc as { workloads?: unknown } | null)?.workloads;
  if (!Array.isArray(workloads)) throw new BaselineError(`${source} is not a baseline file: it needs a "workloads" list.`);
  const rbac = (doc as { rbac?: Partial<BaselineRbac> } | null)?.rbac ?? {};
  const bindings = rbac.bindings ?? [];
  const serviceAccounts = rbac.serviceAccounts ?? [];
  if (!Array.isArray(bindings) || !bindings.every((b) => b && typeof b.kind === 'string' && typeof b.name === 'string' && typeof b.roleRef === 'string' && isStringArray(b.subjects))) {
    throw new BaselineError(`${source}: rbac.bindings entries need kind, name, roleRef and subjects (list).`);
  }
  if (!Array.isArray(serviceAccounts) || !serviceAccounts.every((s) => s && typeof s.namespace === 'string' && isStringArray(s.names))) {
    throw new BaselineError(`${source}: rbac.serviceAccounts entries need namespace and names (list).`);
  }
  return {
    rbac: { bindings, serviceAccounts },
    workloads: workloads.map((w, i) => {
      const e = w as Partial<BaselineWorkload> | null;
      if (!e || typeof e.namespace !== 'string' || typeof e.ownerKind !== 'string' || !isStringArray(e.ownerNames) || !isStringArray(e.registries)) {
        throw new BaselineError(`${source}: workloads[${i}] needs namespace, ownerKind, ownerNames (list) and registries (list).`);
      }
      return { namespace: e.namespace, ownerKind: e.ownerKind, ownerNames: e.ownerNames, registries: e.registries };
    }),
  };
}

export const DEFAULT_BASELINE: Baseline = parseBaseline(builtIn, 'the built-in baseline');

export function mergeBaselines(...bs: Baseline[]): Baseline {
  return {
    workloads: bs.flatMap((b) => b.workloads),
    rbac: { bindings: bs.flatMap((b) => b.rbac.bindings), serviceAccounts: bs.flatMap((b) => b.rbac.serviceAccounts) },
  };
}

/** The images of a target's containers, as the baseline compares them. */
export function targetImages(t: RuleTarget): string[] {
  return containersOf(t).map((c) => (typeof c.c.image === 'string' ? c.c.image : ''));
}

/** True when the target's namespace, top-most owner and every image match one baseline entry. */
export function matchesBaseline(t: PodTarget, baseline: Baseline): boolean {
  return matchesBaselineOf(t.namespace, t.topOwner, targetImages(t), baseline);
}

export function matchesBaselineOf(namespace: string, topOwner: OwnerRef, images: readonly string[], baseline: Baseline): boolean {
  return baseline.workloads.some(
    (w) =>
      w.namespace === namespace &&
      w.ownerKind === topOwner.kind &&
      w.ownerNames.includes(topOwner.name) &&
      images.length > 0 &&
      images.every((img) => fromRegistries(img, w.registries)),
  );
}
