// Reads what the artifacts tree drills into from a bundle: findings grouped by the resource they
// are on (pods first, then pod templates), RBAC findings grouped by subject, and the containers of
// each pod (from the pod inventory). Everything here is attacker-controlled text: it is only ever
// shown as plain labels and tooltips.
import type { Bundle } from './reader.js';
import { podInventory, rbacFindings, suspiciousPods, type RbacFindingRow, type SuspiciousPodRow } from '../schema/tables.js';
import { SEVERITIES } from '../schema/timeline.js';

export interface FindingView {
  recordId: string;
  /** The finding row's time (for a spec finding, its object's creation), ISO-8601; '' when unknown. */
  time: string;
  severity: string;
  title: string;
  techniqueId: string;
  techniqueName: string;
  explanation: string;
  ruleId: string;
  resourceKind: string;
  resourceName: string;
  namespace: string;
  pod: string;
  container: string;
  fieldPath: string;
  fieldValue: string;
  baseline: boolean;
}

export interface SuspiciousResource {
  kind: string;
  namespace: string;
  name: string;
  /** A pod (drills into containers) rather than a workload template. */
  isPod: boolean;
  findings: FindingView[];
  containers: string[];
}

export interface RbacSubject {
  kind: string;
  namespace: string;
  name: string;
  findings: FindingView[];
}

export interface BundleFindings {
  resources: SuspiciousResource[];
  subjects: RbacSubject[];
}

/** Lower is more severe; unknown severities sort last. */
export function severityRank(s: string): number {
  const i = (SEVERITIES as readonly string[]).indexOf(s);
  return i < 0 ? SEVERITIES.length : i;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

function toFinding(r: SuspiciousPodRow | RbacFindingRow): FindingView {
  return {
    recordId: r.RecordId,
    time: str(r.EventTime),
    severity: str(r.Severity),
    title: str(r.FindingTitle) || str(r.Summary),
    techniqueId: str(r.TechniqueId),
    techniqueName: str(r.TechniqueName),
    explanation: str(r.Explanation),
    ruleId: str(r.RuleId),
    resourceKind: str(r.ResourceKind),
    resourceName: str(r.ResourceName),
    namespace: str(r.Namespace),
    pod: str(r.PodName),
    container: str(r.ContainerName),
    fieldPath: str(r.FieldPath),
    fieldValue: str(r.FieldValue),
    baseline: r.Baseline === true,
  };
}

const key = (...parts: string[]) => JSON.stringify(parts);
const bySeverityThenTitle = (a: FindingView, b: FindingView) =>
  severityRank(a.severity) - severityRank(b.severity) || a.title.localeCompare(b.title) || a.recordId.localeCompare(b.recordId);
const worst = (fs: FindingView[]) => Math.min(...fs.map((f) => severityRank(f.severity)));

export async function loadBundleFindings(bundle: Pick<Bundle, 'readTable'>, signal?: AbortSignal): Promise<BundleFindings> {
  const resources = new Map<string, SuspiciousResource>();
  for await (const row of bundle.readTable(suspiciousPods.name, { signal })) {
    const f = toFinding(row);
    // A pod finding names the pod in PodName; a template finding names its workload.
    const isPod = f.resourceKind === 'Pod' || (f.resourceKind === '' && f.pod !== '');
    const name = isPod ? f.pod || f.resourceName : f.resourceName;
    const k = key(isPod ? 'Pod' : f.resourceKind, f.namespace, name);
    let res = resources.get(k);
    if (!res) resources.set(k, (res = { kind: isPod ? 'Pod' : f.resourceKind || 'Resource', namespace: f.namespace, name, isPod, findings: [], containers: [] }));
    res.findings.push(f);
  }
  const subjects = new Map<string, RbacSubject>();
  for await (const row of bundle.readTable(rbacFindings.name, { signal })) {
    const f = toFinding(row);
    const kind = str(row.SubjectKind) || 'Subject';
    const namespace = str(row.SubjectNamespace);
    const name = str(row.SubjectName) || f.resourceName;
    const k = key(kind, namespace, name);
    let s = subjects.get(k);
    if (!s) subjects.set(k, (s = { kind, namespace, name, findings: [] }));
    s.findings.push(f);
  }

  // Containers of the suspicious pods: the inventory lists them; findings name some too.
  const pods = new Map<string, Set<string>>();
  for (const r of resources.values()) {
    if (!r.isPod) continue;
    const set = new Set<string>();
    for (const f of r.findings) if (f.container) set.add(f.container);
    pods.set(key(r.namespace, r.name), set);
  }
  if (pods.size) {
    for await (const row of bundle.readTable(podInventory.name, { signal })) {
      const set = pods.get(key(str(row.Namespace), str(row.PodName)));
      if (!set) continue;
      if (row.ContainerName) set.add(str(row.ContainerName));
      if (Array.isArray(row.Containers)) {
        for (const c of row.Containers as unknown[]) {
          const n = c && typeof c === 'object' ? (c as Record<string, unknown>).name : undefined;
          if (typeof n === 'string' && n !== '') set.add(n);
        }
      }
    }
  }
  for (const r of resources.values()) {
    r.findings.sort(bySeverityThenTitle);
    if (r.isPod) r.containers = [...(pods.get(key(r.namespace, r.name)) ?? [])].sort();
  }
  for (const s of subjects.values()) s.findings.sort(bySeverityThenTitle);

  // Pods first; expected platform workloads (every finding on the baseline) after the rest.
  const baselineOnly = (r: SuspiciousResource) => Number(r.findings.every((f) => f.baseline));
  const resList = [...resources.values()].sort(
    (a, b) =>
      Number(b.isPod) - Number(a.isPod) ||
      baselineOnly(a) - baselineOnly(b) ||
      worst(a.findings) - worst(b.findings) ||
      a.namespace.localeCompare(b.namespace) ||
      a.name.localeCompare(b.name),
  );
  const subList = [...subjects.values()].sort((a, b) => worst(a.findings) - worst(b.findings) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  return { resources: resList, subjects: subList };
}
