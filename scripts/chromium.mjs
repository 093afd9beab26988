// Where the webview and end-to-end tests find Chromium, and the one sentence they print when it
// is missing. Plain JavaScript so scripts/run-tests.mjs can check before starting any test
// (a test file whose browser fails to launch otherwise leaves its server open and the run hangs).
import { accessSync, constants } from 'node:fs';

export const CHROMIUM_EXECUTABLE = process.env.KFS_CHROMIUM || '/usr/bin/chromium';

/** null when Chromium can be run, else one sentence saying what is missing and how to get it. */
export function missingChromium() {
  try {
    accessSync(CHROMIUM_EXECUTABLE, constants.X_OK);
    return null;
  } catch {
    return `Chromium is missing at ${CHROMIUM_EXECUTABLE}: the webview and end-to-end tests drive it; install Debian's chromium (apt-get install chromium) or set KFS_CHROMIUM to a Chromium binary.`;
  }
}
