// A scan lane on a worker thread (scanLanes.ts): reads each unit it is sent and posts the result.
// Bundled into a string by scripts/build.mjs.
import { parentPort, workerData } from 'node:worker_threads';
import { runUnit } from './scanUnits.js';
import type { ScanWorkerReply, ScanWorkerRequest } from './scanLanes.js';

const { platformRegistries } = workerData as { platformRegistries: string[] };

parentPort?.on('message', (m: ScanWorkerRequest) => void runUnit(m.unit, platformRegistries).then((result) => parentPort!.postMessage({ id: m.id, result } satisfies ScanWorkerReply)));
