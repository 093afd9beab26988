// Large kubectl-style Lists for the readers' differential tests: entries with values the fast
// reader leaves to js-yaml now and then, in kubectl's layout and others.

/** An entry as kubectl writes one, with values the fast reader leaves to js-yaml now and then. */
export function entry(i: number, r: () => number): string {
  const kinds = ['Pod', 'Service', 'ConfigMap', 'Deployment'];
  const lines = [`apiVersion: ${i % 4 === 3 ? 'apps/v1' : 'v1'}`, `kind: ${kinds[i % 4]}`, 'metadata:', `  name: item-${i}`, `  namespace: ns-${i % 5}`];
  if (r() < 0.3) lines.push('  labels: {app: web, "tier": backend}  # a comment');
  if (r() < 0.1) lines.push('  annotations:', '    note: >', '      folded text', '      on two lines');
  if (r() < 0.1) lines.push('  tagged: !!str 42');
  lines.push('spec:', '  containers:', `  - name: c${i}`, `    image: contoso.azurecr.io/app:${i}`, `    securityContext: {privileged: ${r() < 0.2 ? 'yes' : 'false'}}`);
  if (r() < 0.2) lines.push('    args: |', '      --flag=1', '', '      --other');
  return lines.join('\n');
}

export interface Shape {
  /** kubectl puts items between apiVersion and kind; others write kind first. */
  kubectl: boolean;
  /** The entries' `-` at column 2 instead of 0. */
  indented: boolean;
}

export function list(n: number, shape: Shape, r: () => number): string {
  const pad = shape.indented ? '  ' : '';
  const entries = Array.from({ length: n }, (_, i) => {
    const [first, ...rest] = entry(i, r).split('\n');
    const between = r() < 0.05 ? '# between entries\n\n' : '';
    const item = r() < 0.02 ? `${pad}- just a scalar` : [`${pad}- ${first}`, ...rest.map((l) => `${pad}  ${l}`)].join('\n');
    return between + item;
  });
  const items = `items:\n${entries.join('\n')}\n`;
  return shape.kubectl ? `apiVersion: v1\n${items}kind: List\nmetadata:\n  resourceVersion: ""\n` : `apiVersion: v1\nkind: List\n${items}`;
}
