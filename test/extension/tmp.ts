// Temporary folders for one test process, removed when it exits (bundles, kubeconfigs, exports).
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let root: string | undefined;

export async function tempDir(prefix: string): Promise<string> {
  if (!root) {
    const r = mkdtempSync(join(tmpdir(), 'kfs-ext-tests-'));
    root = r;
    process.once('exit', () => rmSync(r, { recursive: true, force: true }));
  }
  return mkdtemp(join(root, prefix));
}
