// The Threat Matrix for Kubernetes catalogue, shipped as data (techniques.json).
import catalogue from './techniques.json' with { type: 'json' };
import type { Finding, Severity } from './types.js';

export interface Technique {
  id: string;
  name: string;
  tactics: string[];
}

const BY_ID = new Map<string, Technique>(catalogue.techniques.map((t) => [t.id, t]));

export const TECHNIQUES: readonly Technique[] = catalogue.techniques;

export function technique(id: string): Technique {
  const t = BY_ID.get(id);
  if (!t) throw new Error(`unknown Threat Matrix technique ${id}`);
  return t;
}

/** The head every finding starts with: its rule, its severity and the rule's technique from the catalogue. */
export function findingHead(rule: { id: string; title: string; techniqueId: string }, severity: Severity): Pick<Finding, 'ruleId' | 'title' | 'severity' | 'techniqueId' | 'techniqueName' | 'tactics'> {
  const tech = technique(rule.techniqueId);
  return { ruleId: rule.id, title: rule.title, severity, techniqueId: tech.id, techniqueName: tech.name, tactics: [...tech.tactics] };
}
