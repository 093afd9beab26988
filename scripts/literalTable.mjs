// The content prefilter's table for the bundles (src/core/detections/literalCache.ts): the rules
// are bundled with recording on (scripts/literalTableEntry.ts), loaded once, and what they derived
// is returned as a plain object for esbuild's `define`.
import * as esbuild from 'esbuild';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** `{ __KFS_LITERALS__: '<json>' }`, ready for esbuild's define; `banner` lets the ESM bundle require() CommonJS. */
export async function literalDefine(banner) {
  const r = await esbuild.build({ bundle: true, write: false, logLevel: 'warning', entryPoints: ['scripts/literalTableEntry.ts'], platform: 'node', format: 'esm', target: 'node20', banner });
  const dir = await mkdtemp(join(tmpdir(), 'kfs-build-'));
  try {
    const file = join(dir, 'literalTable.mjs');
    await writeFile(file, r.outputFiles[0].text);
    const table = (await import(pathToFileURL(file).href)).default;
    return { __KFS_LITERALS__: JSON.stringify(table) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
