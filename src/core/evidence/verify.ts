// Recomputes every hash in the manifest and names each modified, missing or extra file.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { INGEST_CHECKPOINT_FILE, MANIFEST_FILE, computeManifestDigest } from './manifest.js';
import { readManifest } from './reader.js';

export type ProblemKind = 'modified' | 'missing' | 'extra' | 'manifest';

export interface VerifyProblem {
  path: string;
  kind: ProblemKind;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Files whose size and SHA-256 matched. */
  checked: number;
  problems: VerifyProblem[];
}

/** Files that may exist beside the sealed ones: the manifest itself and the ingestion checkpoint. */
const UNHASHED = new Set([MANIFEST_FILE, INGEST_CHECKPOINT_FILE]);

export async function verifyBundle(dir: string, signal?: AbortSignal): Promise<VerifyReport> {
  const manifest = await readManifest(dir);
  const problems: VerifyProblem[] = [];
  if (computeManifestDigest(manifest) !== manifest.manifestDigest) {
    problems.push({ path: MANIFEST_FILE, kind: 'manifest', detail: 'the manifest digest does not match its content: the manifest was edited' });
  }
  let checked = 0;
  const listed = new Set<string>();
  for (const entry of manifest.files) {
    signal?.throwIfAborted();
    listed.add(entry.path);
    const abs = join(dir, ...entry.path.split('/'));
    let size: number;
    try {
      size = (await stat(abs)).size;
    } catch {
      problems.push({ path: entry.path, kind: 'missing', detail: 'listed in the manifest but not on disk' });
      continue;
    }
    const sha256 = await hashFile(abs, signal);
    if (sha256 !== entry.sha256 || size !== entry.size) {
      problems.push({ path: entry.path, kind: 'modified', detail: `SHA-256 ${sha256} (${size} bytes), manifest says ${entry.sha256} (${entry.size} bytes)` });
    } else checked++;
  }
  for (const rel of await listFiles(dir)) {
    if (!listed.has(rel) && !UNHASHED.has(rel)) problems.push({ path: rel, kind: 'extra', detail: 'on disk but not in the manifest' });
  }
  return { ok: problems.length === 0, checked, problems };
}

export async function hashFile(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const parent = (entry as unknown as { parentPath?: string; path?: string }).parentPath ?? (entry as unknown as { path: string }).path;
    out.push(relative(dir, join(parent, entry.name)).split(sep).join('/'));
  }
  return out.sort();
}
