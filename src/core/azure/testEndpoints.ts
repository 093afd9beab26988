// The test-only Azure connection: the Azure emulator writes this JSON, and the environment
// variable KUBEFORENSYS_TEST_AZURE_ENDPOINTS names the file. Without that variable nothing here
// is used; with it, only loopback HTTPS endpoints are accepted, so the variable cannot redirect a
// production token or trust an arbitrary CA for a real host.
import { readFile } from 'node:fs/promises';

export const TEST_ENDPOINTS_ENV = 'KUBEFORENSYS_TEST_AZURE_ENDPOINTS';

export interface TestEndpoints {
  /** ARM base URL (the emulator's). */
  armEndpoint: string;
  /** Log Analytics query base URL. */
  queryEndpoint: string;
  /** PEM of the emulator's self-signed certificate, trusted for these endpoints only. */
  ca: string;
  /** Static bearer token the emulator accepts. */
  token: string;
  tenantId: string;
  subscriptionId: string;
}

const LOOPBACK = /^https:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/;

export async function readTestEndpoints(path: string): Promise<TestEndpoints> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<TestEndpoints>;
  for (const k of ['armEndpoint', 'queryEndpoint', 'ca', 'token', 'tenantId', 'subscriptionId'] as const) {
    if (typeof parsed[k] !== 'string' || !parsed[k]) throw new Error(`${TEST_ENDPOINTS_ENV} file ${path} lacks ${k}.`);
  }
  for (const k of ['armEndpoint', 'queryEndpoint'] as const) {
    if (!LOOPBACK.test(parsed[k]!)) throw new Error(`${TEST_ENDPOINTS_ENV} file ${path}: ${k} must be an https loopback URL (test-only credential).`);
  }
  return parsed as TestEndpoints;
}

/** True when an ingestion endpoint returned by the (emulated) service is loopback HTTPS. */
export function isLoopbackHttps(url: string): boolean {
  return LOOPBACK.test(url.replace(/\/+$/, ''));
}
