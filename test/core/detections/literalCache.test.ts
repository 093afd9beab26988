// The bundles carry the content prefilter the build derived (src/core/detections/literalCache.ts):
// a bundle with that table must find exactly what the sources find, and must really use the table.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import { literalDefine } from '../../../scripts/literalTable.mjs';
import { commandHits, contentHits } from '../../../src/core/detections/contentRules.js';
import { CONTENT_CASES } from './contentCases.js';
import { tempDir } from '../../support/tempDir.js';

const BANNER = { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" };

/** Every case's firing sample and near miss through the content and command rules. */
function hitsOf(rules: { contentHits: typeof contentHits; commandHits: typeof commandHits }, cases: typeof CONTENT_CASES): unknown[] {
  return cases.flatMap(([, source, fires, miss]) => [fires, miss].map((t) => ({ t, content: rules.contentHits(source, t), command: rules.commandHits(t) })));
}

test('a bundle carrying the build’s prefilter table finds exactly what the sources find', async (t) => {
  const dir = await tempDir('kfs-literals-', t);
  const entry = join(dir, 'entry.ts');
  const rules = resolve('src/core/detections');
  await writeFile(
    entry,
    `import { contentHits, commandHits } from ${JSON.stringify(join(rules, 'contentRules.ts'))};
import { builtLiteralCount } from ${JSON.stringify(join(rules, 'literalCache.ts'))};
export { contentHits, commandHits, builtLiteralCount };`,
  );
  const out = join(dir, 'bundle.mjs');
  await esbuild.build({ bundle: true, logLevel: 'error', entryPoints: [entry], outfile: out, platform: 'node', format: 'esm', target: 'node20', banner: BANNER, define: await literalDefine(BANNER) });
  const bundled = (await import(pathToFileURL(out).href)) as { contentHits: typeof contentHits; commandHits: typeof commandHits; builtLiteralCount: () => number };
  // Every literal set and matcher the rules derive at load is in the table.
  assert.ok(bundled.builtLiteralCount() > 20, `the bundle carries ${bundled.builtLiteralCount()} derived values`);
  const fromTable = hitsOf(bundled, CONTENT_CASES);
  assert.deepEqual(fromTable, hitsOf({ contentHits, commandHits }, CONTENT_CASES));
  // And the cases do exercise the rules: most samples fire.
  assert.ok(fromTable.filter((h) => (h as { content: unknown[] }).content.length > 0).length >= CONTENT_CASES.length / 2);
});

test('from sources nothing is bundled: every value is derived on the spot', async () => {
  const { builtLiteralCount } = await import('../../../src/core/detections/literalCache.js');
  assert.equal(builtLiteralCount(), 0);
});
