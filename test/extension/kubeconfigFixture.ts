// Kubeconfig files for the context picker and the trust tests (token auth; never contacted).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../support/tempDir.js';

export function kubeconfigYaml(contexts: { name: string; cluster: string; user: string; namespace?: string }[], current: string): string {
  const lines = ['apiVersion: v1', 'kind: Config', `current-context: ${current}`, 'clusters:'];
  for (const c of new Set(contexts.map((x) => x.cluster))) lines.push(`- name: ${c}`, '  cluster:', `    server: https://127.0.0.1:1/${c}`);
  lines.push('users:');
  for (const u of new Set(contexts.map((x) => x.user))) lines.push(`- name: ${u}`, '  user:', '    token: not-a-real-token');
  lines.push('contexts:');
  for (const c of contexts) {
    lines.push(`- name: ${c.name}`, '  context:', `    cluster: ${c.cluster}`, `    user: ${c.user}`);
    if (c.namespace) lines.push(`    namespace: ${c.namespace}`);
  }
  return lines.join('\n') + '\n';
}

export async function writeKubeconfig(name: string, yaml: string): Promise<string> {
  const dir = await tempDir('kfs-kubeconfig-');
  const path = join(dir, name);
  await writeFile(path, yaml, { mode: 0o600 });
  return path;
}

export const TWO_CONTEXTS = kubeconfigYaml(
  [
    { name: 'aks-prod-weu', cluster: 'aks-prod-weu', user: 'clusterUser_rg_aks-prod-weu', namespace: 'prod-web' },
    { name: 'kind-lab', cluster: 'kind-lab', user: 'kind-lab-admin' },
  ],
  'kind-lab',
);
