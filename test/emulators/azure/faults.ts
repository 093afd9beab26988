// Fault injection for the Azure emulator: scripted faults (the next N matching requests fail a
// given way) and seeded random faults (each matching request fails with a probability).
import { mulberry32 } from '../../support/random.js';

/**
 * Where a fault applies: all ARM requests, ingestion, queries, or one AKS evidence source alone
 * (those are ARM requests too, so an 'arm' fault hits them as well).
 */
export type FaultTarget = 'arm' | 'ingest' | 'query' | 'managedClusters' | 'diagnosticSettings' | 'activityLog' | 'alerts' | 'any';
export type FaultKind = 'forbidden' | 'throttle' | 'unavailable' | 'reset' | 'slow';

export interface FaultRule {
  target: FaultTarget;
  kind: FaultKind;
  /** How many matching requests fail this way (default 1). */
  count?: number;
  /** Retry-After seconds on throttle/unavailable (default 0; omitted from the response when null). */
  retryAfterSeconds?: number | null;
  /** Delay for slow responses (default 200 ms). */
  delayMs?: number;
}

export interface RandomFaults {
  target: FaultTarget;
  probability: number;
  kinds: FaultKind[];
  seed: number;
  /** Stop injecting after this many faults (default unlimited). */
  max?: number;
}

export class Faults {
  private rules: (FaultRule & { left: number })[] = [];
  private random: (RandomFaults & { next: () => number; injected: number }) | null = null;
  readonly injected: { target: FaultTarget; kind: FaultKind }[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, left: rule.count ?? 1 });
  }

  setRandom(r: RandomFaults | null): void {
    this.random = r ? { ...r, next: mulberry32(r.seed), injected: 0 } : null;
  }

  clear(): void {
    this.rules = [];
    this.random = null;
  }

  /** The fault to apply to this request, if any; `targets` are the names the request goes by (most specific first). */
  pick(...targets: Exclude<FaultTarget, 'any'>[]): FaultRule | null {
    const target = targets[0]!;
    const hits = (t: FaultTarget) => t === 'any' || targets.includes(t as Exclude<FaultTarget, 'any'>);
    const rule = this.rules.find((r) => r.left > 0 && hits(r.target));
    if (rule) {
      rule.left--;
      this.injected.push({ target, kind: rule.kind });
      return rule;
    }
    const r = this.random;
    if (r && hits(r.target) && (r.max === undefined || r.injected < r.max) && r.next() < r.probability) {
      r.injected++;
      const kind = r.kinds[Math.floor(r.next() * r.kinds.length)]!;
      this.injected.push({ target, kind });
      return { target, kind, retryAfterSeconds: 0 };
    }
    return null;
  }
}
