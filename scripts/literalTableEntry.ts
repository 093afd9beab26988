// Bundled and run by scripts/build.mjs: loads every module that derives a content prefilter at
// load with recording on, and exports what was derived (src/core/detections/literalCache.ts).
import { recordLiterals } from '../src/core/detections/literalCache.js';

const table = recordLiterals();
await import('../src/core/detections/contentRules.js');
await import('../src/core/detections/podRules.js');

export default Object.fromEntries(table);
