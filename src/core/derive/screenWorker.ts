// The screening worker (see screenPool.ts): screens the streams of each batch it is sent, one at a
// time, and answers with the batch's screens in one message. scripts/build.mjs bundles this file
// into a string.
import { parentPort } from 'node:worker_threads';
import { screenStream } from './screen.js';
import type { WorkerBatch, WorkerReply } from './screenPool.js';

async function screenBatch(m: WorkerBatch): Promise<WorkerReply> {
  const reply: WorkerReply = { results: [] };
  for (const { i, stream } of m.items) {
    try {
      reply.results.push({ i, screen: await screenStream(m.bundleDir, stream) });
    } catch (err) {
      reply.results.push({ i, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return reply;
}

parentPort?.on('message', (m: WorkerBatch) => void screenBatch(m).then((reply) => parentPort!.postMessage(reply)));
