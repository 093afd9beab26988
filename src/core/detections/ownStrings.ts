// Strings the YAML readers cut out of a file's text are V8 slices of it: a slice of 13 characters
// or more is a view that keeps the whole text alive for as long as it lives (a shorter one is a
// copy). What an offline scan keeps past a file (DetectionStream's whole-input state) must hold
// strings of its own, or the scan of a folder holds every file it has read: measured at the end of
// a 200 MB scan, 210 MB of file texts were kept alive by 340,000 slices (names, images, API groups).

/** The length from which V8 makes a substring a slice of its parent (String::kMinLength for slices). */
const SLICE_MIN = 13;

/**
 * The same characters in a string of its own. Concatenating makes a pair of the two strings, and
 * slicing the pair first flattens it into one new string, so the result no longer refers to the
 * text `s` was cut from (JSON.parse and structured clone give such strings too). One copy per
 * string, not one per distinct string: a table of distinct strings saved a tenth of the memory
 * the scan keeps and doubled the time this takes (measured on the bench's 50 and 200 MB).
 */
export function ownString(s: string): string {
  return s.length < SLICE_MIN ? s : (s + ' ').slice(0, -1);
}

/**
 * Every string in plain data (objects and arrays, as the readers give them) replaced, in place, by
 * one of its own; returns `value`. Frozen objects (shared constants, the rule catalogue) are left
 * as they are. An explicit stack, not recursion: hostile input can nest deeper than the call stack
 * allows.
 */
export function ownStrings<T>(value: T): T {
  const stack: object[] = [];
  if (value && typeof value === 'object') stack.push(value);
  while (stack.length) {
    const node = stack.pop() as Record<string, unknown> | unknown[];
    if (Object.isFrozen(node)) continue;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i];
        if (typeof v === 'string') {
          if (v.length >= SLICE_MIN) node[i] = ownString(v);
        } else if (v && typeof v === 'object') stack.push(v);
      }
      continue;
    }
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (typeof v === 'string') {
        // An own "__proto__" (js-yaml defines one as data) cannot be assigned: it keeps its slice.
        if (v.length >= SLICE_MIN && k !== '__proto__') node[k] = ownString(v);
      } else if (v && typeof v === 'object') stack.push(v);
    }
  }
  return value;
}
