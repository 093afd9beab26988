// Findings as bundle rows (suspiciouspods_CL and rbacfindings_CL), so they flow to Log Analytics and the timeline.
import type { CollectedRow } from '../model.js';
import type { Finding } from './types.js';

/** The event type of every finding row (the schema's EventType column). */
export const FINDING_EVENT_TYPE = 'Finding';

function summary(f: Finding): string {
  const ns = f.resource.namespace ? `${f.resource.namespace}/` : '';
  const c = f.resource.container ? ` container ${f.resource.container}` : '';
  const subject = f.subject ? ` for ${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}` : '';
  const mark = f.baseline ? ' [baseline]' : f.recent ? ' [recent]' : '';
  return `${f.severity.toUpperCase()} ${f.title}${subject}: ${f.resource.kind} ${ns}${f.resource.name}${c} (${f.techniqueId} ${f.techniqueName})${mark}`;
}

function common(f: Finding) {
  return {
    EventTime: f.eventTime,
    EventType: FINDING_EVENT_TYPE,
    Namespace: f.resource.namespace,
    PodName: f.podName,
    ContainerName: f.resource.container,
    Summary: summary(f),
    Severity: f.severity,
    TechniqueId: f.techniqueId,
    RuleId: f.ruleId,
    FindingTitle: f.title,
    TechniqueName: f.techniqueName,
    Tactics: f.tactics,
    ResourceKind: f.resource.kind,
    ResourceName: f.resource.name,
    FieldPath: f.fieldPath,
    FieldValue: f.fieldValue,
    Explanation: f.explanation,
    Baseline: f.baseline,
  };
}

export function suspiciousPodRow(f: Finding): CollectedRow<'suspiciouspods_CL'> {
  return common(f);
}

export function rbacFindingRow(f: Finding): CollectedRow<'rbacfindings_CL'> {
  return {
    ...common(f),
    SubjectKind: f.subject?.kind ?? '',
    SubjectName: f.subject?.name ?? '',
    SubjectNamespace: f.subject?.namespace ?? '',
    Bindings: f.bindings ?? [],
    Recent: f.recent ?? false,
  };
}
