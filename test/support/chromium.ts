// Headless Debian Chromium for the webview and end-to-end tests, with everything that phones
// home turned off: these machines have no internet, and Chromium otherwise keeps retrying its
// update, sync and component hosts.
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_EXECUTABLE, missingChromium } from '../../scripts/chromium.mjs';

export { CHROMIUM_EXECUTABLE, missingChromium };

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-default-apps',
  '--disable-extensions',
];

/** Launches Chromium, or fails at once with the sentence naming the missing browser. */
export function launchChromium(): Promise<Browser> {
  const missing = missingChromium();
  if (missing) return Promise.reject(new Error(missing));
  return chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS });
}
