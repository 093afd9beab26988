// Random lines near the content rules, for the prefilter's property tests: pieces of the rules'
// own literals and fixtures, case changes, cut literals and whitespace the literals do not model.
import { LOG_LITERALS } from '../../../src/core/detections/contentRules.js';
import { TEXT_END, TEXT_START, WORD_BOUNDARY } from '../../../src/core/detections/requiredLiterals.js';
import { CONTENT_CASES } from './contentCases.js';

const plain = (l: string) => l.split(TEXT_START).join('').split(TEXT_END).join('').split(WORD_BOUNDARY).join('');
export const FRAGMENTS = [
  ...new Set(LOG_LITERALS.map(plain)),
  ...CONTENT_CASES.flatMap(([, , fires, miss]) => [fires, miss]).flatMap((s) => s.split(/(?<=[ /;|])/)),
  '203.0.113.7', '10.0.0.5', ':4444', ':443', ' ', '  ', '\t', ';', '|', '&&', '$(', '`', '%20', '+', '%3b', '/tmp/', '/dev/shm/', 'http://', 'https://',
  '-e', '-c', '-l', 'GET ', 'POST ', ' HTTP/1.1', '?cmd=', '=', "'", '"', '\u00a0', '\u2028', '\n', '\r', 'İ', 'K', 'é', '_', 'x', '0', '1',
];

export function randomLine(r: () => number): string {
  let s = '';
  const n = 1 + Math.floor(r() * 12);
  for (let i = 0; i < n; i++) {
    let f = FRAGMENTS[Math.floor(r() * FRAGMENTS.length)]!;
    const k = r();
    if (k < 0.15) f = f.toUpperCase();
    else if (k < 0.25) f = [...f].map((c) => (r() < 0.5 ? c.toUpperCase() : c)).join('');
    else if (k < 0.3 && f.length > 2) f = f.slice(1); // a near miss: the literal cut
    s += f + (r() < 0.3 ? ' ' : '');
  }
  return s;
}
