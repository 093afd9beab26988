// The real Azure SDK clients pointed at an Azure emulator (its HTTPS endpoint, its CA, a token of
// one of its principals): what the AKS evidence tests drive the emulator with.
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { MonitorClient } from '@azure/arm-monitor';
import { SecurityCenter } from '@azure/arm-security';
import { LogsQueryClient } from '@azure/monitor-query';
import { OperationalInsightsManagementClient } from '@azure/arm-operationalinsights';
import type { TokenCredential } from '@azure/core-auth';
import type { AzureEmulator } from './server.js';

export function tokenCredential(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

export function sdkClients(emu: AzureEmulator, token = emu.endpoints.token, opts: { maxRetries?: number } = {}) {
  const credential = tokenCredential(token);
  const sub = emu.endpoints.subscriptionId;
  const retryOptions = { maxRetries: opts.maxRetries ?? 0, retryDelayInMs: 5, maxRetryDelayInMs: 50 };
  const common = { endpoint: emu.url, tlsOptions: { ca: emu.endpoints.ca }, retryOptions };
  return {
    aks: new ContainerServiceClient(credential, sub, common),
    monitor: new MonitorClient(credential, sub, common),
    security: new SecurityCenter(credential, sub, common),
    la: new OperationalInsightsManagementClient(credential, sub, common),
    logs: new LogsQueryClient(credential, { endpoint: emu.url, tlsOptions: { ca: emu.endpoints.ca }, retryOptions }),
  };
}

export async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
