// Headless Debian Chromium for the webview and end-to-end tests, with everything that phones
// home turned off: these machines have no internet, and Chromium otherwise keeps retrying its
// update, sync and component hosts.
export const CHROMIUM_EXECUTABLE = process.env.KFS_CHROMIUM ?? '/usr/bin/chromium';

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
