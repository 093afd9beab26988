// Where Azure tokens come from, one token per audience. The CLI uses @azure/identity (Azure CLI
// sign-in first, then DefaultAzureCredential); the extension passes a getToken function built on
// vscode.authentication (credentialFromFunction). A test-only connection to the Azure emulator
// exists only when KUBEFORENSYS_TEST_AZURE_ENDPOINTS names the emulator's endpoints file.
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { readTestEndpoints, TEST_ENDPOINTS_ENV, type TestEndpoints } from './testEndpoints.js';

export const SCOPES = {
  management: 'https://management.azure.com/.default',
  ingestion: 'https://monitor.azure.com/.default',
  query: 'https://api.loganalytics.io/.default',
} as const;
export type Audience = keyof typeof SCOPES;

export const PUBLIC_CLOUD = {
  armEndpoint: 'https://management.azure.com',
  queryEndpoint: 'https://api.loganalytics.io',
};

/** Everything the Azure clients need: the credential, the endpoints and (tests only) extra TLS trust. */
export interface AzureConnection {
  credential: TokenCredential;
  armEndpoint: string;
  queryEndpoint: string;
  /** Only set for the emulator: its self-signed CA. Production uses the system trust store. */
  tlsOptions?: { ca: string };
  /** Subscription and tenant the credential is for, when known (the emulator's, or --subscription). */
  subscriptionId?: string;
  tenantId?: string;
  isTest: boolean;
}

/** A token as the caller's sign-in provider returns it. */
export interface SimpleToken {
  token: string;
  /** Expiry in milliseconds since the epoch. */
  expiresOnTimestamp: number;
}

/**
 * Adapts any `getToken(scopes)` function into an Azure TokenCredential, e.g. one built on
 * `vscode.authentication.getSession('microsoft', scopes)`. The scopes are passed through as
 * requested, so each client gets a token for its own audience.
 */
export function credentialFromFunction(
  getToken: (scopes: string[], opts: { tenantId?: string; signal?: AbortSignal }) => Promise<SimpleToken | null>,
): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const list = Array.isArray(scopes) ? scopes : [scopes];
      const t = await getToken(list, { tenantId: options?.tenantId, signal: options?.abortSignal as AbortSignal | undefined });
      return t ? { token: t.token, expiresOnTimestamp: t.expiresOnTimestamp } : null;
    },
  };
}

/** The emulator connection, when (and only when) the test variable names an endpoints file. */
export async function testConnectionFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<AzureConnection | null> {
  const path = env[TEST_ENDPOINTS_ENV];
  if (!path) return null;
  return testConnection(await readTestEndpoints(path));
}

/** A connection to the Azure emulator described by `e` (its static token and its own CA). */
export function testConnection(e: TestEndpoints): AzureConnection {
  return {
    credential: credentialFromFunction(async () => ({ token: e.token, expiresOnTimestamp: Date.now() + 3_600_000 })),
    armEndpoint: e.armEndpoint,
    queryEndpoint: e.queryEndpoint,
    tlsOptions: { ca: e.ca },
    subscriptionId: e.subscriptionId,
    tenantId: e.tenantId,
    isTest: true,
  };
}

/** The CLI's connection: the emulator in tests, otherwise Azure CLI sign-in then DefaultAzureCredential. */
export async function cliConnection(opts: { tenantId?: string; subscriptionId?: string } = {}): Promise<AzureConnection> {
  const test = await testConnectionFromEnv();
  if (test) return test;
  // Loaded lazily: @azure/identity is large and only needed against real Azure.
  const { AzureCliCredential, ChainedTokenCredential, DefaultAzureCredential } = await import('@azure/identity');
  const credential = new ChainedTokenCredential(
    new AzureCliCredential({ tenantId: opts.tenantId }),
    new DefaultAzureCredential({ tenantId: opts.tenantId }),
  );
  return { credential, ...PUBLIC_CLOUD, subscriptionId: opts.subscriptionId, tenantId: opts.tenantId, isTest: false };
}

/** Options every Azure SDK client gets: the TLS trust for the emulator, nothing for production. */
export function clientOptions(conn: AzureConnection): { tlsOptions?: { ca: string } } {
  return conn.tlsOptions ? { tlsOptions: conn.tlsOptions } : {};
}

export { TEST_ENDPOINTS_ENV };
