// What every Azure source is given, and the client options that route its requests through the
// evidence capture. Each logical operation gets its own client, so the capture policy knows
// which source and operation every request belongs to.
import { clientOptions, SCOPES, type AzureConnection } from '../credentials.js';
import { describeAzureError } from '../errors.js';
import type { AzureRef } from '../../evidence/raw.js';
import type { AzureRecorder, CapturedAttempt } from './capture.js';
import type { CoverageGap, CoverageSource } from './coverage.js';

export interface SourceContext {
  conn: AzureConnection;
  recorder: AzureRecorder;
  /** The since-window: [from, to). */
  window: { from: Date; to: Date };
  signal: AbortSignal;
}

/** Options for an ARM SDK client whose every request is recorded under `ref`. */
export function armOptions(ctx: SourceContext, ref: Omit<AzureRef, 'kind'>, source?: CoverageSource, onAttempt?: (a: CapturedAttempt) => void) {
  const count = (a: CapturedAttempt) => {
    if (source) {
      source.requests++;
      source.bytes += a.body.length;
    }
    onAttempt?.(a);
  };
  return {
    ...clientOptions(ctx.conn),
    endpoint: ctx.conn.armEndpoint,
    credentialScopes: [ctx.conn.isTest ? SCOPES.management : `${ctx.conn.armEndpoint}/.default`],
    additionalPolicies: [{ policy: ctx.recorder.policy({ kind: 'azure', ...ref }, count), position: 'perRetry' as const }],
  };
}

/** Case-insensitive ARM resource id parts (Azure spells resourceGroups in several cases). */
export function parseResourceId(id: string): { subscriptionId: string; resourceGroup: string; provider: string; type: string; name: string } | null {
  const m = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i.exec(id.trim());
  if (!m) return null;
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, provider: m[3]!, type: m[4]!, name: m[5]! };
}

export const sameId = (a: string | undefined, b: string | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** A failed read as a coverage gap: a 403 names the role and action, anything else says what Azure answered. */
export function gapOf(err: unknown, what: { action: string; resource: string; role: string; scope: string }): CoverageGap {
  const e = describeAzureError(err, what, undefined);
  const status = e.status === 403 ? 'forbidden' : 'failed';
  return { scope: what.scope, status, message: e.message };
}

export const isForbidden = (g: CoverageGap) => g.status === 'forbidden';
