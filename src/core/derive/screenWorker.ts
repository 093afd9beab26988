// The screening worker (see screenPool.ts): screens the streams it is sent, one at a time, and
// answers with each stream's screen. scripts/build.mjs bundles this file into a string.
import { parentPort } from 'node:worker_threads';
import { screenStream } from './screen.js';
import type { LogStream } from './logs.js';

parentPort?.on('message', (m: { i: number; bundleDir: string; stream: LogStream }) => {
  screenStream(m.bundleDir, m.stream).then(
    (screen) => parentPort!.postMessage({ i: m.i, screen }),
    (err: unknown) => parentPort!.postMessage({ i: m.i, error: err instanceof Error ? err.message : String(err) }),
  );
});
