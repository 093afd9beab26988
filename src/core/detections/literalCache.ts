// The content prefilter (requiredLiterals.ts, literalIndex.ts) is a pure function of the rules'
// own regexes, and deriving it took 0.3–0.4 s of CPU at every start of a process that loads the
// rules: each `kubeforensys` run, each screening worker, each extension activation. The build
// derives it once (scripts/literalTable.mjs loads the rules with `recordLiterals()` on and bundles
// what was derived, keyed by what it was derived from), so the bundled CLI and extension look it up.
// From sources (tests, tsx) nothing is bundled and everything is derived as before. A key the
// table lacks (a pattern first built at run time) is derived on the spot: the table can make the
// prefilter faster, never different.

declare const __KFS_LITERALS__: Record<string, unknown> | undefined;

const BUILT: ReadonlyMap<string, unknown> = new Map(Object.entries(typeof __KFS_LITERALS__ === 'object' && __KFS_LITERALS__ ? __KFS_LITERALS__ : {}));
let recording: Map<string, unknown> | null = null;

/** The value the build derived for `key`, or `derive()` now (recorded when the build is recording). */
export function builtOr<T>(key: string, derive: () => T): T {
  if (BUILT.has(key)) return BUILT.get(key) as T;
  const value = derive();
  recording?.set(key, value);
  return value;
}

/** From now on every derived value is kept in the returned map (the build's table; JSON values). */
export function recordLiterals(): Map<string, unknown> {
  recording = new Map();
  return recording;
}

/** How many values the bundle carries (0 from sources): for the test that the build filled it. */
export const builtLiteralCount = (): number => BUILT.size;
