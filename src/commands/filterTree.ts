// Filter… (tree only): which finding severities the Artifacts view shows.
import { SEVERITIES, type Severity } from '../core/schema/timeline.js';
import type { CommandContext } from '../host/context.js';

export async function filterTree(cc: CommandContext): Promise<Severity[] | undefined> {
  const current = cc.state.treeSeverities;
  const items = SEVERITIES.map((s) => ({ label: s, severity: s, picked: current.length === 0 || current.includes(s) }));
  const picked = await cc.ui.showQuickPick(items, { title: 'KubeForenSys: show findings of severity', canPickMany: true });
  if (!picked) return undefined;
  // All or none ticked both mean "no filter".
  const chosen = picked.length === SEVERITIES.length ? [] : picked.map((p) => p.severity);
  await cc.state.setTreeSeverities(chosen);
  return chosen;
}
