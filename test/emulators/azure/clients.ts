// The real Azure SDK clients pointed at an Azure emulator (its HTTPS endpoint, its CA, a token of
// one of its principals): what the AKS evidence tests drive the emulator with.
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { MonitorClient } from '@azure/arm-monitor';
import { SecurityCenter } from '@azure/arm-security';
import { LogsQueryClient } from '@azure/monitor-query';
import { OperationalInsightsManagementClient } from '@azure/arm-operationalinsights';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelineRequest, PipelineResponse, SendRequest } from '@azure/core-rest-pipeline';
import type { AzureEmulator } from './server.js';

export function tokenCredential(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

/** A pipeline policy that hands each response body to `tap` (what the SDK models fold away). */
function tapPolicy(tap: (body: string) => void) {
  return {
    position: 'perRetry' as const,
    policy: {
      name: 'emulatorTestTap',
      async sendRequest(req: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
        const res = await next(req);
        tap(res.bodyAsText ?? '');
        return res;
      },
    },
  };
}

export function sdkClients(emu: AzureEmulator, token = emu.endpoints.token, opts: { maxRetries?: number; tap?: (body: string) => void } = {}) {
  const credential = tokenCredential(token);
  const sub = emu.endpoints.subscriptionId;
  const retryOptions = { maxRetries: opts.maxRetries ?? 0, retryDelayInMs: 5, maxRetryDelayInMs: 50 };
  const additionalPolicies = opts.tap ? [tapPolicy(opts.tap)] : [];
  const common = { endpoint: emu.url, tlsOptions: { ca: emu.endpoints.ca }, retryOptions, additionalPolicies };
  return {
    aks: new ContainerServiceClient(credential, sub, common),
    monitor: new MonitorClient(credential, sub, common),
    security: new SecurityCenter(credential, sub, common),
    la: new OperationalInsightsManagementClient(credential, sub, common),
    logs: new LogsQueryClient(credential, { endpoint: emu.url, tlsOptions: { ca: emu.endpoints.ca }, retryOptions, additionalPolicies }),
  };
}

export async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
