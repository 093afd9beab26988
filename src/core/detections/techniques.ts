// The Threat Matrix for Kubernetes catalogue, shipped as data (techniques.json).
import catalogue from './techniques.json' with { type: 'json' };

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
