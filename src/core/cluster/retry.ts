// Retries for transient answers: an API server under load (API Priority and Fairness answers
// 429 with Retry-After, common during an incident), a proxy or kubelet hiccup (500/502/503/504),
// a connection reset or a timeout. Backoff is exponential with full jitter, Retry-After is
// honoured, and two budgets bound the cost: attempts per call and retry time per snapshot, so
// a dead server ends as a reported gap rather than an endless wait.
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeApiError, isAbort } from './errors.js';

export interface RetryPolicy {
  /** Tries per call, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 };

/** Retry time shared by every call of one snapshot. */
export class RetryBudget {
  private spentMs = 0;
  constructor(readonly totalMs = 5 * 60_000) {}
  /** Takes `ms` from the budget; false when it would be overspent. */
  take(ms: number): boolean {
    if (this.spentMs + ms > this.totalMs) return false;
    this.spentMs += ms;
    return true;
  }
  get spent(): number {
    return this.spentMs;
  }
}

const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
const TRANSIENT_REASONS = new Set(['Unreachable', 'Timeout', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE']);

/** Whether an error is worth another try: transient statuses and transport failures, never a cancel. */
export function isTransient(err: unknown): boolean {
  if (isAbort(err)) return false;
  if (!(err instanceof KubeApiError)) return false;
  if (TRANSIENT_STATUS.has(err.status)) return true;
  // Connection refused means nothing listens: retrying a few times covers a restarting proxy.
  return err.status === 0 && TRANSIENT_REASONS.has(err.reason);
}

/** Parses a Retry-After header (seconds, or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | string[] | undefined | null, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The wait before attempt `attempt + 1`: Retry-After when given (capped), else full-jitter backoff. */
export function retryDelay(attempt: number, policy: RetryPolicy, err: unknown, random = Math.random): number {
  const after = err instanceof KubeApiError ? err.retryAfterMs : null;
  if (after !== null) return Math.min(after, policy.maxDelayMs * 3);
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

export interface RetryContext {
  policy: RetryPolicy;
  budget: RetryBudget;
  signal: AbortSignal;
}

/**
 * Runs `attempt(n)` until it succeeds, fails with a non-transient error, or a budget runs out;
 * the last error is thrown. Each attempt is the caller's to record (it gets its number).
 */
export async function withRetry<T>(ctx: RetryContext, attempt: (n: number) => Promise<T>, retryable: (err: unknown) => boolean = isTransient): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (ctx.signal.aborted || n >= ctx.policy.maxAttempts || !retryable(err)) throw err;
      const wait = retryDelay(n, ctx.policy, err);
      if (!ctx.budget.take(wait)) throw err;
      await sleep(wait, undefined, { signal: ctx.signal });
    }
  }
}
