// Random damage for the YAML readers' differential tests: one line of a text dropped, shifted, cut,
// doubled, given a trailing tab, stripped of its colon, or given a character that changes the syntax.
import { list } from './lists.js';

export function damage(text: string, r: () => number): string {
  const lines = text.split('\n');
  const i = Math.floor(r() * lines.length);
  const k = r();
  if (k < 0.2) lines.splice(i, 1);
  else if (k < 0.4) lines[i] = ` ${lines[i]}`;
  else if (k < 0.55) lines[i] = lines[i]!.slice(1);
  else if (k < 0.65) lines.splice(i, 0, lines[i]!);
  else if (k < 0.75) lines[i] = `${lines[i]}\t`;
  else if (k < 0.85) lines[i] = lines[i]!.replace(':', '');
  else lines[i] = `${lines[i]!.slice(0, 4)}${'{["\'&*:|-#'[Math.floor(r() * 11)]}${lines[i]!.slice(4)}`;
  return lines.join('\n');
}

/** A random List (kubectl's layout or not, entries at column 0 or 2) with one or two lines damaged. */
export function damagedList(entries: number, r: () => number): string {
  let text = list(entries, { kubectl: r() < 0.5, indented: r() < 0.3 }, r);
  for (let d = 1 + Math.floor(r() * 2); d > 0; d--) text = damage(text, r);
  return text;
}
