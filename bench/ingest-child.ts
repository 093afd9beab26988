// The measured side of bench:ingest: provision and ingest one bundle into the emulator named by
// KUBEFORENSYS_TEST_AZURE_ENDPOINTS, then print the result and this process's peak RSS as JSON.
import { testConnectionFromEnv } from '../src/core/azure/credentials.js';
import { provision } from '../src/core/azure/provision.js';
import { ingestBundle } from '../src/core/azure/ingest.js';
import { randomBytes } from 'node:crypto';

const [bundle, concurrency] = process.argv.slice(2);
const conn = (await testConnectionFromEnv())!;
const { state } = await provision(conn, { subscriptionId: conn.subscriptionId!, resourceGroup: 'rg-bench' }, { pollIntervalMs: 5, retryBaseMs: 5 });
const started = performance.now();
// A fresh checkpoint key, as saveProvisioned would give a new state file.
const result = await ingestBundle(conn, bundle!, { ...state!, checkpointKey: randomBytes(32).toString('hex') }, { maxConcurrency: Number(concurrency) });
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ seconds, requests: result.requests, bytes: result.bytes, tables: result.tables, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
