// Suspicious pods: runs the pod rules over pods and the pod templates of workload controllers.
import type { Collector, CollectorContext, CollectorEvent } from './types.js';

export const suspiciousPodsCollector: Collector = {
  artifact: 'suspiciousPods',
  // eslint-disable-next-line require-yield
  async *collect(_ctx: CollectorContext): AsyncIterable<CollectorEvent> {
    // Filled in below by the detections engine.
  },
};
