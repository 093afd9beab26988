// Temporary folders for tests, one helper for the whole suite. Every folder is made under one root
// per test process, and the root is removed when the process exits (node --test runs each file
// in its own process), so no run leaves folders behind, whatever a test does. Pass the test (or
// suite) context to remove a folder as soon as that test ends: large bundles then do not pile up
// while the rest of the file runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What node:test's TestContext and SuiteContext offer for cleanup. */
export interface AfterHook {
  after(fn: () => unknown): void;
}

let root: string | undefined;

/** The process's root folder, created on first use and removed at exit. */
function processRoot(): string {
  if (!root) {
    const r = mkdtempSync(join(tmpdir(), 'kfs-tests-'));
    root = r;
    process.once('exit', () => rmSync(r, { recursive: true, force: true }));
  }
  return root;
}

/** A new empty folder whose name starts with `prefix`; removed after `t` when given, else at exit. */
export async function tempDir(prefix = 'kfs-', t?: AfterHook): Promise<string> {
  const dir = await mkdtemp(join(processRoot(), prefix));
  t?.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
