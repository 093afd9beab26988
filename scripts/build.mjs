#!/usr/bin/env node
// Bundles the extension host (CommonJS, `vscode` external), the CLI (ESM for Node) and the
// timeline webview (browser). @kubernetes/client-node is ESM-only, hence the bundling.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { literalDefine } from './literalTable.mjs';

const production = process.argv.includes('--production');
// Whitespace and comments go even in a development build (the source maps keep stack traces
// readable): a comment holding one character past Latin-1 makes V8 keep the whole 13 MB bundle's
// source as two-byte text, about 25 MB of memory for as long as the process runs.
const common = { bundle: true, sourcemap: !production, minify: production, minifyWhitespace: true, logLevel: 'warning', legalComments: 'none' };
// ESM output that still loads the CommonJS dependencies some packages require() at run time.
const esmBanner = {
  js: "import { createRequire as __kfsCreateRequire } from 'node:module'; const require = __kfsCreateRequire(import.meta.url);",
};

// The content prefilter derived from the rules' regexes, once, here (src/core/detections/literalCache.ts):
// every bundle below carries it instead of deriving it at each process start.
const literals = await literalDefine(esmBanner);

// The log-screening worker (src/core/derive/screenPool.ts) is bundled into a string that the
// extension and the CLI carry, so each stays one file and the worker needs no path on disk.
// So is the offline scan's worker (src/core/detections/scanLanes.ts).
const workerCode = async (entry) =>
  (await esbuild.build({ bundle: true, minify: true, legalComments: 'none', logLevel: 'warning', write: false, entryPoints: [entry], platform: 'node', format: 'cjs', target: 'node20', define: literals })).outputFiles[0].text;
const define = {
  ...literals,
  __KFS_SCREEN_WORKER__: JSON.stringify(await workerCode('src/core/derive/screenWorker.ts')),
  __KFS_SCAN_WORKER__: JSON.stringify(await workerCode('src/core/detections/scanWorker.ts')),
};

const builds = [];
if (existsSync('src/extension.ts')) {
  builds.push({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.cjs', platform: 'node', format: 'cjs', target: 'node20', define, external: ['vscode'], mainFields: ['module', 'main'] });
}
// The CLI is self-contained (every dependency bundled) so it can be copied to a jump box.
builds.push({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.mjs', platform: 'node', format: 'esm', target: 'node20', define, banner: { js: '#!/usr/bin/env node\n' + esmBanner.js } });
if (existsSync('webview/main.ts')) {
  builds.push({ ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview/timeline.js', platform: 'browser', format: 'iife', target: 'es2022' });
}
await Promise.all(builds.map((b) => esbuild.build(b)));
